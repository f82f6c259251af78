"""The members' pages, added to the app: their blueprints, templates' gettext, the stylesheet."""

from __future__ import annotations

from quart import Quart

from jxfed.web.pages import entry, rendering


def register(app: Quart) -> None:
    rendering.install(app)
    for module in (entry,):
        app.register_blueprint(module.blueprint)
