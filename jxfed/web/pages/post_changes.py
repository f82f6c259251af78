"""Editing a post (`/posts/ID/edit`, the earlier version kept) and deleting it after a
confirmation (`/posts/ID/delete`), through `editing.edit_post` and `editing.delete_post`, the
services the command line and the client API call.
"""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.actors.models import Member
from jxfed.errors import Forbidden, JxfedError
from jxfed.spaces.editing import delete_post, edit_post
from jxfed.spaces.models import Post
from jxfed.spaces.posts import MAX_CHARACTERS, html_to_text
from jxfed.spaces.visibility import visible_posts
from jxfed.web.context import services
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.post_pages import refusal
from jxfed.web.pages.post_threads import Viewer, powers_of, viewer, visible_post
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.views import actor_links, post_views

blueprint = Blueprint("pages_post_changes", __name__)
MAX_TITLE = 500


async def _changeable(post_id: int, *, deleting: bool) -> tuple[Member, Viewer, Post]:
    """The post, if the signed-in member may see it (else 404) and change it (else 403)."""
    member = await member_or_sign_in()
    looking = await viewer()
    post = await visible_post(looking, post_id)
    if not (await powers_of(looking)).change(post, deleting=deleting):
        raise Forbidden(_("Your role does not allow you to change this post."))
    return member, looking, post


async def _edit_page(post: Post, form: Form, status: int = 200) -> Response:
    return await page(
        "pages/post_edit.html",
        status,
        post_id=post.id,
        titled=bool(post.title),
        form=form,
        max_characters=MAX_CHARACTERS,
        max_title=MAX_TITLE,
    )


@blueprint.get("/posts/<id:post_id>/edit")
async def edit_form(post_id: int) -> Response:
    """The post's title and text as the member would type them."""
    _member, _looking, post = await _changeable(post_id, deleting=False)
    return await _edit_page(post, Form({"title": post.title, "text": html_to_text(post.content)}))


@blueprint.post("/posts/<id:post_id>/edit")
async def edit(post_id: int) -> Response:
    """Save the edit: the earlier version is kept in the post's history."""
    await member_or_sign_in()
    form = await submitted()
    member, _looking, post = await _changeable(post_id, deleting=False)
    text = form.text("text", limit=MAX_CHARACTERS)
    title = form.text("title", limit=MAX_TITLE) if post.title else ""
    status = 422
    if form.valid:
        try:
            await edit_post(services(), member.actor, post.uri, text, title or None)
        except JxfedError as refused:
            message, status = refusal(refused)
            form.problem("text", message)
        else:
            return see_other(f"/posts/{post.id}")
    return await _edit_page(post, form, status)


@blueprint.get("/posts/<id:post_id>/delete")
async def delete_form(post_id: int) -> Response:
    """Ask before deleting: the post as it is, and a button."""
    _member, _looking, post = await _changeable(post_id, deleting=True)
    return await page("pages/post_delete.html", post=(await post_views([post]))[0])


async def _after_deletion(looking: Viewer, post: Post) -> str:
    """Where to go once the post is gone: the post a comment answered, the post's space, home."""
    if post.in_reply_to:
        parent = await Post.filter(visible_posts(looking.reader), uri=post.in_reply_to).first()
        if parent is not None:
            return f"/posts/{parent.id}"
    if post.audience:
        return (await actor_links([post.audience]))[post.audience].url
    return "/home"


@blueprint.post("/posts/<id:post_id>/delete")
async def delete(post_id: int) -> Response:
    await member_or_sign_in()
    await submitted()
    member, looking, post = await _changeable(post_id, deleting=True)
    after = await _after_deletion(looking, post)
    try:
        await delete_post(services(), member.actor, post.uri)
    except JxfedError as refused:
        message, status = refusal(refused)
        view = (await post_views([post]))[0]
        return await page("pages/post_delete.html", status, post=view, problem=message)
    return see_other(after)
