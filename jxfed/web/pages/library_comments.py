"""Commenting on a library item from its page (its comments are shown there, nested as a
post's thread: `post_threads.comments_on`)."""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.errors import JxfedError
from jxfed.spaces.library import comments
from jxfed.spaces.posts import MAX_CHARACTERS
from jxfed.web.pages.forms import submitted
from jxfed.web.pages.library_browsing import clean_path, show
from jxfed.web.pages.library_views import Shelf, open_library
from jxfed.web.pages.post_pages import refusal
from jxfed.web.pages.rendering import see_other

blueprint = Blueprint("pages_library_comments", __name__)


@blueprint.post("/spaces/<slug>/library/-/comment")
async def comment(slug: str) -> Response:
    """A comment on the item at `path`, published in the item's space; back to its page."""
    shelf: Shelf = await open_library(slug)
    form = await submitted()
    path = clean_path(form.values.get("path", "/"))
    text = form.text("comment", limit=MAX_CHARACTERS)
    if not form.valid:
        return await show(shelf, path, form, 422)
    try:
        posted = await comments.comment(shelf.lib, path, shelf.member.actor, text)
    except JxfedError as error:
        message, status = refusal(error)
        form.problem("comment", message)
        return await show(shelf, path, form, status)
    return see_other(f"{shelf.url_of(path)}#post-{posted.id}")
