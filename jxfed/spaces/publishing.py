"""One way for a local member to publish: a note to followers, a post or a comment in a space
here or of a peer. The command line and the client API both come through here."""

from __future__ import annotations

from jxfed.actors.models import LocalActor
from jxfed.actors.remote import resolve_account
from jxfed.errors import BadRequest, NotFound
from jxfed.runtime import Services
from jxfed.spaces import relay
from jxfed.spaces.joining import space_of
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
    """Publish `text`. A reply goes where the post it answers lives (its space, if any)."""
    if in_reply_to:
        parent = await Post.get_or_none(uri=in_reply_to, deleted=False).prefetch_related("space")
        if parent is None:
            raise NotFound(f"no post {in_reply_to} here to reply to")
        if space is None and parent.space is not None:
            space = (await parent.space.actor).name
        elif space is None and parent.audience:
            space = parent.audience
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
