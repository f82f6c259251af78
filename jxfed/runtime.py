"""The shared services of one running instance, created once at start-up and passed along."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from jxfed.activitypub.delivery import remember_scheme, signature_scheme
from jxfed.activitypub.dispatch import Dispatcher
from jxfed.activitypub.inbox import Gate
from jxfed.activitypub.keyfetch import (
    FetchedKey,
    KeyCache,
    KeyFetcher,
    KeyFetchError,
    parse_key_document,
)
from jxfed.activitypub.peers import PeerSet
from jxfed.activitypub.transport import FetchError, NotAPeer, Signer, Transport
from jxfed.actors.keyring import Keyring
from jxfed.actors.local_actors import instance_actor
from jxfed.actors.models import LocalActor
from jxfed.actors.paths import actor_path
from jxfed.actors.remote import ACTOR_TYPES, remember_actor
from jxfed.files.store import STORE_FOLDER, ContentStore
from jxfed.settings import Settings


@dataclass(slots=True)
class Services:
    """Settings, loaded keys, the allowlist, the HTTP client, the key cache, the dispatcher."""

    settings: Settings
    # Where public keys come from: signed fetches from peers unless a test supplies a fetcher.
    key_fetcher: KeyFetcher | None = None
    keyring: Keyring = field(default_factory=Keyring)
    peers: PeerSet = field(init=False)
    transport: Transport = field(init=False)
    keys: KeyCache = field(init=False)
    gate: Gate = field(init=False)
    dispatcher: Dispatcher = field(default_factory=Dispatcher)
    work_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _signers: dict[int, Signer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.peers = PeerSet(self.settings.domain)
        self.transport = Transport(self.peers.contains, signature_scheme, remember_scheme)
        self.keys = KeyCache(self.key_fetcher or self._fetch_key)
        self.gate = Gate(self.peers, self.keys, self.settings.domain, self._member_of)

    async def close(self) -> None:
        await self.transport.close()

    async def _member_of(self, space_uri: str, actor_uri: str) -> bool:
        """Whether `actor_uri` is an accepted member of the space here at `space_uri`."""
        from jxfed.spaces.library.librarian import member_here  # spaces/ builds on this

        return await member_here(self.settings.base_url, space_uri, actor_uri)

    @property
    def store(self) -> ContentStore:
        """The content-addressed store of this instance's folder (library contents)."""
        return ContentStore(self.settings.directory / STORE_FOLDER)

    def actor_uri(self, actor: LocalActor) -> str:
        return self.settings.url(actor_path(actor))

    def signer(self, actor: LocalActor) -> Signer:
        """The signer of a local actor; its private key is parsed once per process."""
        signer = self._signers.get(actor.id)
        if signer is None:
            key_id = f"{self.actor_uri(actor)}#main-key"
            signer = Signer(key_id, self.keyring.keys_of(actor).rsa_private)
            self._signers[actor.id] = signer
        return signer

    async def signer_by_id(self, actor_id: int) -> Signer:
        signer = self._signers.get(actor_id)
        if signer is None:
            signer = self.signer(await LocalActor.get(id=actor_id))
        return signer

    async def instance_signer(self) -> Signer:
        """The instance actor signs every fetch (authorised fetch, as Mastodon does)."""
        return self.signer(await instance_actor())

    async def _fetch_key(self, key_id: str) -> FetchedKey:
        url = key_id.partition("#")[0]
        try:
            document = await self.transport.fetch_json(url, await self.instance_signer())
        except (FetchError, NotAPeer) as exc:
            raise KeyFetchError(exc.message) from None
        key = parse_key_document(key_id, document, time.time())
        if document.get("id") == url and document.get("type") in ACTOR_TYPES:
            # Kept as the cached actor too: processing its activity will not fetch it again.
            with contextlib.suppress(FetchError, ValueError):
                await remember_actor(url, document)
        return key
