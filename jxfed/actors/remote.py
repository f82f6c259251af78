"""Actors of peer instances: found by WebFinger, fetched signed, cached in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tortoise.exceptions import IntegrityError

from jxfed.activitypub.policy import host_of
from jxfed.activitypub.transport import FetchError
from jxfed.actors.models import RemoteActor
from jxfed.errors import BadRequest
from jxfed.settings import is_loopback_host

if TYPE_CHECKING:
    from jxfed.runtime import Services

ACTOR_TYPES = {"Person", "Group", "Application", "Service", "Organization"}
FRESH_FOR = timedelta(days=1)
MAX_URI = 500  # the widths of RemoteActor's columns
MAX_NAME = 200
MAX_INBOX = 1000


def base_url_of(domain: str) -> str:
    """A peer's base URL: plain http only for a loopback peer (development and tests)."""
    scheme = "http" if is_loopback_host(domain.partition(":")[0]) else "https"
    return f"{scheme}://{domain}"


async def resolve_account(services: Services, handle: str) -> str:
    """The actor URI behind `name@host`, `@name@host` or an actor URL, asked of the peer."""
    handle = handle.strip()
    if handle.startswith(("https://", "http://")):
        host_of(handle)
        return handle
    name, at, host = handle.lstrip("@").partition("@")
    if not at or not name or not host:
        raise BadRequest(f"{handle!r} is not name@host or an actor URL")
    resource = quote(f"acct:{name}@{host}", safe=":@")
    url = f"{base_url_of(host.lower())}/.well-known/webfinger?resource={resource}"
    document = await services.transport.fetch_json(url, await services.instance_signer())
    for link in document.get("links", []):
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and "json" in str(link.get("type", ""))
            and isinstance(link.get("href"), str)
        ):
            return str(link["href"])
    raise FetchError(f"{handle} has no ActivityPub actor")


async def remote_actor(services: Services, uri: str, *, refresh: bool = False) -> RemoteActor:
    """The cached actor, fetched again (signed, by the instance actor) when older than a day."""
    if len(uri) > MAX_URI:
        raise BadRequest(f"an actor id is at most {MAX_URI} characters")
    cached = await RemoteActor.get_or_none(uri=uri)
    if cached is not None and not refresh and datetime.now(UTC) - cached.fetched_at < FRESH_FOR:
        return cached
    document = await services.transport.fetch_json(uri, await services.instance_signer())
    return await remember_actor(uri, document)


async def remember_actor(uri: str, document: dict[str, Any]) -> RemoteActor:
    """Keep a fetched actor document as the cached actor: fetched for its key or looked up,
    a first-time signer's document is fetched once. Raises FetchError if it is no actor."""
    values = _actor_values(uri, document)
    cached = await RemoteActor.get_or_none(uri=uri)
    if cached is None:
        try:
            return await RemoteActor.create(uri=uri, **values)
        except IntegrityError:  # another task stored it meanwhile
            cached = await RemoteActor.get(uri=uri)
    await RemoteActor.filter(id=cached.id).update(**values)
    return await RemoteActor.get(id=cached.id)


def _actor_values(uri: str, document: dict[str, Any]) -> dict[str, Any]:
    if document.get("id") != uri:
        raise FetchError(f"{uri} answered a document with another id")
    if document.get("type") not in ACTOR_TYPES:
        raise FetchError(f"{uri} is not an actor")
    inbox = document.get("inbox")
    if not isinstance(inbox, str):
        raise FetchError(f"{uri} has no inbox")
    endpoints = document.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    for url in (inbox, shared):
        if isinstance(url, str) and host_of(url) != host_of(uri):
            raise FetchError(f"{uri} names an inbox on another host")
        if isinstance(url, str) and len(url) > MAX_INBOX:
            raise FetchError(f"{uri} names an inbox longer than {MAX_INBOX} characters")
    for field in ("name", "preferredUsername"):
        value = document.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME):
            raise FetchError(f"{uri}: '{field}' is not a string of at most {MAX_NAME} characters")
    return {
        "kind": str(document["type"]),
        "name": str(document.get("name") or ""),
        "preferred_username": str(document.get("preferredUsername") or ""),
        "inbox": inbox,
        "shared_inbox": shared if isinstance(shared, str) else None,
        "document": document,
        "fetched_at": datetime.now(UTC),
    }
