"""One way for a local member to publish: a note to followers, a post or a comment in a space
here or of a peer. The command line and the client API both come through here."""

from __future__ import annotations

from jxfed.actors.models import LocalActor
from jxfed.actors.remote import resolve_account
from jxfed.errors import BadRequest, NotFound
from jxfed.runtime import Services
from jxfed.spaces import relay
from jxfed.spaces.joining import space_of
from jxfed.spaces.library.models import LibraryItem
from jxfed.spaces.models import Post, Space
from jxfed.spaces.posts import NO_OPTIONS, NoteOptions, publish_note


async def find_space(services: Services, space: str) -> Space | str:
    """A space here (by slug, address or URL), else the URL of a space of a peer."""
    if "@" not in space and "://" not in space:
        local = await Space.get_or_none(actor__name=space)
        if local is None:
            raise NotFound(f"no space named {space!r} here")
        return local
    uri = await resolve_account(services, space)
    return await space_of(services.settings.base_url, uri) or uri


async def _space_of_parent(uri: str) -> str | None:
    """Where a reply to `uri` goes: the space of the post or library item it names (a slug
    here, a peer's space's URI), None for a post in no space; NotFound when nothing here is
    called so."""
    parent = await Post.get_or_none(uri=uri, deleted=False).prefetch_related("space")
    if parent is not None:
        if parent.space is not None:
            return (await parent.space.actor).name
        return parent.audience or None
    item = await LibraryItem.get_or_none(uri=uri, deleted=False).prefetch_related("space")
    if item is None:
        raise NotFound(f"no post {uri} here to reply to")
    if item.space is not None:
        return str((await item.space.actor).name)
    return item.space_uri


async def publish(
    services: Services,
    author: LocalActor,
    text: str,
    *,
    space: str | None = None,
    title: str | None = None,
    in_reply_to: str | None = None,
    options: NoteOptions = NO_OPTIONS,
) -> Post:
    """Publish `text`. A reply goes where the post (or library item) it answers lives (its
    space, if any)."""
    if in_reply_to and space is None:
        space = await _space_of_parent(in_reply_to)
    elif in_reply_to:
        await _space_of_parent(in_reply_to)  # NotFound for nothing known here
    if space is None:
        if title:
            raise BadRequest("a title is for a post in a space")
        return await publish_note(services, author, text, in_reply_to, options)
    target = await find_space(services, space)
    if isinstance(target, Space):
        return await relay.post_in_space(
            services, target, author, text, title, in_reply_to, options
        )
    return await relay.post_to_remote_space(
        services, author, target, text, title, in_reply_to, options
    )
