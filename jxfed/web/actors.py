"""Actor documents and their collections, as ActivityPub JSON or an HTML profile."""

from __future__ import annotations

from quart import Blueprint, Response, render_template, request

from jxfed.actors.documents import actor_document, actor_id
from jxfed.actors.local_actors import instance_actor
from jxfed.actors.models import ActorKind
from jxfed.collections.actor_collections import actor_collection
from jxfed.collections.pages import parse_cursor
from jxfed.errors import NotFound
from jxfed.spaces.directory import PublicActor, confidential_space_for, public_actor
from jxfed.spaces.models import Access
from jxfed.web.context import services
from jxfed.web.pages.profiles import profile_page
from jxfed.web.pages.space_pages import space_page
from jxfed.web.responses import activity_response, wanted_representation
from jxfed.web.signed import signed_by_peer

blueprint = Blueprint("actors", __name__)
_KINDS = {"users": ActorKind.PERSON, "spaces": ActorKind.GROUP}


async def _visible(kind: ActorKind, name: str) -> tuple[PublicActor, bool]:
    """The actor, and whether the request's signature was already checked.

    A confidential space answers only a signed request from one of its members (or their
    instance actor); anyone else gets the same 404 as for a name that does not exist.
    """
    try:
        return await public_actor(kind, name), False
    except NotFound:
        if kind != ActorKind.GROUP or wanted_representation(request) == "html":
            raise
        key = await signed_by_peer(request)
        return await confidential_space_for(name, key.owner), True


async def _render_actor(found: PublicActor, verified: bool = False) -> Response | str:
    settings = services().settings
    space = found.space
    locked = found.actor.kind == ActorKind.APPLICATION or (
        space is not None and space.access != Access.OPEN
    )
    listed = found.actor.kind != ActorKind.APPLICATION and (
        space is None or space.access != Access.CONFIDENTIAL
    )
    if wanted_representation(request) == "html":
        html = await render_template(
            "actor.html",
            actor=found.actor,
            space=space,
            uri=actor_id(settings, found.actor),
            domain=settings.domain,
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.vary.add("Accept")
        return response
    if found.actor.kind != ActorKind.APPLICATION and not verified:
        # Peers fetch the instance actor unsigned to verify its signed fetches: that one only.
        await signed_by_peer(request)
    description = space.description if space is not None else None
    document = actor_document(
        settings, found.actor, locked=locked, listed=listed, summary=description
    )
    return activity_response(request, document)


@blueprint.get("/<any(users, spaces):kind>/<name>")
async def local_actor(kind: str, name: str) -> Response | str:
    if wanted_representation(request) == "html":  # a browser: the member's or the space's page
        return await (space_page(name) if kind == "spaces" else profile_page(name))
    return await _render_actor(*await _visible(_KINDS[kind], name))


@blueprint.get("/actor")
async def the_instance_actor() -> Response | str:
    return await _render_actor(PublicActor(await instance_actor()))


@blueprint.get("/<any(users, spaces):kind>/<name>/<collection>")
async def collection(kind: str, name: str, collection: str) -> Response:
    found, verified = await _visible(_KINDS[kind], name)
    if not verified:
        await signed_by_peer(request)
    cursor = parse_cursor(request.args)
    document = await actor_collection(services(), found.actor, found.space, collection, cursor)
    return activity_response(request, document)


@blueprint.get("/actor/<any(outbox, followers, following):collection>")
async def instance_collection(collection: str) -> Response:
    await signed_by_peer(request)
    cursor = parse_cursor(request.args)
    document = await actor_collection(services(), await instance_actor(), None, collection, cursor)
    return activity_response(request, document)
