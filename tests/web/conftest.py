"""A fixed cast for the web tests: one peer instance, one member and a space of each access."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from quart import Quart

from jxfed.activitypub.peers import allow_peer
from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor
from jxfed.settings import Settings
from jxfed.spaces.models import Access
from jxfed.spaces.registry import add_space
from jxfed.web.app import create_app
from jxfed.workers import start_services
from tests.web.client import PEER, fetch_peer_key


@pytest.fixture
async def app(instance: Settings) -> Quart:
    """The instance's app, with peer.example allowed and its key fetched without the network."""
    await allow_peer(PEER)
    return create_app(start_services(instance, key_fetcher=fetch_peer_key))


@dataclass(slots=True)
class Cast:
    """amina, a member, owns sahel (open), vigil (on request) and litigation (confidential)."""

    amina: LocalActor
    sahel: LocalActor
    vigil: LocalActor
    litigation: LocalActor


@pytest.fixture
async def cast(instance: Settings) -> Cast:
    amina = await add_member("amina", password="correct-horse-battery")
    for slug, title, access in [
        ("sahel", "Sahel", Access.OPEN),
        ("vigil", "Vigil", Access.ON_REQUEST),
        ("litigation", "Litigation", Access.CONFIDENTIAL),
    ]:
        await add_space(instance, slug, name=title, access=access, owner=amina.actor.name)
    actors = {actor.name: actor for actor in await LocalActor.all()}
    return Cast(actors["amina"], actors["sahel"], actors["vigil"], actors["litigation"])
