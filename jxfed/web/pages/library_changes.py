"""Changing a library from its pages: a new folder, a note written or edited, a rename or move,
a status, a deletion (after a confirmation) and a restored revision.

Each form calls one service of `changes` (the same as the command line's); the librarian
enforces the role, and a refusal shows the page again with its message next to the field.
"""

from __future__ import annotations

from quart import Blueprint, Response, request

from jxfed.errors import JxfedError
from jxfed.spaces.library import changes
from jxfed.spaces.library.models import ItemKind
from jxfed.spaces.library.paths import MAX_TITLE, clean_title, path_of, resolve
from jxfed.spaces.posts import html_to_text
from jxfed.spaces.roles import Action
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.library_browsing import clean_path, crumbs, note_html, show
from jxfed.web.pages.library_views import Shelf, join_path, open_library, status_names
from jxfed.web.pages.post_pages import refusal
from jxfed.web.pages.rendering import page, see_other

blueprint = Blueprint("pages_library_changes", __name__)
MAX_MESSAGE = changes.MAX_MESSAGE
MAX_NOTE = changes.MAX_NOTE


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


async def refused(shelf: Shelf, back: str, form: Form, at: str, error: JxfedError) -> Response:
    """The page `back` again, the service's refusal next to the field `at` (a 4xx)."""
    message, status = refusal(error)
    form.problem(at, message)
    return await show(shelf, back, form, 413 if error.status == 413 else status)


@blueprint.post("/spaces/<slug>/library/-/folder")
async def new_folder(slug: str) -> Response:
    shelf = await open_library(slug)
    form = await submitted()
    where = form.values.get("path", "/")
    title = form.text("folder_title", limit=MAX_TITLE)
    if not form.valid:
        return await show(shelf, where, form, 422)
    try:
        title = clean_title(title)  # one folder: a "/" in its name is refused, not nested
        await changes.make_folder(shelf.lib, join_path(clean_path(where), title))
    except JxfedError as error:
        return await refused(shelf, where, form, "folder_title", error)
    return see_other(shelf.url_of(join_path(clean_path(where), title)))


async def _note_page(shelf: Shelf, form: Form, editing: str, status: int = 200) -> Response:
    folder = form.values.get("folder", "/")
    return await page(
        "pages/library_note.html",
        status,
        shelf=shelf,
        place=shelf.place,
        form=form,
        editing=editing,
        crumbs=crumbs(shelf, editing or folder),
        max_title=MAX_TITLE,
        max_message=MAX_MESSAGE,
        max_note=MAX_NOTE,
    )


@blueprint.get("/spaces/<slug>/library/-/note")
async def note_form(slug: str) -> Response:
    """A new note in `?folder=`, or the next revision of the note at `?path=`."""
    shelf = await open_library(slug)
    editing = request.args.get("path", "")
    if not editing:
        folder = clean_path(request.args.get("folder", "/"))
        found = await resolve(shelf.lib.library, folder)
        if found is not None and found.kind != ItemKind.FOLDER:
            return await show(shelf, folder)
        await shelf.lib.require(Action.UPLOAD)
        return await _note_page(shelf, Form({"folder": folder}), "")
    editing = clean_path(editing)
    item = await resolve(shelf.lib.library, editing)
    if item is None or item.kind != ItemKind.NOTE:
        return await show(shelf, editing)
    await shelf.lib.require_own_or_any(Action.EDIT_OWN, Action.EDIT_ANY, item)
    text = html_to_text(await note_html(item))
    values = {"folder": _parent(editing), "title": item.title, "text": text}
    return await _note_page(shelf, Form(values), editing)


@blueprint.post("/spaces/<slug>/library/-/note")
async def write_note(slug: str) -> Response:
    shelf = await open_library(slug)
    form = await submitted()
    editing = form.values.get("editing", "")
    title = form.text("title", limit=MAX_TITLE)
    text = form.text("text", limit=MAX_NOTE)
    message = form.text("message", required=False, limit=MAX_MESSAGE)
    if not form.valid:
        return await _note_page(shelf, form, editing, 422)
    try:
        folder = clean_path(form.values.get("folder", "/"))
        note = await changes.write_note(shelf.lib, folder, title, text, message)
    except JxfedError as error:
        message, status = refusal(error)
        form.problem("title" if error.status == 400 else "text", message)
        return await _note_page(shelf, form, editing, 413 if error.status == 413 else status)
    return see_other(shelf.url_of(await path_of(note)))


@blueprint.post("/spaces/<slug>/library/-/move")
async def move(slug: str) -> Response:
    """Rename or move an item (the new path names both its folder and its title)."""
    shelf = await open_library(slug)
    form = await submitted()
    path = form.values.get("path", "/")
    new_path = form.text("new_path", limit=4000)
    if not form.valid:
        return await show(shelf, path, form, 422)
    try:
        item = await changes.move(shelf.lib, clean_path(path), clean_path(new_path))
    except JxfedError as error:
        return await refused(shelf, path, form, "new_path", error)
    return see_other(shelf.url_of(await path_of(item)))


@blueprint.post("/spaces/<slug>/library/-/status")
async def set_status(slug: str) -> Response:
    shelf = await open_library(slug)
    form = await submitted()
    path = form.values.get("path", "/")
    status = form.choice("status", list(status_names()))
    if not form.valid:
        return await show(shelf, path, form, 422)
    try:
        await changes.set_status(shelf.lib, clean_path(path), status)
    except JxfedError as error:
        return await refused(shelf, path, form, "status", error)
    return see_other(shelf.url_of(clean_path(path)))


@blueprint.get("/spaces/<slug>/library/-/delete")
async def delete_form(slug: str) -> Response:
    """Ask before deleting: what will go, and a button (every revision stays, restorable)."""
    shelf = await open_library(slug)
    path = clean_path(request.args.get("path", "/"))
    return await _delete_page(shelf, path)


async def _delete_page(shelf: Shelf, path: str, problem: str = "", status: int = 200) -> Response:
    item = await resolve(shelf.lib.library, path)
    if item is None:
        return await show(shelf, path)
    if not problem:
        await shelf.lib.require_own_or_any(Action.DELETE_OWN, Action.DELETE_ANY, item)
    return await page(
        "pages/library_delete.html",
        status,
        shelf=shelf,
        place=shelf.place,
        path=path,
        title=item.title,
        kind=item.kind.value,
        crumbs=crumbs(shelf, path),
        problem=problem,
    )


@blueprint.post("/spaces/<slug>/library/-/delete")
async def delete(slug: str) -> Response:
    shelf = await open_library(slug)
    form = await submitted()
    path = clean_path(form.values.get("path", "/"))
    try:
        await changes.remove(shelf.lib, path)
    except JxfedError as error:
        message, status = refusal(error)
        return await _delete_page(shelf, path, message, status)
    return see_other(shelf.url_of(_parent(path)))


@blueprint.post("/spaces/<slug>/library/-/restore")
async def restore(slug: str) -> Response:
    """A new revision made of an old one (a deleted item comes back)."""
    shelf = await open_library(slug)
    form = await submitted()
    path = form.values.get("path", "/")
    number = form.values.get("revision", "")
    if not number.isdigit():
        form.problem("revision", _("Choose a revision."))
        return await show(shelf, path, form, 422)
    try:
        item = await changes.restore(shelf.lib, clean_path(path), int(number))
    except JxfedError as error:
        return await refused(shelf, path, form, "revision", error)
    return see_other(shelf.url_of(await path_of(item)))
