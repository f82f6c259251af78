"""The members' pages, added to the app: their blueprints, templates' gettext, the stylesheet."""

from __future__ import annotations

from quart import Quart

from jxfed.web.pages import admin_members, admin_pages, admin_spaces, entry, rendering


def register(app: Quart) -> None:
    rendering.install(app)
    for module in (entry, admin_pages, admin_members, admin_spaces):
        app.register_blueprint(module.blueprint)
