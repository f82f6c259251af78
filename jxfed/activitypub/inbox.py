"""Inbound requests: the door every signed request passes, and the durable inbox.

Order matters: the keyId's host is checked against the allowlist before any key is fetched;
the activity is put in its one internal shape and checked against its limits (shapes.py); the
key's owner must be the activity's actor, and the activity may speak only for its actor
(attribution.py); every object it names must come from a peer; only then is the normalised
activity stored, and only a stored activity is answered 202.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from jxfed.activitypub.attribution import MemberOf, check_attribution
from jxfed.activitypub.dispatch import Dispatcher, object_type
from jxfed.activitypub.keyfetch import FetchedKey, KeyCache, KeyFetchError, key_owner_matches
from jxfed.activitypub.models import InboxItem, QueueState
from jxfed.activitypub.peers import PeerSet
from jxfed.activitypub.policy import PolicyError, check_activity_hosts, host_of, key_id_host
from jxfed.activitypub.queue import backoff, claim, utcnow
from jxfed.activitypub.shapes import check_limits, normalise
from jxfed.activitypub.signatures import (
    HttpRequest,
    SignatureError,
    parse_request_signature,
    verify_request_signature,
)
from jxfed.errors import BadRequest, Forbidden

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=10)
MAX_ATTEMPTS = 8
BATCH = 50


@dataclass(slots=True)
class Gate:
    """Checks a signed request: allowlist first, then the signature with a cached key.

    `own_domain` is this instance's `host[:port]`: a signature made for another host is refused.
    `member_of` tells the attribution gate who belongs to a space here (a space vouches for
    its members' edits of its library's items).
    """

    peers: PeerSet
    keys: KeyCache
    own_domain: str
    member_of: MemberOf | None = None

    async def signer_of(self, request: HttpRequest) -> FetchedKey:
        """The verified key that signed `request`: 401 unsigned or wrong, 403 not a peer."""
        parsed = parse_request_signature(request)
        try:
            host = key_id_host(parsed.key_id)
        except ValueError:
            raise SignatureError(f"keyId {parsed.key_id!r} is not an http(s) URL") from None
        if not await self.peers.contains(host):
            raise Forbidden(f"{host} is not a peer of this instance")
        try:
            key = await self.keys.get(parsed.key_id)
        except KeyFetchError as exc:
            raise SignatureError(f"could not get key {parsed.key_id}: {exc}") from None
        own = self.own_domain
        try:
            verify_request_signature(request, key.public_key, signature=parsed, expected_host=own)
        except SignatureError as refused:
            # The peer may have rotated its key: fetch it once more before refusing.
            try:
                key = await self.keys.refresh(parsed.key_id)
            except KeyFetchError:
                raise refused from None
            verify_request_signature(request, key.public_key, signature=parsed, expected_host=own)
        return key


def parse_activity(body: bytes) -> dict[str, Any]:
    """The activity in a POST body, in the internal shape: a JSON object with string `id`,
    `type` and `actor`, within the limits of what can be stored."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:  # integers beyond 64 bits land here too
        raise BadRequest(f"body is not valid JSON ({exc})") from None
    if not isinstance(parsed, dict):
        raise BadRequest("body is not a JSON object")
    document = normalise(parsed)
    for field in ("id", "type", "actor"):
        if not isinstance(document.get(field), str) or not document[field]:
            raise BadRequest(f"activity has no string '{field}'")
    try:
        host_of(document["id"])
        host_of(document["actor"])
    except ValueError:
        raise BadRequest("activity 'id' and 'actor' must be http(s) URLs") from None
    check_limits(document)
    return document


async def receive(
    gate: Gate,
    dispatcher: Dispatcher,
    request: HttpRequest,
    recipient: Callable[[str], Awaitable[None]] | None = None,
) -> bool:
    """Verify and store an inbound activity; False when its id was already received.

    `recipient`, for an actor's own inbox, is asked with the signer's actor once the signature
    holds, and raises NotFound when that signer may not know the inbox's actor exists: the
    same answer as for a name that does not exist, never an earlier or a different one.
    """
    key = await gate.signer_of(request)
    if recipient is not None:
        await recipient(key.owner)
    activity = parse_activity(request.body)
    if dispatcher.handler_for(activity) is None:
        kind, inner = activity["type"], object_type(activity)
        raise BadRequest(f"activity {kind}{f'({inner})' if inner else ''} is not supported here")
    if not key_owner_matches(key, activity["actor"]):
        raise SignatureError(f"key {key.key_id} does not belong to actor {activity['actor']}")
    await check_attribution(activity, gate.member_of)
    try:
        check_activity_hosts(activity, gate.peers.known, gate.own_domain)
    except PolicyError as exc:
        raise Forbidden(str(exc)) from None
    except ValueError as exc:
        raise BadRequest(f"activity names something that is not a URL: {exc}") from None
    try:
        await InboxItem.create(
            activity_id=activity["id"],
            actor=activity["actor"],
            document=activity,
            next_try_at=utcnow(),
        )
    except IntegrityError:
        return False
    return True


async def process_due(dispatcher: Dispatcher, retry_seconds: float = 30.0) -> int:
    """One round of an inbox worker: apply each due activity once; return how many."""
    batch = await claim(InboxItem, BATCH, LEASE)
    for item in batch:
        await _process(dispatcher, item, retry_seconds)
    return len(batch)


async def _process(dispatcher: Dispatcher, item: InboxItem, retry_seconds: float) -> None:
    try:
        # Stored normalised; shaped again so that rows kept from an older version are too.
        activity: Mapping[str, Any] = normalise(item.document)
        apply = await dispatcher.prepare(activity)
        async with in_transaction():
            # Marked first: if our lease was lost to another worker, nothing is applied twice.
            marked = await InboxItem.filter(id=item.id, claim_token=item.claim_token).update(
                state=QueueState.DONE, claimed_until=None, claim_token=None
            )
            if marked and apply is not None:
                await apply()
    except Exception as exc:  # a handler's failure must not lose the activity: retry, keep it
        attempts = item.attempts + 1
        log.warning("inbox item %s (%s) failed: %s", item.id, item.activity_id, exc)
        await InboxItem.filter(id=item.id).update(
            state=QueueState.FAILED if attempts >= MAX_ATTEMPTS else QueueState.PENDING,
            attempts=attempts,
            next_try_at=backoff(attempts, None, retry_seconds),
            claimed_until=None,
            claim_token=None,
            last_error=f"{exc.__class__.__name__}: {exc}"[:1000],
        )
