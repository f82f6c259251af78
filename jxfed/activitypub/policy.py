"""The allowlist as decisions over plain values: which hosts an activity names, where we may send.

Hosts are compared as `host[:port]`, lower-case, default port dropped: the form in which peers
are stored on the allowlist. Nothing here reads the allowlist itself; callers pass `is_peer`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from jxfed.errors import JxfedError

_DEFAULT_PORTS = {"https": 443, "http": 80}
_HOSTNAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
# Fields that point to another object or embed one. Addressing (to, cc, bto, bcc, audience)
# names collections and the Public pseudo-collection, so it is deliberately absent.
REFERENCE_FIELDS = ("actor", "object", "attributedTo", "inReplyTo", "target", "origin")


class PolicyError(JxfedError):
    """An activity names a host that is neither a peer nor this instance; answered 403."""

    status = 403

    def __init__(self, reason: str, hosts: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hosts = tuple(hosts)


def host_of(url: str) -> str:
    """The `host[:port]` of an absolute http(s) URL, lower-case, without its scheme's default port.

    Raises `ValueError` for anything else: another scheme, a relative URL, no host, a bad port,
    credentials in the URL, whitespace, or characters a host name cannot hold.
    """
    if not isinstance(url, str):
        raise ValueError(f"{url!r} is not a URL")
    if any(char <= " " or char == "\x7f" for char in url):
        raise ValueError(f"{url!r} contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(f"{url!r} has a malformed host or port") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute http(s) URL")
    # `a@b` is read differently by different parsers; no ActivityPub id carries credentials.
    if "@" in parts.netloc:
        raise ValueError(f"{url!r} carries credentials before its host")
    if port == 0:
        raise ValueError(f"{url!r} has port 0")
    host = _normal_host(parts.hostname or "", url)
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return host
    return f"{host}:{port}"


def host_or_none(url: Any) -> str | None:
    """`host_of(url)`, or None for anything that is not an http(s) URL."""
    try:
        return host_of(url)
    except ValueError:
        return None


def key_id_host(key_id: str) -> str:
    """The `host[:port]` of a signature's keyId (its fragment, e.g. `#main-key`, is ignored)."""
    return host_of(key_id)


def referenced_hosts(activity: Mapping[str, Any]) -> set[str]:
    """The hosts of everything `activity` embeds or points to, its own id included.

    Follows `actor`, `object`, `attributedTo`, `inReplyTo`, `target` and `origin`, whether they
    hold a URL, an embedded object (its `id`, or a Link's `href`) or a list of them, down through
    embedded activities such as Announce(Create(Note)) or Undo(Follow). Raises `ValueError` when
    one of them holds something that is not an http(s) URL.
    """
    hosts: set[str] = set()
    for name, value in _references(activity):
        try:
            hosts.add(host_of(value))
        except ValueError as exc:
            raise ValueError(f"'{name}': {exc}") from None
    return hosts


def check_activity_hosts(
    activity: Mapping[str, Any], is_peer: Callable[[str], bool], own_host: str
) -> None:
    """Refuse an activity that names an object on a host that is neither a peer nor ours.

    Every activity type is checked, Delete included. Raises `PolicyError` (403) naming the
    hosts, or `ValueError` when the activity names something that is not an http(s) URL.
    """
    own = own_host.lower()
    refused = sorted(
        host for host in referenced_hosts(activity) if host != own and not is_peer(host)
    )
    if refused:
        raise PolicyError(
            f"the activity names objects on {', '.join(refused)}, "
            f"which {'is' if len(refused) == 1 else 'are'} not a peer of this instance",
            refused,
        )


def _normal_host(hostname: str, url: str) -> str:
    if not hostname:
        raise ValueError(f"{url!r} has no host")
    if ":" in hostname:
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError:
            raise ValueError(f"{url!r} has a malformed IPv6 host") from None
        if address.scope_id:
            raise ValueError(f"{url!r} has an IPv6 zone, which a peer's URL cannot carry")
        return f"[{address.compressed}]"
    hostname = hostname.removesuffix(".")
    if not hostname.isascii():
        try:
            hostname = hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"{url!r} has a host that is not a valid domain name") from None
    if not _HOSTNAME.match(hostname):
        raise ValueError(f"{url!r} has a host that is not a valid domain name")
    return hostname


def _references(activity: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field, URL) pairs for every reference in the activity; iterative, so depth is no risk."""
    if activity.get("id") is not None:
        yield "id", activity["id"]
    pending: list[tuple[str, Any]] = [
        (name, activity[name]) for name in REFERENCE_FIELDS if activity.get(name) is not None
    ]
    while pending:
        name, value = pending.pop()
        if isinstance(value, list):
            pending.extend((name, item) for item in value if item is not None)
        elif isinstance(value, Mapping):
            if value.get("id") is not None:
                yield f"{name}.id", value["id"]
            elif value.get("href") is not None:
                yield f"{name}.href", value["href"]
            pending.extend(
                (f"{name}.{field}", value[field])
                for field in REFERENCE_FIELDS
                if value.get(field) is not None
            )
        else:
            yield name, value
