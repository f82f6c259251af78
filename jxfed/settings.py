"""One typed settings object, read once from `instance.toml` and `JXFED_*` variables."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jxfed.errors import ConfigError

CONFIG_FILE = "instance.toml"
SQLITE_FILE = "jxfed.sqlite3"
# The languages the members' pages speak (each has a complete catalog under jxfed/locales).
LANGUAGES = ("en", "fr", "ar", "pt", "de")
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "asyncpg")

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


_PORT = re.compile(r"^[0-9]{1,5}$")


def parse_domain(value: str) -> str:
    """Validate `host[:port]` and return it lower-cased; raise ConfigError naming the value."""
    domain = value.strip().lower()
    host, colon, port = domain.partition(":")
    if not host or not (_HOSTNAME.match(host)):
        raise ConfigError(f"domain {value!r} is not a host name or IPv4 address (HOST[:PORT])")
    if colon and (not _PORT.match(port) or not 0 < int(port) < 65536):
        raise ConfigError(f"domain {value!r} has a bad port (1-65535)")
    return domain


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses (a host without its port)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_database_url(value: str) -> str:
    """Check a database URL's scheme; return it in the form Tortoise expects."""
    scheme, sep, rest = value.partition("://")
    if not sep or scheme not in DATABASE_SCHEMES or not rest:
        raise ConfigError(f"database_url {value!r} is not a sqlite:// or postgresql:// URL")
    if scheme == "postgresql":
        return "postgres://" + rest
    return value


def parse_bind(value: str) -> tuple[str, int]:
    """Parse `HOST:PORT` for the listening socket."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not _PORT.match(port) or not 0 < int(port) < 65536:
        raise ConfigError(f"bind address {value!r} is not HOST:PORT")
    return host, int(port)


@dataclass(frozen=True, slots=True)
class Settings:
    """What an instance is: where it lives, its public domain, its database."""

    directory: Path
    domain: str
    insecure_http: bool
    database_url: str
    bind: str = "127.0.0.1:8000"
    retry_seconds: float = 30.0
    # What the instance's pages say of it, and the language they speak when nobody chose one.
    name: str = ""
    description: str = ""
    language: str = "en"
    # The library's limits: one file, and all the contents one space holds (megabytes).
    library_file_mb: int = 512
    library_space_mb: int = 20_480

    @property
    def scheme(self) -> str:
        return "http" if self.insecure_http else "https"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def host(self) -> str:
        """The domain without its port (the instance actor's username, as Mastodon does)."""
        return self.domain.partition(":")[0]

    def url(self, path: str) -> str:
        """Absolute URL of a path on this instance."""
        return self.base_url + path


def default_database_url(directory: Path) -> str:
    return f"sqlite://{(directory / SQLITE_FILE).resolve()}"


def validate(directory: Path, values: Mapping[str, object], environ: Mapping[str, str]) -> Settings:
    """Build Settings from parsed TOML values and the environment; one clear error per bad value."""
    unknown = set(values) - {
        "domain",
        "insecure_http",
        "database_url",
        "bind",
        "retry_seconds",
        "name",
        "description",
        "language",
        "library_file_mb",
        "library_space_mb",
    }
    if unknown:
        raise ConfigError(f"{CONFIG_FILE}: unknown setting {sorted(unknown)[0]!r}")
    domain_value = values.get("domain")
    if not isinstance(domain_value, str):
        raise ConfigError(f"{CONFIG_FILE}: 'domain' is missing or not a string")
    domain = parse_domain(domain_value)
    insecure = values.get("insecure_http", False)
    if not isinstance(insecure, bool):
        raise ConfigError(f"{CONFIG_FILE}: 'insecure_http' must be true or false")
    if insecure and not is_loopback_host(domain.partition(":")[0]):
        raise ConfigError(f"insecure_http is allowed only for a loopback domain, not {domain!r}")
    url_value = environ.get("JXFED_DATABASE_URL") or values.get("database_url")
    if url_value is None:
        database_url = default_database_url(directory)
    elif isinstance(url_value, str):
        database_url = parse_database_url(url_value)
    else:
        raise ConfigError(f"{CONFIG_FILE}: 'database_url' must be a string")
    bind = environ.get("JXFED_BIND") or values.get("bind", "127.0.0.1:8000")
    if not isinstance(bind, str):
        raise ConfigError(f"{CONFIG_FILE}: 'bind' must be a string HOST:PORT")
    parse_bind(bind)
    retry = values.get("retry_seconds", 30.0)
    if isinstance(retry, bool) or not isinstance(retry, int | float) or not 0 < retry <= 86400:
        raise ConfigError(
            f"{CONFIG_FILE}: 'retry_seconds' must be a number of seconds in (0, 86400]"
        )
    texts = {}
    for key, limit in (("name", 100), ("description", 2000)):
        text = values.get(key, "")
        if not isinstance(text, str) or len(text) > limit:
            raise ConfigError(
                f"{CONFIG_FILE}: '{key}' must be a string of at most {limit} characters"
            )
        texts[key] = text.strip()
    language = values.get("language", "en")
    if language not in LANGUAGES:
        raise ConfigError(f"{CONFIG_FILE}: 'language' must be one of {', '.join(LANGUAGES)}")
    limits = {}
    for key, default in (("library_file_mb", 512), ("library_space_mb", 20_480)):
        value = values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**7:
            raise ConfigError(f"{CONFIG_FILE}: '{key}' must be a whole number of megabytes")
        limits[key] = value
    return Settings(
        directory.resolve(),
        domain,
        insecure,
        database_url,
        bind,
        float(retry),
        name=texts["name"],
        description=texts["description"],
        language=str(language),
        **limits,
    )


def load_settings(directory: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read DIR/instance.toml; raise ConfigError when it is missing or wrong."""
    environ = os.environ if environ is None else environ
    path = directory / CONFIG_FILE
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"no instance at {directory} ({CONFIG_FILE} missing): run 'jxfed init' first"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return validate(directory, values, environ)
