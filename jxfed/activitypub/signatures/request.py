"""The values both signature schemes work on: a plain HTTP request, the error, the result."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ec import (
    EllipticCurvePrivateKey,
    EllipticCurvePublicKey,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from jxfed.errors import JxfedError

PublicKey: TypeAlias = RSAPublicKey | Ed25519PublicKey | EllipticCurvePublicKey
PrivateKey: TypeAlias = RSAPrivateKey | Ed25519PrivateKey | EllipticCurvePrivateKey
Instant: TypeAlias = datetime | float
Scheme: TypeAlias = Literal["cavage", "rfc9421"]

# Mastodon's time window: a signature lives 5 minutes unless it says otherwise, never more
# than 12 hours, and clocks may be an hour apart either way.
DEFAULT_VALIDITY = 5 * 60
MAX_VALIDITY = 12 * 3600
CLOCK_SKEW_MARGIN = 3600

_OBS_FOLD = re.compile(r"\r?\n[ \t]+")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


class SignatureError(JxfedError):
    """A missing, malformed, stale or wrong HTTP signature; `reason` says which, for the peer."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a valid signature proves: who signed (`key_id`) which parts, when."""

    scheme: Scheme
    key_id: str
    algorithm: str
    covered: tuple[str, ...]
    created: float


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A request as signed or received.

    `url` is absolute and carries the query string exactly as sent; a server builds it from the
    `Host` header it received. `headers` is a mapping or, to keep repeated fields, a sequence of
    (name, value) pairs; names are matched case-insensitively.
    """

    method: str
    url: str
    headers: Mapping[str, str] | Sequence[tuple[str, str]]
    body: bytes = b""
    _items: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = self.headers.items() if isinstance(self.headers, Mapping) else self.headers
        object.__setattr__(self, "_items", tuple(pairs))

    def header_items(self) -> tuple[tuple[str, str], ...]:
        """Every field as a (name, value) pair, in order, as given."""
        return self._items

    def header_lines(self, name: str) -> list[str]:
        """Every value of the field `name`, in order, each stripped and with line folds removed."""
        wanted = name.lower()
        return [_canonical(value) for key, value in self._items if key.lower() == wanted]

    def header(self, name: str) -> str | None:
        """The field `name` combined as HTTP does (values joined by ", "), or None if absent."""
        lines = self.header_lines(name)
        return ", ".join(lines) if lines else None

    def with_headers(self, extra: Mapping[str, str]) -> HttpRequest:
        """A copy of this request with the fields of `extra` appended."""
        return HttpRequest(self.method, self.url, [*self._items, *extra.items()], self.body)

    @property
    def scheme(self) -> str:
        """The URL scheme, lowercase."""
        return urlsplit(self.url).scheme.lower()

    @property
    def authority(self) -> str:
        """Host (and port unless it is the scheme's default), lowercase."""
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        if ":" in host:
            host = f"[{host}]"
        port = parts.port
        if port is not None and str(port) != _DEFAULT_PORTS.get(parts.scheme.lower()):
            return f"{host}:{port}"
        return host

    @property
    def path(self) -> str:
        """The path as sent, `/` when empty."""
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> str:
        """The query string as sent, without `?`; empty when there is none."""
        return urlsplit(self.url).query

    @property
    def target(self) -> str:
        """Path and query, as in the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path


def epoch_seconds(now: Instant | None) -> float:
    """Seconds since the epoch for `now` (a timezone-aware datetime or a number); None is now."""
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be a timezone-aware datetime")
        return now.timestamp()
    return float(now)


def check_signed_time(
    *, created: float | None, date: str | None, expires: float | None, now: float
) -> float:
    """Apply the one time window to whatever times a signature signs; return its creation time.

    Pass only signed values: `created` (cavage `(created)`, RFC 9421 `created`), `date` (the
    `Date` header when the signature covers it) and `expires` (cavage `(expires)`, RFC 9421
    `expires`). The creation time is `created`, or else the Date, as Mastodon reads it; a
    signature that signs neither cannot be placed in time and is refused.
    """
    if created is None:
        if date is None:
            raise SignatureError("the signature covers neither a Date header nor a created time")
        created = parse_http_date(date)
    check_time_window(created, expires, now)
    return created


def check_time_window(created: float, expires: float | None, now: float) -> None:
    """Apply Mastodon's time window to a signature; raise `SignatureError` outside it.

    Use `check_signed_time`, which decides which of a signature's times this applies to.
    """
    if expires is not None and expires < created:
        raise SignatureError("signature expires before it was created")
    deadline = min(
        created + DEFAULT_VALIDITY if expires is None else expires, created + MAX_VALIDITY
    )
    if created > now + CLOCK_SKEW_MARGIN:
        raise SignatureError("signature was created in the future; check the signer's clock")
    if now > deadline + CLOCK_SKEW_MARGIN:
        raise SignatureError("signature has expired (its date or created time is too old)")


def parse_http_date(value: str) -> float:
    """Seconds since the epoch of an HTTP date (a `Date` header); `SignatureError` if it is not."""
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError) as error:
        raise SignatureError(f"Date header {value!r} is not an HTTP date") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def check_signed_host(value: str, expected_host: str, *, scheme: str, component: str) -> None:
    """Refuse a signature that names another host than this instance's (replayed from elsewhere).

    `value` is what the signature covers (a `host` header, or `@authority`), `expected_host` is
    this instance's `host[:port]`; both are compared lowercase, without the scheme's default port.
    """
    if _bare_authority(value, scheme) != _bare_authority(expected_host, scheme):
        raise SignatureError(
            f"the signature is for another host ({component} is {value!r}); "
            f"this instance is {expected_host}"
        )


def _bare_authority(value: str, scheme: str) -> str:
    authority = value.strip().lower()
    default = _DEFAULT_PORTS.get(scheme.lower())
    if default is not None:
        authority = authority.removesuffix(f":{default}")
    return authority


def _canonical(value: str) -> str:
    return _OBS_FOLD.sub(" ", value).strip()
