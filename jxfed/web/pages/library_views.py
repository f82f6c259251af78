"""A space's library as a member's pages reach it: the space found through the visibility gate,
the member's librarian, and the named views of items and revisions the templates show.

A library of a space the viewer may not see is the 404 of a free name. A space of a peer's
(`slug@host`) is read from this instance's verified copy, with the role the space gave; its
changes go to the space through `changes` (relaying), so the pages hold one path for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from jxfed.actors.models import Member
from jxfed.spaces.library.librarian import Librarian, librarian, peer_librarian
from jxfed.spaces.library.models import ItemKind, ItemStatus, LibraryItem, LibraryRevision
from jxfed.spaces.roles import Action, may
from jxfed.web.context import services
from jxfed.web.pages import sessions
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.signing import member_or_sign_in
from jxfed.web.pages.space_views import SpacePlace, find_space
from jxfed.web.pages.views import ActorLink, actor_links


@dataclass(slots=True)
class Shelf:
    """One space's library, for the signed-in member, with their librarian (and role)."""

    place: SpacePlace
    lib: Librarian
    member: Member

    @property
    def url(self) -> str:
        return f"/spaces/{self.place.handle}/library"

    def url_of(self, path: str) -> str:
        """The page of the folder or item at `path`."""
        return self.url + quote(path if path.startswith("/") else "/" + path, safe="/")

    def may(self, action: str) -> bool:
        """Whether the member's role allows `action` (for showing a form: the librarian decides)."""
        return may(self.lib.role, Action(action))

    def may_change(self, item: LibraryItem | ItemView, own: str, any_: str) -> bool:
        """`own` on one's own item, `any_` on anybody's, as the role table says."""
        mine = item.author_uri == self.lib.actor_uri
        return self.may(any_) or (mine and self.may(own))


async def open_library(handle: str) -> Shelf:
    """The library of the space `handle` names (a slug here, `slug@host` a peer's): a 404 to
    whoever may not see the space (before anything else), then sign-in for a stranger; the
    role is the librarian's to judge."""
    place = await find_space(handle, await sessions.signed_in_member())
    member = await member_or_sign_in()
    if place.space is not None:
        lib = await librarian(services(), place.space, services().actor_uri(member.actor))
    else:  # this instance's copy, with the role the space last told (it checks again)
        lib = await peer_librarian(services(), place.uri, member.actor)
    return Shelf(place, lib, member)


def status_names() -> dict[str, str]:
    """Each status as the pages name it, in the reader's language."""
    return {
        ItemStatus.OPEN: _("Open"),
        ItemStatus.VALIDATED: _("Validated"),
        ItemStatus.INVALID: _("Invalid"),
        ItemStatus.DEPRECATED: _("Deprecated"),
    }


def kind_names() -> dict[str, str]:
    return {ItemKind.FOLDER: _("Folder"), ItemKind.FILE: _("File"), ItemKind.NOTE: _("Note")}


@dataclass(frozen=True, slots=True)
class ItemView:
    """A folder, file or note as a listing or its page shows it."""

    id: int
    path: str
    url: str
    title: str
    kind: str
    status: str
    revision: int
    size: int | None
    media_type: str
    author: ActorLink
    author_uri: str
    updated: datetime
    sha256: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class RevisionView:
    """One revision in an item's history, with the link to its content."""

    number: int
    change: str
    title: str
    author: ActorLink
    created: datetime
    message: str
    sha256: str
    size: int | None
    media_type: str
    status: str
    deleted: bool
    download: str  # "" when the revision names no content (a folder's)


def join_path(folder: str, title: str) -> str:
    return folder.rstrip("/") + "/" + title


async def item_views(shelf: Shelf, folder: str, items: Sequence[LibraryItem]) -> list[ItemView]:
    """Views of the items of the folder at `folder` (their authors looked up at once)."""
    links = await actor_links({item.author_uri for item in items})
    return [
        ItemView(
            id=item.id,
            path=join_path(folder, item.title),
            url=shelf.url_of(join_path(folder, item.title)),
            title=item.title,
            kind=item.kind.value,
            status=item.status.value,
            revision=item.revision,
            size=item.size,
            media_type=item.media_type or "",
            author=links[item.author_uri],
            author_uri=item.author_uri,
            updated=item.updated_at,
            sha256=item.sha256 or "",
            deleted=item.deleted,
        )
        for item in items
    ]


def download_url(shelf: Shelf, item_id: int, number: int) -> str:
    return f"{shelf.url}/-/download/{item_id}/{number}"


async def revision_views(
    shelf: Shelf, item: LibraryItem, revisions: Sequence[LibraryRevision]
) -> list[RevisionView]:
    """The item's history, newest first, each revision with its download link."""
    links = await actor_links({revision.author_uri for revision in revisions})
    return [
        RevisionView(
            number=revision.number,
            change=revision.change.value,
            title=revision.title,
            author=links[revision.author_uri],
            created=revision.created_at,
            message=revision.message,
            sha256=revision.sha256 or "",
            size=revision.size,
            media_type=revision.media_type or "",
            status=revision.status.value,
            deleted=revision.deleted,
            download=download_url(shelf, item.id, revision.number) if revision.sha256 else "",
        )
        for revision in reversed(revisions)
    ]


def change_names() -> dict[str, str]:
    """What each revision did, as the history names it."""
    return {
        "create": _("created"),
        "edit": _("edited"),
        "rename": _("renamed"),
        "move": _("moved"),
        "status": _("status changed"),
        "delete": _("deleted"),
        "restore": _("restored"),
    }
