"""OAuth endpoints: the consent page, tokens, revocation, and the server's metadata."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from quart import Blueprint, Response, redirect, render_template, request

from jxfed.web.context import services
from jxfed.web.mastodon import consent, grants, scopes
from jxfed.web.mastodon.api.http import Params, client_ip, params
from jxfed.web.mastodon.api.state import api_state
from jxfed.web.mastodon.api_errors import OAuthError, TooManyRequests
from jxfed.web.mastodon.logins import login
from jxfed.web.mastodon.models import OAuthApplication
from jxfed.web.responses import json_response

blueprint = Blueprint("mastodon_oauth", __name__)
GRANT_TYPES = ["authorization_code", "password", "client_credentials"]
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    application: OAuthApplication
    redirect_uri: str
    scopes: list[str]
    state: str
    challenge: str | None
    method: str | None

    def hidden_fields(self) -> dict[str, str]:
        fields = {
            "response_type": "code",
            "client_id": self.application.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": self.state,
        }
        if self.challenge:
            fields |= {"code_challenge": self.challenge, "code_challenge_method": "S256"}
        return fields

    @property
    def binding(self) -> str:
        return f"{self.application.client_id}\n{self.redirect_uri}"


async def _authorization_request(values: Mapping[str, str]) -> AuthorizationRequest:
    client_id = values.get("client_id")
    application = await OAuthApplication.get_or_none(client_id=client_id) if client_id else None
    if application is None:
        raise OAuthError("invalid_client", "This application is not registered here", 401)
    redirect_uri = values.get("redirect_uri") or (
        application.redirect_uri_list[0] if len(application.redirect_uri_list) == 1 else None
    )
    redirect_uri = grants.check_redirect_uri(application, redirect_uri)
    if values.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "response_type must be code")
    granted = grants.granted_scopes(application, values.get("scope"))
    challenge = values.get("code_challenge") or None
    method = values.get("code_challenge_method") or None
    grants.check_challenge(challenge, method)
    state = values.get("state", "")[:1000]
    return AuthorizationRequest(application, redirect_uri, granted, state, challenge, method)


def _page(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(_PAGE_HEADERS)
    return response


async def _error_page(error: OAuthError) -> Response:
    body = await render_template(
        "oauth_error.html", message=error.message, code=error.code, domain=_domain()
    )
    return _page(body, 400 if error.status < 400 else error.status)


async def _form_page(
    found: AuthorizationRequest, error: str | None = None, status: int = 200, username: str = ""
) -> Response:
    token, nonce = consent.issue(await api_state().form_key(), found.binding)
    body = await render_template(
        "oauth_authorize.html",
        application=found.application,
        scopes=found.scopes,
        hidden={**found.hidden_fields(), "csrf_token": token},
        error=error,
        username=username,
        domain=_domain(),
    )
    response = _page(body, status)
    secure = services().settings.scheme == "https"
    response.set_cookie(
        consent.COOKIE, nonce, httponly=True, samesite="Lax", secure=secure, path="/oauth"
    )
    return response


def _domain() -> str:
    return services().settings.domain


def _redirect_with(uri: str, values: dict[str, str]) -> Response:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(values)) if q)
    response = redirect(urlunsplit(parts._replace(query=query)), 302)
    response.headers.update(_PAGE_HEADERS)
    return response  # type: ignore[return-value]


@blueprint.get("/oauth/authorize")
async def authorize_page() -> Response:
    try:
        found = await _authorization_request(request.args)
    except OAuthError as error:
        return await _error_page(error)
    return await _form_page(found)


@blueprint.post("/oauth/authorize")
async def authorize() -> Response:
    form = await request.form
    try:
        found = await _authorization_request(form)
    except OAuthError as error:
        return await _error_page(error)
    token = form.get("csrf_token", "")
    cookie = request.cookies.get(consent.COOKIE)
    if not consent.valid(await api_state().form_key(), found.binding, token, cookie):
        return await _form_page(found, "This form has expired: please sign in again.", 403)
    extra = {"state": found.state} if found.state else {}
    if form.get("decision") == "deny":
        if found.redirect_uri == grants.OOB:
            denied = OAuthError("access_denied", "You denied the authorization.", 403)
            return await _error_page(denied)
        return _redirect_with(found.redirect_uri, {"error": "access_denied", **extra})
    username = form.get("username", "")
    try:
        member = await login(
            api_state().limits, client_ip(), username, form.get("password", ""), _domain()
        )
    except TooManyRequests as limited:
        response = await _form_page(found, "Too many failed attempts: wait a while.", 429)
        response.headers.update(limited.headers())
        return response
    if member is None:
        return await _form_page(found, "Wrong user name or password.", 401, username)
    code = await grants.issue_code(
        found.application, member, found.redirect_uri, found.scopes, found.challenge, found.method
    )
    if found.redirect_uri == grants.OOB:
        body = await render_template(
            "oauth_code.html", application=found.application, code=code, domain=_domain()
        )
        return _page(body)
    return _redirect_with(found.redirect_uri, {"code": code, **extra})


def _client_credentials(values: Params) -> tuple[str | None, str | None]:
    """From HTTP Basic (RFC 6749 2.3.1, form-encoded parts) or from the parameters."""
    kind, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "malformed Basic credentials", 401) from None
        client_id, colon, secret = decoded.partition(":")
        if not colon:
            raise OAuthError("invalid_client", "malformed Basic credentials", 401)
        return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
    return values.get("client_id"), values.get("client_secret")


def _limit_token_requests() -> None:
    window = api_state().limits.token_per_ip
    ip = client_ip()
    wait = window.retry_after(ip)
    if wait:
        raise TooManyRequests(wait)
    window.hit(ip)


def _token_response(document: dict[str, object]) -> Response:
    response = json_response(document)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@blueprint.post("/oauth/token")
async def token() -> Response:
    _limit_token_requests()
    values = await params()
    client_id, client_secret = _client_credentials(values)
    grant = values.get("grant_type")
    scope = values.get("scope") or values.get("scopes")
    if not grant:
        raise OAuthError("invalid_request", "grant_type is missing")
    if grant not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported")
    if grant == "authorization_code":
        # A public client (no secret) may redeem a code only when it used PKCE.
        application = await grants.authenticate_client(
            client_id, client_secret, secret_required=False
        )
        issued, plain = await grants.redeem_code(
            application,
            values.get("code"),
            values.get("redirect_uri"),
            values.get("code_verifier"),
            public_client=client_secret is None,
        )
        return _token_response(grants.token_entity(issued, plain))
    application = await grants.authenticate_client(client_id, client_secret)
    granted = grants.granted_scopes(application, scope)
    member = None
    if grant == "password":
        username, password = values.get("username"), values.get("password")
        if not username or not password:
            raise OAuthError("invalid_request", "username and password are required")
        limits = api_state().limits
        member = await login(limits, client_ip(), username, password, _domain())
        if member is None:
            raise OAuthError("invalid_grant", "The user credentials were incorrect")
    issued, plain = await grants.issue_token(application, member, granted)
    return _token_response(grants.token_entity(issued, plain))


@blueprint.post("/oauth/revoke")
async def revoke() -> Response:
    values = await params()
    client_id, client_secret = _client_credentials(values)
    application = await grants.authenticate_client(client_id, client_secret)
    await grants.revoke(application, values.get("token"))
    return json_response({})


@blueprint.get("/.well-known/oauth-authorization-server")
async def authorization_server() -> Response:
    settings = services().settings
    return json_response(
        {
            "issuer": settings.url("/"),
            "authorization_endpoint": settings.url("/oauth/authorize"),
            "token_endpoint": settings.url("/oauth/token"),
            "revocation_endpoint": settings.url("/oauth/revoke"),
            "app_registration_endpoint": settings.url("/api/v1/apps"),
            "scopes_supported": [*scopes.TOP_LEVEL, *scopes.GRANULAR],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": GRANT_TYPES,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "code_challenge_methods_supported": ["S256"],
            "service_documentation": "https://docs.joinmastodon.org/",
        }
    )
