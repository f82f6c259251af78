"""The application factory: one Quart app per instance, with its Services."""

from __future__ import annotations

from quart import Quart

from jxfed.runtime import Services
from jxfed.web import actors, inboxes, library_objects, objects, wellknown
from jxfed.web.converters import register_converters
from jxfed.web.errors import register_error_handlers
from jxfed.web.finishing import register_finishing
from jxfed.web.mastodon import api as mastodon_api
from jxfed.web.pages import site as pages

MAX_BODY_BYTES = 1024 * 1024


def create_app(services: Services) -> Quart:
    """Build the web application; the database must already be open and migrated."""
    app = Quart("jxfed.web")
    register_converters(app.url_map)  # before any route names <id:…>
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["JSON_SORT_KEYS"] = False
    # The stylesheet's URL carries its digest (pages/rendering.py), so browsers may keep it.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 7 * 86400
    app.extensions["jxfed"] = services
    app.register_blueprint(wellknown.blueprint)
    app.register_blueprint(actors.blueprint)
    app.register_blueprint(inboxes.blueprint)
    app.register_blueprint(objects.blueprint)
    app.register_blueprint(library_objects.blueprint)
    mastodon_api.register(app)
    pages.register(app)
    register_error_handlers(app)
    register_finishing(app)
    return app
