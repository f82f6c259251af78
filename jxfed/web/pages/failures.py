"""Error pages: a clear title in the reader's language, the same for every cause of a 404."""

from __future__ import annotations

from quart import Response

from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.rendering import page, see_other


def _title(status: int) -> str:
    titles = {
        400: _("This request is not valid"),
        401: _("Sign in to see this page"),
        403: _("This action is not allowed"),
        404: _("Page not found"),
        405: _("This action is not allowed"),
        413: _("This is too large"),
        422: _("Some fields need attention"),
        429: _("Too many attempts"),
    }
    return titles.get(status, _("Something went wrong") if status >= 500 else _("Error"))


def _message(status: int, message: str) -> str:
    if status == 404:  # never a hint of why: a confidential space and a free name look alike
        return _("There is nothing at this address, or you may not see it.")
    if status >= 500:
        return _("The server could not answer. Try again in a moment.")
    if status == 403 and "form" in message:
        return _("This form has expired or did not come from this site. Reload the page.")
    return message


async def failure_page(message: str, status: int, location: str | None = None) -> Response:
    """The error as a page; a page for members only sends a stranger to sign in first."""
    if status == 401 and location:
        return see_other(location)
    title = _title(status)
    return await page("pages/error.html", status, title=title, message=_message(status, message))
