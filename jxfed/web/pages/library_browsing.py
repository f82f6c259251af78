"""Browsing a space's library (`/spaces/SLUG/library/PATH`): a folder's items, or an item's page
with its history, a note's text and the diff between two of its revisions.

Everything is read through `reading` (the librarian checks the reader role and audits each
view); the forms a page shows are those the member's role allows, the librarian enforcing them.
"""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.errors import BadRequest, JxfedError
from jxfed.spaces.library import reading
from jxfed.spaces.library.models import ItemKind, LibraryItem
from jxfed.spaces.library.paths import resolve, split
from jxfed.spaces.posts import MAX_CHARACTERS, sanitise
from jxfed.spaces.roles import Action
from jxfed.web.actors import collection
from jxfed.web.context import services
from jxfed.web.pages.forms import Form
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.i18n import ngettext, number
from jxfed.web.pages.library_views import (
    Shelf,
    change_names,
    download_url,
    item_views,
    join_path,
    kind_names,
    open_library,
    revision_views,
    status_names,
)
from jxfed.web.pages.post_threads import comments_on, viewer
from jxfed.web.pages.rendering import page
from jxfed.web.responses import wanted_representation

blueprint = Blueprint("pages_library_browsing", __name__)
FOLDER_PAGE = 100  # items on one page of a folder (then "more", by cursor)
NOTE_SHOWN = 8 * 1024 * 1024  # a note's stored HTML read for its page, at most


def clean_path(path: str) -> str:
    """`a//b/` → `/a/b`, each title checked (a bad one is a 400)."""
    return "/" + "/".join(split(path))


def size_text(size: int | None) -> str:
    """A content's size as a reader takes it in at a glance."""
    if size is None:
        return ""
    if size < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", size)
    if size < 10 * 1024 * 1024:
        return _("%(size)s KB", size=number(round(size / 1024)))
    return _("%(size)s MB", size=number(round(size / (1024 * 1024))))


def crumbs(shelf: Shelf, path: str) -> list[tuple[str, str]]:
    """The folders from the library's top down to `path`, each with its page."""
    trail = [(_("Library"), shelf.url)]
    walked = ""
    for title in split(path):
        walked = join_path(walked, title)
        trail.append((title, shelf.url_of(walked)))
    return trail


def _common(shelf: Shelf, path: str) -> dict[str, object]:
    return {
        "shelf": shelf,
        "place": shelf.place,
        "path": path,
        "crumbs": crumbs(shelf, path),
        "statuses": status_names(),
        "kinds": kind_names(),
        "changes": change_names(),
        "size": size_text,
        "file_limit_mb": services().settings.library_file_mb,
    }


async def show(shelf: Shelf, path: str, form: Form | None = None, status: int = 200) -> Response:
    """The page at `path`: a folder's listing or an item's page; `form` brings back a refused
    form with its messages and the values typed."""
    await shelf.lib.require(Action.READ)
    path = clean_path(path)
    item = await resolve(shelf.lib.library, path, deleted=True)
    if item is not None and (item.deleted or item.kind != ItemKind.FOLDER):
        return await _item_page(shelf, path, form or Form(), status)
    return await _folder_page(shelf, path, form or Form(), status)


async def _folder_page(shelf: Shelf, path: str, form: Form, status: int) -> Response:
    after = request.args.get("after", "")
    if after and not (after.isdigit() and len(after) < 19):
        raise BadRequest(_("This page address is not valid."))
    cursor = int(after) if after else None
    items = await reading.listing(shelf.lib, path, after=cursor, limit=FOLDER_PAGE + 1)
    more = items[FOLDER_PAGE - 1].id if len(items) > FOLDER_PAGE else None
    items = items[:FOLDER_PAGE]
    gone = await reading.removed(shelf.lib, path) if shelf.may(Action.RESTORE) else []
    return await page(
        "pages/library.html",
        status,
        form=form,
        items=await item_views(shelf, path, items),
        removed=await item_views(shelf, path, gone[:FOLDER_PAGE]),
        more=more,
        first=cursor is not None,
        **_common(shelf, path),
    )


async def note_html(item: LibraryItem) -> str:
    """The newest text of a note, as sanitised HTML (sanitised again: it may come from a peer)."""
    if (
        item.kind != ItemKind.NOTE
        or not item.sha256
        or item.deleted
        or (item.size or 0) > NOTE_SHOWN
    ):
        return ""
    data = b"".join([chunk async for chunk in services().store.read(item.sha256)])
    return sanitise(data.decode("utf-8", "replace"))


async def _diff(shelf: Shelf, path: str, form: Form) -> list[str]:
    """The diff the GET form asked for (`older`, `newer`), or nothing."""
    older, newer = request.args.get("older", ""), request.args.get("newer", "")
    if not older and not newer:
        return []
    form.values.update(older=older, newer=newer)
    if not (older.isdigit() and newer.isdigit()):
        form.problem("newer", _("Choose two revisions."))
        return []
    try:
        return await reading.note_diff(shelf.lib, path, int(older), int(newer))
    except JxfedError as error:
        form.problem("newer", error.message)
        return []


async def _item_page(shelf: Shelf, path: str, form: Form, status: int) -> Response:
    item, revisions = await reading.history(shelf.lib, path)
    view = (await item_views(shelf, path.rsplit("/", 1)[0] or "/", [item]))[0]
    note = await note_html(item)
    diff = await _diff(shelf, path, form) if item.kind == ItemKind.NOTE else []
    form.values.setdefault("new_path", path)
    if form.errors and status == 200:
        status = 422
    newest = next((r for r in reversed(revisions) if r.sha256 and not r.deleted), None)
    comments, comment_count = await comments_on(await viewer(), item.uri)
    return await page(
        "pages/library_item.html",
        status,
        form=form,
        item=view,
        folder=path.rsplit("/", 1)[0] or "/",
        revisions=await revision_views(shelf, item, revisions),
        numbers=[r.number for r in revisions if r.sha256],
        note=note,
        diff=diff,
        latest=download_url(shelf, item.id, newest.number) if newest else "",
        comments=comments,
        comment_count=comment_count,
        max_characters=MAX_CHARACTERS,
        **_common(shelf, path),
    )


@blueprint.get("/spaces/<slug>/library")
async def library_top(slug: str) -> Response:
    """The library's top folder; to a peer asking for ActivityPub, the library's collection."""
    if wanted_representation(request) == "activity":
        return await collection("spaces", slug, "library")
    return await show(await open_library(slug), "/")


@blueprint.get("/spaces/<slug>/library/<path:path>")
async def library_page(slug: str, path: str) -> Response:
    """A folder of the library, or an item's page."""
    return await show(await open_library(slug), path)
