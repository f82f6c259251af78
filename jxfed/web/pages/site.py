"""The members' pages, added to the app: their blueprints, templates' gettext, the stylesheet."""

from __future__ import annotations

from quart import Quart

from jxfed.web.pages import (
    admin_members,
    admin_pages,
    admin_spaces,
    entry,
    home,
    library_browsing,
    library_changes,
    library_comments,
    library_downloads,
    library_uploads,
    notification_pages,
    post_changes,
    post_pages,
    profiles,
    rendering,
    search_pages,
    space_list,
    space_managing,
    space_pages,
)


def register(app: Quart) -> None:
    rendering.install(app)
    for module in (
        entry,
        admin_pages,
        admin_members,
        admin_spaces,
        home,
        profiles,
        notification_pages,
        search_pages,
        space_pages,
        space_managing,
        space_list,
        post_pages,
        post_changes,
        library_browsing,
        library_changes,
        library_comments,
        library_uploads,
        library_downloads,
    ):
        app.register_blueprint(module.blueprint)
    # The library's upload route takes bodies over the app's 1 MB (it sets its own limit).
    app.request_class = library_uploads.LibraryUploadRequest
