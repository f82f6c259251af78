"""Rendering a page: the language, the member, the header's unread count, the security headers.

Every page goes out through `page()` (or `see_other()` after a form), so each gets the same
headers: no script at all, no framing, nothing sent to other sites, and a member's pages never
kept by a cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from quart import Quart, Response, g, render_template, request

from jxfed.spaces.models import Notification
from jxfed.web.context import services
from jxfed.web.pages import i18n, sessions

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"  # served at /static/
STYLESHEET = "style.css"
_HEADERS = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def _policy() -> str:
    # Images of peers' media: https, or plain http for an instance that is itself on http.
    images = "'self' data: https:" + (" http:" if services().settings.insecure_http else "")
    return (
        "default-src 'none'; style-src 'self'; "
        f"img-src {images}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


async def prepare() -> None:
    """Before any request: who is signed in (only when a session cookie came) and the language."""
    member = (
        await sessions.signed_in_member() if sessions.SESSION_COOKIE in request.cookies else None
    )
    g.language = i18n.choose(
        member.language if member is not None else None, services().settings.language
    )


def secure(response: Response) -> Response:
    """The headers of every page and every redirect after a form."""
    response.headers.update(_HEADERS)
    response.headers["Content-Security-Policy"] = _policy()
    signed_in = g.get("member") is not None
    response.headers["Cache-Control"] = "private, no-store" if signed_in else "private, no-cache"
    response.vary.update(("Cookie", "Accept", "Accept-Language"))
    sessions.keep_form_cookie(response)
    return response


async def page(template: str, status: int = 200, **context: Any) -> Response:
    """Render `template` as a page of this instance, in the request's language."""
    member = await sessions.signed_in_member()
    settings = services().settings
    unread = 0
    if member is not None:
        unread = await Notification.filter(member_id=member.id, read=False).count()
    language = i18n.current()
    html = await render_template(
        template,
        me=member,
        unread=unread,
        lang=language,
        dir=i18n.direction(language),
        languages=i18n.NAMES,
        csrf_token=await sessions.csrf_token(),
        instance_name=settings.name or settings.domain,
        domain=settings.domain,
        stylesheet_version=stylesheet_version(),
        **context,
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    return secure(response)


def see_other(location: str) -> Response:
    """After a form: 303 to the page to show (POST, redirect, GET)."""
    response = Response("", status=303, headers={"Location": location})
    return secure(response)


_version: list[str] = []


def stylesheet_version() -> str:
    """A digest of the stylesheet, so that its URL changes when it does and may be kept long."""
    if not _version:
        _version.append(hashlib.sha256((STATIC_DIR / STYLESHEET).read_bytes()).hexdigest()[:12])
    return _version[0]


def install(app: Quart) -> None:
    """Gettext, dates and numbers in the templates; the language chosen before each request."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.catalog(i18n.current()).gettext(message),
        lambda one, many, n: i18n.catalog(i18n.current()).ngettext(one, many, n),
        newstyle=True,
    )
    app.jinja_env.filters["when"] = i18n.when
    app.jinja_env.filters["number"] = i18n.number
    app.before_request(prepare)
