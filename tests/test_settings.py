"""The one settings object: each good value accepted, each bad one refused with its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from jxfed.errors import ConfigError
from jxfed.settings import (
    CONFIG_FILE,
    SQLITE_FILE,
    load_settings,
    parse_bind,
    parse_database_url,
    parse_domain,
    validate,
)


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("jxfed.test", "jxfed.test"),
        ("Social.Example.ORG", "social.example.org"),
        (" rights.example ", "rights.example"),
        ("localhost:8000", "localhost:8000"),
        ("127.0.0.1:65535", "127.0.0.1:65535"),
        ("a-b.example:1", "a-b.example:1"),
    ],
)
def test_domain_is_accepted_lower_cased(value: str, domain: str) -> None:
    assert parse_domain(value) == domain


@pytest.mark.parametrize(
    "value",
    [
        "",
        "https://jxfed.test",
        "jxfed.test/path",
        "under_score.example",
        "-leading.example",
        "two..dots.example",
        "jxfed.test:0",
        "jxfed.test:65536",
        "jxfed.test:http",
        "jxfed.test:",
        "jxfed.test:٨٠",  # Arabic-Indic digits: str.isdigit() says yes, a URL port says no
        "user@jxfed.test",
    ],
)
def test_bad_domain_is_refused_with_an_error_naming_it(value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_domain(value)

    assert repr(value) in refused.value.message


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("sqlite:///srv/jxfed/db.sqlite3", "sqlite:///srv/jxfed/db.sqlite3"),
        ("postgres://jxfed@db/jxfed", "postgres://jxfed@db/jxfed"),
        ("postgresql://jxfed@db:5432/jxfed", "postgres://jxfed@db:5432/jxfed"),
    ],
)
def test_database_url_is_accepted_in_the_form_tortoise_expects(value: str, url: str) -> None:
    assert parse_database_url(value) == url


@pytest.mark.parametrize(
    "value", ["", "jxfed.sqlite3", "mysql://db/jxfed", "sqlite://", "postgresql:/db", "://x"]
)
def test_bad_database_url_is_refused_with_an_error_naming_it(value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_database_url(value)

    assert repr(value) in refused.value.message
    assert "database_url" in refused.value.message


@pytest.mark.parametrize(
    ("value", "bind"),
    [("127.0.0.1:8000", ("127.0.0.1", 8000)), ("0.0.0.0:443", ("0.0.0.0", 443))],  # noqa: S104
)
def test_bind_is_host_and_port(value: str, bind: tuple[str, int]) -> None:
    assert parse_bind(value) == bind


@pytest.mark.parametrize(
    "value", ["8000", ":8000", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "host:port"]
)
def test_bad_bind_is_refused_with_an_error_naming_it(value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_bind(value)

    assert repr(value) in refused.value.message


def test_minimal_configuration_serves_https_from_sqlite_in_the_folder(tmp_path: Path) -> None:
    settings = validate(tmp_path, {"domain": "Rights.Example"}, {})

    assert settings.domain == "rights.example"
    assert settings.base_url == "https://rights.example"
    assert settings.url("/users/amina") == "https://rights.example/users/amina"
    assert settings.database_url == f"sqlite://{(tmp_path / SQLITE_FILE).resolve()}"
    assert settings.bind == "127.0.0.1:8000"
    assert settings.directory == tmp_path.resolve()


def test_the_pages_name_description_and_default_language_are_read(tmp_path: Path) -> None:
    settings = validate(
        tmp_path,
        {"domain": "jxfed.test", "name": " Réseau ", "description": "Sahel", "language": "ar"},
        {},
    )

    assert (settings.name, settings.description, settings.language) == ("Réseau", "Sahel", "ar")
    assert validate(tmp_path, {"domain": "jxfed.test"}, {}).language == "en"


def test_retry_seconds_is_read_as_seconds(tmp_path: Path) -> None:
    settings = validate(tmp_path, {"domain": "jxfed.test", "retry_seconds": 1}, {})

    assert settings.retry_seconds == 1.0


@pytest.mark.parametrize("domain", ["127.0.0.1:8000", "localhost", "127.5.5.5", "dev.localhost"])
def test_insecure_http_is_allowed_on_loopback(tmp_path: Path, domain: str) -> None:
    settings = validate(tmp_path, {"domain": domain, "insecure_http": True}, {})

    assert settings.base_url == f"http://{domain}"
    assert settings.host == domain.partition(":")[0]


@pytest.mark.parametrize("domain", ["jxfed.test", "10.0.0.1:8000", "localhost.example"])
def test_insecure_http_is_refused_off_loopback(tmp_path: Path, domain: str) -> None:
    with pytest.raises(ConfigError) as refused:
        validate(tmp_path, {"domain": domain, "insecure_http": True}, {})

    assert "insecure_http" in refused.value.message
    assert domain in refused.value.message


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({}, "domain"),
        ({"domain": 42}, "domain"),
        ({"domain": "jxfed.test", "insecure_http": "yes"}, "insecure_http"),
        ({"domain": "jxfed.test", "database_url": 5432}, "database_url"),
        ({"domain": "jxfed.test", "database_url": "mysql://db"}, "database_url"),
        ({"domain": "jxfed.test", "bind": 8000}, "bind"),
        ({"domain": "jxfed.test", "bind": "nowhere"}, "bind"),
        ({"domain": "jxfed.test", "domian": "typo.test"}, "domian"),
        ({"domain": "jxfed.test", "retry_seconds": 0}, "retry_seconds"),
        ({"domain": "jxfed.test", "retry_seconds": "30"}, "retry_seconds"),
        ({"domain": "jxfed.test", "retry_seconds": True}, "retry_seconds"),
        ({"domain": "jxfed.test", "retry_seconds": 86401}, "retry_seconds"),
        ({"domain": "jxfed.test", "language": "es"}, "language"),
        ({"domain": "jxfed.test", "name": 7}, "name"),
        ({"domain": "jxfed.test", "name": "x" * 101}, "name"),
        ({"domain": "jxfed.test", "description": ["a"]}, "description"),
    ],
)
def test_bad_setting_is_refused_with_an_error_naming_it(
    tmp_path: Path, values: dict[str, object], named: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        validate(tmp_path, values, {})

    assert named in refused.value.message


def test_environment_overrides_database_url_and_bind(tmp_path: Path) -> None:
    values = {"domain": "jxfed.test", "database_url": "sqlite:///from/file", "bind": "[::1]:1"}
    environ = {"JXFED_DATABASE_URL": "postgresql://db/jxfed", "JXFED_BIND": "127.0.0.1:9000"}

    settings = validate(tmp_path, values, environ)

    assert settings.database_url == "postgres://db/jxfed"
    assert settings.bind == "127.0.0.1:9000"


def test_bad_database_url_from_the_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="database_url 'oracle://db'"):
        validate(tmp_path, {"domain": "jxfed.test"}, {"JXFED_DATABASE_URL": "oracle://db"})


def write_config(directory: Path, text: str) -> Path:
    (directory / CONFIG_FILE).write_text(text)
    return directory


def test_load_settings_reads_instance_toml_and_the_environment(tmp_path: Path) -> None:
    write_config(tmp_path, 'domain = "localhost:8443"\ninsecure_http = true\n')

    settings = load_settings(tmp_path, {"JXFED_DATABASE_URL": "postgres://db/other"})

    assert settings.base_url == "http://localhost:8443"
    assert settings.database_url == "postgres://db/other"


def test_load_settings_without_an_instance_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, {})

    assert CONFIG_FILE in refused.value.message
    assert "jxfed init" in refused.value.message


@pytest.mark.parametrize(
    "text", ['domain = "jxfed.test', "domain jxfed.test\n", 'domain = "a"\ndomain = "b"\n']
)
def test_malformed_toml_is_a_config_error_naming_the_file(tmp_path: Path, text: str) -> None:
    write_config(tmp_path, text)

    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, {})

    assert CONFIG_FILE in refused.value.message
    assert "TOML" in refused.value.message


def test_unknown_key_in_instance_toml_is_refused(tmp_path: Path) -> None:
    write_config(tmp_path, 'domain = "jxfed.test"\nsecret_key = "x"\n')

    with pytest.raises(ConfigError, match="unknown setting 'secret_key'"):
        load_settings(tmp_path, {})
