"""Browser sessions and the forms' anti-forgery tokens.

The session cookie holds a random token; the database keeps its SHA-256 digest only. Signing in
always starts a new session (a token planted before sign-in is worth nothing after it), signing
out ends it, changing the password ends every session of the member.

Every form carries a token that is an HMAC of the browser's session token (or, before sign-in, of
a random cookie of its own): another site can neither read it nor set those cookies, so it cannot
post a form in a member's name. `SameSite=Lax` is a second lock on the same door.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from quart import Response, g, request

from jxfed.actors.models import Member
from jxfed.errors import Forbidden
from jxfed.web.context import services
from jxfed.web.mastodon.api.state import api_state
from jxfed.web.pages.models import BrowserSession

SESSION_COOKIE = "jxfed_session"
FORM_COOKIE = "jxfed_form"
LIFETIME = timedelta(days=30)
CSRF_FIELD = "csrf_token"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def signed_in_member() -> Member | None:
    """The member this browser is signed in as (once per request), or None."""
    if "member" not in g:
        g.member = None
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            found = await BrowserSession.get_or_none(
                token_hash=_digest(token), expires_at__gt=datetime.now(UTC)
            ).select_related("member__actor")
            if found is not None:
                g.member = found.member
    return g.member  # type: ignore[no-any-return]


def _set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=not services().settings.insecure_http,
        path="/",
    )


async def start(response: Response, member: Member) -> None:
    """Sign this browser in as `member` with a fresh token (never one it already had)."""
    token = secrets.token_urlsafe(32)
    await BrowserSession.create(
        token_hash=_digest(token), member=member, expires_at=datetime.now(UTC) + LIFETIME
    )
    _set_cookie(response, SESSION_COOKIE, token, int(LIFETIME.total_seconds()))
    response.delete_cookie(FORM_COOKIE, path="/")


async def end(response: Response) -> None:
    """Sign this browser out: its session is gone from the database, its cookie cleared."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await BrowserSession.filter(token_hash=_digest(token)).delete()
    response.delete_cookie(SESSION_COOKIE, path="/")


async def end_all(member: Member) -> None:
    """End every session of `member` (a password change)."""
    await BrowserSession.filter(member=member).delete()


async def _binding() -> str:
    """What this browser's form tokens are bound to: its session, else its form cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and await signed_in_member() is not None:
        return "session:" + _digest(token)
    nonce = request.cookies.get(FORM_COOKIE) or g.get("new_form_cookie")
    if not nonce:
        nonce = g.new_form_cookie = secrets.token_urlsafe(16)
    return "form:" + nonce


async def csrf_token() -> str:
    key = await api_state().form_key()
    return hmac.new(key, (await _binding()).encode(), hashlib.sha256).hexdigest()


async def check_csrf(submitted: str | None) -> None:
    """Refuse (403, nothing changed) a form whose token this browser was not given."""
    if not submitted or not hmac.compare_digest(submitted, await csrf_token()):
        raise Forbidden("this form has expired or did not come from this site: reload the page")


def keep_form_cookie(response: Response) -> None:
    """Give the browser the form cookie its page's tokens were bound to, if it was new."""
    nonce = g.get("new_form_cookie")
    if nonce:
        _set_cookie(response, FORM_COOKIE, nonce, None)
