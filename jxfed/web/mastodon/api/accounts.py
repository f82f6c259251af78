"""Accounts: the member's own, any visible account, its statuses, following and relationships."""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.errors import NotFound
from jxfed.spaces.models import Post
from jxfed.spaces.posts import html_to_text
from jxfed.spaces.visibility import visible_posts
from jxfed.web.context import services
from jxfed.web.mastodon import account_views
from jxfed.web.mastodon.api.auth import Caller, allows_anonymous, requires
from jxfed.web.mastodon.api.http import page_response, reader_for
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.pagination import fetch_page, page_request
from jxfed.web.mastodon.relationships import follow, relationship, unfollow
from jxfed.web.mastodon.status_views import StatusRenderer
from jxfed.web.mastodon.timeline_queries import with_media
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_accounts", __name__)
MAX_RELATIONSHIPS = 40


@blueprint.get("/api/v1/accounts/verify_credentials")
@requires("read:accounts")
async def verify_credentials(caller: Caller) -> Response:
    actor = caller.acting_member().actor
    target = account_views.Target(services().actor_uri(actor), local=actor)
    entity = await account_views.account_entity(services(), target)
    entity["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": "",
        "note": html_to_text(entity["note"]),
        "fields": [],
        "follow_requests_count": await account_views.follow_requests_count(services(), actor),
        "indexable": False,
    }
    entity["role"] = {"id": "0", "name": "", "color": "", "permissions": "0", "highlighted": False}
    return json_response(entity)


@blueprint.get("/api/v1/accounts/lookup")
@allows_anonymous("read:accounts")
async def lookup(caller: Caller) -> Response:
    acct = request.args.get("acct", "").strip()
    if not acct:
        raise ValidationFailed({"acct": ("ERR_BLANK", "can't be blank")})
    target = await account_views.lookup(services(), await reader_for(caller), acct)
    return json_response(await account_views.account_entity(services(), target))


@blueprint.get("/api/v1/accounts/relationships")
@requires("read:follows")
async def relationships(caller: Caller) -> Response:
    me = caller.acting_member().actor
    reader = await reader_for(caller)
    ids = request.args.getlist("id[]") + request.args.getlist("id")
    found = []
    for account_id in dict.fromkeys(ids[:MAX_RELATIONSHIPS]):
        try:
            target = await account_views.target_by_id(services(), reader, account_id)
        except NotFound:
            continue  # as Mastodon does: unknown ids are left out
        found.append(await relationship(services(), me, target))
    return json_response(found)


@blueprint.get("/api/v1/accounts/<account_id>")
@allows_anonymous("read:accounts")
async def account(caller: Caller, account_id: str) -> Response:
    target = await account_views.target_by_id(services(), await reader_for(caller), account_id)
    return json_response(await account_views.account_entity(services(), target))


@blueprint.get("/api/v1/accounts/<account_id>/statuses")
@allows_anonymous("read:statuses")
async def account_statuses(caller: Caller, account_id: str) -> Response:
    """A member's posts, or a space's posts as the space's boosts; what the reader may see."""
    reader = await reader_for(caller)
    target = await account_views.target_by_id(services(), reader, account_id)
    page = page_request(request.args)
    posts = Post.filter(visible_posts(reader))
    if target.space is not None:
        posts = posts.filter(space=target.space, in_reply_to__isnull=True)
    elif target.is_space:
        posts = posts.filter(audience=target.uri, in_reply_to__isnull=True)
    else:
        posts = posts.filter(author_uri=target.uri)
    if request.args.get("exclude_replies") in ("true", "1"):
        posts = posts.filter(in_reply_to__isnull=True)
    if request.args.get("only_media") in ("true", "1"):
        posts = posts.filter(with_media())
    if request.args.get("pinned") in ("true", "1"):
        return page_response([], [])  # no pinned posts yet
    found = await fetch_page(posts, page)
    renderer = StatusRenderer(services(), reader)
    statuses = await renderer.render(found, boosts=target.is_space)
    return page_response(statuses, [str(post.id) for post in found])


@blueprint.post("/api/v1/accounts/<account_id>/follow")
@requires("write:follows")
async def follow_account(caller: Caller, account_id: str) -> Response:
    me = caller.acting_member().actor
    target = await account_views.target_by_id(services(), await reader_for(caller), account_id)
    await follow(services(), me, target)
    return json_response(await relationship(services(), me, target))


@blueprint.post("/api/v1/accounts/<account_id>/unfollow")
@requires("write:follows")
async def unfollow_account(caller: Caller, account_id: str) -> Response:
    me = caller.acting_member().actor
    target = await account_views.target_by_id(services(), await reader_for(caller), account_id)
    await unfollow(services(), me, target)
    return json_response(await relationship(services(), me, target))
