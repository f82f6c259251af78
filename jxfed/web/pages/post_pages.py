"""A post's page (`/posts/ID`, its database id): the post and its thread, commenting, reacting;
and a browser's way from a post's ActivityPub id (`/objects/...`) to that page.

Comments and reactions go through the services the client API calls (`publishing.publish`,
`reactions.react` and `unreact`), which check the roles and carry them where the post's space
lives, here or on a peer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from quart import Blueprint, Response, request

from jxfed.activitypub.transport import FetchError
from jxfed.errors import JxfedError
from jxfed.spaces.models import Post, Reaction
from jxfed.spaces.posts import MAX_CHARACTERS
from jxfed.spaces.publishing import publish
from jxfed.spaces.reactions import MAX_EMOJI, react, unreact
from jxfed.spaces.visibility import may_see
from jxfed.web.context import services
from jxfed.web.pages.failures import failure_page
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.post_threads import Viewer, thread_of, viewer, visible_post
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import local_path, member_or_sign_in

blueprint = Blueprint("pages_posts", __name__)


def refusal(error: JxfedError) -> tuple[str, int]:
    """A service's refusal as the member reads it, and the status of the form shown again."""
    if error.status == 403:
        return _("This is not allowed here (%(reason)s).", reason=error.message), 403
    if isinstance(error, FetchError):
        return _("The space's instance cannot be reached: try again later."), 422
    return _("This could not be done (%(reason)s).", reason=error.message), 422


async def post_page(
    looking: Viewer,
    post: Post,
    status: int = 200,
    *,
    comment: Form | None = None,
    reaction: Form | None = None,
) -> Response:
    """The post's page; a comment or a reaction that was refused is shown with its message."""
    thread = await thread_of(looking, post)
    shown = thread.post.view
    heading = shown.title or (
        _("Comment by %(name)s", name=shown.author.name)
        if shown.in_reply_to
        else _("Post by %(name)s", name=shown.author.name)
    )
    return await page(
        "pages/post.html",
        status,
        thread=thread,
        heading=heading,
        comment=comment or Form(),
        reaction=reaction or Form(),
        max_characters=MAX_CHARACTERS,
        max_emoji=MAX_EMOJI,
    )


def _back_to(form: Form, post_id: int, anchor: int) -> str:
    """Where a comment or a reaction returns: the page it came from (on this site), else the
    post's page; at the post `anchor`."""
    back = local_path(form.values.get("next"))
    referrer = urlsplit(request.referrer or "")
    if back is None and referrer.netloc == urlsplit(services().settings.base_url).netloc:
        back = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return f"{back or f'/posts/{post_id}'}#post-{anchor}"


@blueprint.get("/posts/<id:post_id>")
async def show(post_id: int) -> Response:
    looking = await viewer()
    return await post_page(looking, await visible_post(looking, post_id))


@blueprint.post("/posts/<id:post_id>/comments")
async def comment(post_id: int) -> Response:
    """A comment on the post, published where the post lives (its space, here or on a peer)."""
    member = await member_or_sign_in()
    form = await submitted()
    looking = await viewer()
    post = await visible_post(looking, post_id)
    text = form.text("text", limit=MAX_CHARACTERS)
    status = 422
    if form.valid:
        try:
            reply = await publish(services(), member.actor, text, in_reply_to=post.uri)
        except JxfedError as refused:
            message, status = refusal(refused)
            form.problem("text", message)
        else:
            return see_other(_back_to(form, post.id, reply.id))
    return await post_page(looking, post, status, comment=form)


@blueprint.post("/posts/<id:post_id>/reactions")
async def reaction(post_id: int) -> Response:
    """Like (no emoji) or react to the post; the same again takes it back."""
    member = await member_or_sign_in()
    form = await submitted()
    looking = await viewer()
    post = await visible_post(looking, post_id)
    emoji = form.text("emoji", required=False, limit=MAX_EMOJI)
    status = 422
    if form.valid:
        given = Reaction.filter(post_id=post.id, actor_uri=looking.uri, emoji=emoji)
        try:
            if await given.exists():
                await unreact(services(), member.actor, post.uri, emoji)
            else:
                await react(services(), member.actor, post.uri, emoji)
        except JxfedError as refused:
            message, status = refusal(refused)
            form.problem("emoji", message)
        else:
            return see_other(_back_to(form, post.id, post.id))
    return await post_page(looking, post, status, reaction=form)


async def object_page(uri: str) -> Response:
    """A browser opening a post's ActivityPub id: its page when the viewer may see it, else
    the page of a name that does not exist."""
    post = await Post.get_or_none(uri=uri, local=True)
    if post is None or not await may_see((await viewer()).reader, post):
        return await failure_page("no such post", 404)
    return see_other(f"/posts/{post.id}")
