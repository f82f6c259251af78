"""OAuth 2 for Mastodon apps: registering apps, codes (with PKCE S256), tokens, revocation.

Client secrets, codes and tokens are handed out once and stored as SHA-256 digests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from jxfed.actors.models import Member
from jxfed.web.mastodon import scopes
from jxfed.web.mastodon.api_errors import OAuthError, ValidationFailed
from jxfed.web.mastodon.models import AccessToken, AuthorizationCode, OAuthApplication

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
MAX_NAME = 200
MAX_REDIRECT_URIS = 10
_PKCE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def redirect_uri_problem(uri: str) -> str | None:
    """Why a redirect URI cannot be registered, or None when it can."""
    if uri == OOB:
        return None
    parts = urlsplit(uri)
    if not parts.scheme or not (parts.netloc or parts.path):
        return "must be an absolute URI"
    if parts.fragment:
        return "must not contain a fragment"
    if parts.scheme in ("javascript", "data", "vbscript"):
        return "has a forbidden scheme"
    return None


@dataclass(frozen=True, slots=True)
class RegisteredApp:
    application: OAuthApplication
    client_secret: str  # shown once, at registration


async def register_app(
    name: str | None, redirect_uris: list[str], scope: str | None, website: str | None
) -> RegisteredApp:
    """Register a client app; ValidationFailed (422) names every field at fault."""
    problems: dict[str, tuple[str, str]] = {}
    name = (name or "").strip()
    if not name:
        problems["client_name"] = ("ERR_BLANK", "can't be blank")
    elif len(name) > MAX_NAME:
        problems["client_name"] = ("ERR_TOO_LONG", f"is too long (at most {MAX_NAME} characters)")
    uris = [uri.strip() for uri in redirect_uris if uri.strip()]
    if not uris:
        problems["redirect_uris"] = ("ERR_BLANK", "can't be blank")
    elif len(uris) > MAX_REDIRECT_URIS:
        problems["redirect_uris"] = ("ERR_TOO_LONG", f"has more than {MAX_REDIRECT_URIS} URIs")
    else:
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem:
                problems["redirect_uris"] = ("ERR_INVALID", f"{uri!r} {problem}")
                break
    asked = scopes.parse(scope) or [scopes.DEFAULT]
    if scopes.unknown(asked):
        problems["scopes"] = ("ERR_INVALID", f"{' '.join(scopes.unknown(asked))} unknown")
    website = (website or "").strip() or None
    if website and (urlsplit(website).scheme not in ("http", "https") or len(website) > 500):
        problems["website"] = ("ERR_INVALID", "must be an http(s) URL")
    if problems:
        raise ValidationFailed(problems)
    secret = new_secret()
    application = await OAuthApplication.create(
        client_id=secrets.token_urlsafe(32),
        client_secret_hash=digest(secret),
        name=name,
        redirect_uris="\n".join(uris),
        scopes=" ".join(asked),
        website=website,
    )
    return RegisteredApp(application, secret)


async def authenticate_client(
    client_id: str | None, client_secret: str | None, *, secret_required: bool = True
) -> OAuthApplication:
    """The app these credentials name; 401 invalid_client otherwise."""
    application = await OAuthApplication.get_or_none(client_id=client_id) if client_id else None
    if application is None:
        raise OAuthError("invalid_client", "Client authentication failed: unknown client", 401)
    if client_secret is None and not secret_required:
        return application
    if client_secret is None or not hmac.compare_digest(
        digest(client_secret), application.client_secret_hash
    ):
        raise OAuthError("invalid_client", "Client authentication failed: wrong secret", 401)
    return application


def granted_scopes(application: OAuthApplication, scope: str | None) -> list[str]:
    """The scopes asked for (default `read`), all within what the app registered."""
    asked = scopes.parse(scope) or [scopes.DEFAULT]
    if scopes.unknown(asked) or not scopes.within(asked, application.scope_list):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed")
    return asked


def check_redirect_uri(application: OAuthApplication, redirect_uri: str | None) -> str:
    """The redirect URI, which must be one the app registered."""
    if not redirect_uri or redirect_uri not in application.redirect_uri_list:
        raise OAuthError(
            "invalid_redirect_uri", "The redirect uri included is not valid for this client"
        )
    return redirect_uri


def check_challenge(challenge: str | None, method: str | None) -> None:
    """A PKCE challenge must use S256 (`plain` is refused) and be well formed."""
    if challenge is None:
        if method:
            raise OAuthError("invalid_request", "code_challenge_method without code_challenge")
        return
    if method != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256")
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
        raise OAuthError("invalid_request", "code_challenge is not a base64url SHA-256 digest")


def s256(verifier: str) -> str:
    raw = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def issue_code(
    application: OAuthApplication,
    member: Member,
    redirect_uri: str,
    granted: list[str],
    challenge: str | None,
    method: str | None,
) -> str:
    code = new_secret()
    await AuthorizationCode.create(
        application=application,
        member=member,
        code_hash=digest(code),
        redirect_uri=redirect_uri,
        scopes=" ".join(granted),
        code_challenge=challenge,
        code_challenge_method=method if challenge else None,
        expires_at=datetime.now(UTC) + CODE_LIFETIME,
    )
    return code


_BAD_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client"
)


async def redeem_code(
    application: OAuthApplication,
    code: str | None,
    redirect_uri: str | None,
    verifier: str | None,
    *,
    public_client: bool = False,
) -> tuple[AccessToken, str]:
    """Exchange a code (once) for a token; with PKCE the verifier must match the challenge.
    A public client (no secret) may only redeem a code that was asked for with PKCE."""
    if not code:
        raise OAuthError("invalid_request", "the code parameter is missing")
    found = await AuthorizationCode.get_or_none(code_hash=digest(code), application=application)
    if (
        found is None
        or found.used
        or found.expires_at < datetime.now(UTC)
        or (redirect_uri or found.redirect_uri) != found.redirect_uri
    ):
        raise OAuthError("invalid_grant", _BAD_GRANT)
    if public_client and found.code_challenge is None:
        raise OAuthError("invalid_client", "Client authentication failed: no secret", 401)
    if found.code_challenge is not None:
        if not verifier or not _PKCE.match(verifier):
            raise OAuthError("invalid_grant", "code_verifier is missing or malformed")
        if not hmac.compare_digest(s256(verifier), found.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    # Spend the code atomically: of two concurrent exchanges only one updates a row.
    if not await AuthorizationCode.filter(id=found.id, used=False).update(used=True):
        raise OAuthError("invalid_grant", _BAD_GRANT)
    member = await Member.get(id=found.member_id)  # type: ignore[attr-defined]
    return await issue_token(application, member, found.scopes.split())


async def issue_token(
    application: OAuthApplication, member: Member | None, granted: list[str]
) -> tuple[AccessToken, str]:
    """A new bearer token (returned once, stored as a digest)."""
    plain = new_secret()
    token = await AccessToken.create(
        token_hash=digest(plain), application=application, member=member, scopes=" ".join(granted)
    )
    return token, plain


async def token_of(plain: str) -> AccessToken | None:
    """The live token for a bearer string, with its app and member (and the member's actor)."""
    return await AccessToken.get_or_none(
        token_hash=digest(plain), revoked_at__isnull=True
    ).select_related("application", "member__actor")


async def revoke(application: OAuthApplication, plain: str | None) -> None:
    """Revoke one of the app's tokens; unknown tokens are ignored (RFC 7009)."""
    if not plain:
        raise OAuthError("invalid_request", "the token parameter is missing")
    token = await AccessToken.get_or_none(token_hash=digest(plain))
    if token is None:
        return
    if token.application_id != application.id:  # type: ignore[attr-defined]
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403)
    await AccessToken.filter(id=token.id, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )


def token_entity(token: AccessToken, plain: str) -> dict[str, object]:
    return {
        "access_token": plain,
        "token_type": "Bearer",
        "scope": token.scopes,
        "created_at": int(token.created_at.timestamp()),
    }


def application_entity(application: OAuthApplication) -> dict[str, object]:
    return {
        "id": str(application.id),
        "name": application.name,
        "website": application.website,
        "scopes": application.scope_list,
        "redirect_uri": application.redirect_uris,
        "redirect_uris": application.redirect_uri_list,
        "vapid_key": "",  # no Web Push yet
    }
