"""`Authorization: Bearer` for the client API: the caller's token, member and scopes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from quart import request

from jxfed.actors.models import LocalActor, Member
from jxfed.web.mastodon import grants, scopes
from jxfed.web.mastodon.api_errors import InvalidToken, OutsideScopes, UserRequired
from jxfed.web.mastodon.models import AccessToken

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: no token (anonymous), an app's own token, or a member's."""

    token: AccessToken | None = None
    member: Member | None = None

    @property
    def actor(self) -> LocalActor | None:
        return self.member.actor if self.member is not None else None

    def acting_member(self) -> Member:
        if self.member is None:
            raise UserRequired()
        return self.member


async def authenticate(scope: str, *, required: bool, user: bool) -> Caller:
    """The caller; 401 for a bad or revoked token (even where none is needed), 403 when the
    token lacks `scope`, 422 when a member is needed and the token is only the app's."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        if required or header:
            raise InvalidToken()
        return Caller()
    token = await grants.token_of(value.strip())
    if token is None:
        raise InvalidToken()
    if scope and not scopes.covers(token.scope_list, scope):
        raise OutsideScopes()
    caller = Caller(token, token.member)
    if user:
        caller.acting_member()
    return caller


Handler = Callable[Concatenate[Caller, P], Awaitable[R]]


def requires(
    scope: str, *, user: bool = True
) -> Callable[[Handler[P, R]], Callable[P, Awaitable[R]]]:
    """The handler gets the Caller first; a valid token with `scope` is needed."""
    return _guard(scope, required=True, user=user)


def allows_anonymous(scope: str) -> Callable[[Handler[P, R]], Callable[P, Awaitable[R]]]:
    """The handler gets the Caller first; anonymous callers are welcome, bad tokens are not."""
    return _guard(scope, required=False, user=False)


def _guard(
    scope: str, *, required: bool, user: bool
) -> Callable[[Handler[P, R]], Callable[P, Awaitable[R]]]:
    def decorate(handler: Handler[P, R]) -> Callable[P, Awaitable[R]]:
        @wraps(handler)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            caller = await authenticate(scope, required=required, user=user)
            return await handler(caller, *args, **kwargs)

        return guarded

    return decorate
