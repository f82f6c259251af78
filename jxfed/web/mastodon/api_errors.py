"""Errors of the client API, each with the body and headers Mastodon clients expect."""

from __future__ import annotations

from typing import Any

from jxfed.errors import Invalid, JxfedError


class ApiError(JxfedError):
    """An error whose answer needs more than `{"error": message}`."""

    def body(self) -> dict[str, Any]:
        return {"error": self.message}

    def headers(self) -> dict[str, str]:
        return {}


# The client API's name for it: 422 with `details`, as Mastodon answers.
ValidationFailed = Invalid


class OAuthError(ApiError):
    """An RFC 6749 error: `{"error": code, "error_description": text}`."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description, status)
        self.code = code

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "error_description": self.message}

    def headers(self) -> dict[str, str]:
        if self.code == "invalid_client":
            return {"WWW-Authenticate": 'Basic realm="jxfed"'}
        return {}


class InvalidToken(ApiError):
    status = 401

    def __init__(self) -> None:
        super().__init__("The access token is invalid")

    def headers(self) -> dict[str, str]:
        return {
            "WWW-Authenticate": 'Bearer realm="jxfed", error="invalid_token", '
            'error_description="The access token is invalid"'
        }


class OutsideScopes(ApiError):
    status = 403

    def __init__(self) -> None:
        super().__init__("This action is outside the authorized scopes")


class UserRequired(ApiError):
    """An app token (client_credentials) on an endpoint that acts for a member."""

    status = 422

    def __init__(self) -> None:
        super().__init__("This method requires an authenticated user")


class TooManyRequests(ApiError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests: try again later")
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
