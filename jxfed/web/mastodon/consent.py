"""The consent form's anti-forgery token: signed, short-lived, bound to a browser cookie.

The form carries `issued.nonce.mac` and the browser a cookie holding `nonce`: another site can
neither read the token nor set the cookie, so it cannot submit the form in a member's name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

LIFETIME_SECONDS = 3600
COOKIE = "jxfed_oauth_nonce"


def _mac(key: bytes, issued: int, nonce: str, binding: str) -> str:
    message = f"{issued}.{nonce}.{binding}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue(key: bytes, binding: str, now: float | None = None) -> tuple[str, str]:
    """(form token, cookie value) for a form about `binding` (the app and redirect URI)."""
    issued = int(time.time() if now is None else now)
    nonce = secrets.token_urlsafe(16)
    return f"{issued}.{nonce}.{_mac(key, issued, nonce, binding)}", nonce


def valid(
    key: bytes, binding: str, token: str, cookie: str | None, now: float | None = None
) -> bool:
    """True for a token this instance issued for `binding`, recent, matching the cookie."""
    try:
        issued_text, nonce, mac = token.split(".")
        issued = int(issued_text)
    except ValueError:
        return False
    age = (time.time() if now is None else now) - issued
    return (
        0 <= age <= LIFETIME_SECONDS
        and cookie is not None
        and hmac.compare_digest(cookie, nonce)
        and hmac.compare_digest(mac, _mac(key, issued, nonce, binding))
    )
