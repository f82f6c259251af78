"""The `jxfed` command line, run as a user runs it: one process per command.

Every refusal is one line on stderr, a non-zero exit and no traceback. The instances here live on
SQLite; the command line on PostgreSQL is covered by the server tests.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import jxfed

DOMAIN = "rights.example"


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command failed with a one-line error that contains `words`."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance made by `jxfed init`, with amina as a member."""
    directory = tmp_path_factory.mktemp("cli") / "home"
    created = jxfed("init", "--dir", str(directory), "--domain", DOMAIN)
    assert f"https://{DOMAIN}" in created.stdout
    jxfed("--dir", str(directory), "users", "add", "amina")
    return directory


def at(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return jxfed("--dir", str(home), *args, stdin=stdin, check=False)


def test_init_creates_the_configuration_database_and_instance_actor(home: Path) -> None:
    config = (home / "instance.toml").read_text()

    assert f'domain = "{DOMAIN}"' in config
    assert "insecure_http = false" in config
    with sqlite3.connect(home / "jxfed.sqlite3") as database:
        actors = database.execute("SELECT kind, name FROM local_actor").fetchall()
    assert ("application", DOMAIN) in actors


def test_init_refuses_to_overwrite_an_instance(home: Path) -> None:
    before = (home / "instance.toml").read_text()

    result = jxfed("init", "--dir", str(home), "--domain", "other.example", check=False)

    assert_refused(result, str(home), "overwrite")
    assert (home / "instance.toml").read_text() == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--domain", "rights.example", "--insecure-http"], "insecure_http"),
        (["--domain", "https://rights.example"], "https://rights.example"),
        (["--domain", "rights.example", "--database-url", "mysql://db/x"], "mysql://db/x"),
    ],
    ids=["insecure-off-loopback", "bad-domain", "bad-database-url"],
)
def test_init_refuses_a_bad_value_and_leaves_no_instance(
    tmp_path: Path, args: list[str], named: str
) -> None:
    result = jxfed("init", "--dir", str(tmp_path / "new"), *args, check=False)

    assert_refused(result, named)
    assert not (tmp_path / "new" / "instance.toml").exists()


def test_command_without_an_instance_folder_asks_for_dir() -> None:
    assert_refused(jxfed("users", "list", check=False), "--dir", "JXFED_DIR")


def test_folder_without_an_instance_says_to_run_init(tmp_path: Path) -> None:
    assert_refused(at(tmp_path, "users", "list"), "instance.toml", "jxfed init")


def test_jxfed_dir_stands_for_dir(home: Path) -> None:
    env = {**os.environ, "JXFED_DIR": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "jxfed", "users", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert f"amina\tmember\thttps://{DOMAIN}/users/amina" in result.stdout.splitlines()


def test_members_are_added_and_listed(home: Path) -> None:
    added = at(home, "users", "add", "bertrand")
    admin = at(home, "users", "add", "chloe", "--admin", "--password-stdin", stdin="s3cret-pass\n")
    listed = at(home, "users", "list")

    assert added.returncode == 0 and admin.returncode == 0, added.stderr + admin.stderr
    assert f"https://{DOMAIN}/users/bertrand" in added.stdout
    lines = listed.stdout.splitlines()
    assert f"bertrand\tmember\thttps://{DOMAIN}/users/bertrand" in lines
    assert f"chloe\tadministrator\thttps://{DOMAIN}/users/chloe" in lines
    assert lines == sorted(lines)


def test_member_name_is_taken_once(home: Path) -> None:
    assert_refused(at(home, "users", "add", "amina"), "'amina'", "taken")


@pytest.mark.parametrize(("name", "why"), [("Amina!", "lower-case"), ("admin", "reserved")])
def test_bad_member_name_is_refused(home: Path, name: str, why: str) -> None:
    assert_refused(at(home, "users", "add", name), repr(name), why)


@pytest.mark.parametrize(("stdin", "why"), [("short\n", "at least"), ("", "standard input")])
def test_password_from_stdin_must_be_given_and_long_enough(
    home: Path, stdin: str, why: str
) -> None:
    result = at(home, "users", "add", "dmitri", "--password-stdin", stdin=stdin)

    assert_refused(result, why)
    assert "dmitri" not in at(home, "users", "list").stdout


def test_spaces_of_each_access_are_added_and_listed(home: Path) -> None:
    for slug, access in [("sahel", "open"), ("vigil", "on_request"), ("lit", "confidential")]:
        args = ["--name", slug.title(), "--access", access, "--owner", "amina"]
        added = at(home, "spaces", "add", slug, *args)
        assert added.returncode == 0, added.stderr
        assert f"https://{DOMAIN}/spaces/{slug}" in added.stdout

    lines = at(home, "spaces", "list").stdout.splitlines()

    expected = {"sahel\topen\tSahel", "vigil\ton_request\tVigil", "lit\tconfidential\tLit"}
    assert expected <= set(lines)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["x1", "--access", "secret", "--owner", "amina"], "'secret'"),
        (["x2", "--access", "open", "--owner", "nobody"], "'nobody'"),
        (["amina", "--access", "open", "--owner", "amina"], "'amina'"),
    ],
    ids=["bad-access", "unknown-owner", "slug-taken-by-a-member"],
)
def test_bad_space_is_refused(home: Path, args: list[str], named: str) -> None:
    assert_refused(at(home, "spaces", "add", args[0], "--name", "X", *args[1:]), named)


def test_peers_are_allowed_listed_and_removed(home: Path) -> None:
    assert "peer.example:8443" in at(home, "peers", "allow", "Peer.Example:8443").stdout
    assert at(home, "peers", "allow", "other.example").returncode == 0
    assert at(home, "peers", "remove", "peer.example:8443").returncode == 0

    assert at(home, "peers", "list").stdout.splitlines() == ["other.example"]


@pytest.mark.parametrize(
    ("args", "named"),
    [(["remove", "stranger.example"], "stranger.example"), (["allow", "bad_host"], "bad_host")],
    ids=["remove-non-peer", "bad-host"],
)
def test_bad_peer_command_is_refused(home: Path, args: list[str], named: str) -> None:
    assert_refused(at(home, "peers", *args), named)


def test_serve_refuses_a_bad_bind_address(home: Path) -> None:
    assert_refused(at(home, "serve", "--bind", "nowhere"), "'nowhere'")


def test_bad_value_in_instance_toml_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "instance.toml").write_text('domain = "rights.example"\nsecret = 1\n')

    assert_refused(at(tmp_path, "users", "list"), "'secret'")


def test_serve_on_an_unmigrated_database_says_to_migrate(tmp_path: Path) -> None:
    """Given an instance.toml written by hand that points at an empty SQLite file."""
    database = tmp_path / "empty.sqlite3"
    database.touch()
    (tmp_path / "instance.toml").write_text(
        f'domain = "127.0.0.1:8000"\ninsecure_http = true\ndatabase_url = "sqlite://{database}"\n'
    )

    refused = at(tmp_path, "serve", "--bind", "127.0.0.1:1")
    migrated = at(tmp_path, "migrate")
    again = at(tmp_path, "migrate")

    assert_refused(refused, f"jxfed --dir {tmp_path.resolve()}", "migrate")
    assert migrated.returncode == 0 and "applied" in migrated.stdout, migrated.stderr
    assert again.returncode == 0 and "up to date" in again.stdout, again.stderr


def test_a_space_takes_description_language_default_role_and_parent(tmp_path) -> None:
    directory = tmp_path / "spaces"
    jxfed("init", "--dir", str(directory), "--domain", "127.0.0.1:8999", "--insecure-http")
    run = lambda *args, check=True: jxfed("--dir", str(directory), *args, check=check)  # noqa: E731
    run("users", "add", "amina")
    run("spaces", "add", "sahel", "--name", "Sahel", "--access", "open", "--owner", "amina")
    run(
        "spaces",
        "add",
        "niger",
        "--name",
        "Niger",
        "--access",
        "open",
        "--owner",
        "amina",
        "--parent",
        "sahel",
        "--language",
        "fr",
        "--default-role",
        "reader",
        "--description",
        "<p>Suivi</p><script>alert(1)</script>",
    )
    bad_parent = run(
        "spaces",
        "add",
        "mali",
        "--name",
        "Mali",
        "--access",
        "open",
        "--owner",
        "amina",
        "--parent",
        "nowhere",
        check=False,
    )
    bad_language = run(
        "spaces",
        "add",
        "x",
        "--name",
        "X",
        "--access",
        "open",
        "--owner",
        "amina",
        "--language",
        "xx",
        check=False,
    )
    assert bad_parent.returncode == 1 and "nowhere" in bad_parent.stderr
    assert bad_language.returncode == 2 and "language" in bad_language.stderr
    assert run("spaces", "archive", "niger").stdout.strip() == "jxfed: niger archived"


def test_a_members_profile_is_set_at_creation_or_changed_later(home: Path) -> None:
    assert at(home, "users", "add", "dalia", "--trusted").returncode == 0
    assert at(home, "users", "add", "emeka").returncode == 0
    changed = at(home, "users", "profile", "emeka", "administrator")
    assert changed.returncode == 0 and "emeka is now administrator" in changed.stdout
    lines = at(home, "users", "list").stdout.splitlines()
    assert f"dalia\ttrusted\thttps://{DOMAIN}/users/dalia" in lines
    assert f"emeka\tadministrator\thttps://{DOMAIN}/users/emeka" in lines
    assert_refused(at(home, "users", "profile", "emeka", "king"), "invalid choice", "'king'")
    assert_refused(at(home, "users", "add", "fatou", "--admin", "--trusted"), "not allowed")


def test_the_profiles_and_roles_offered_are_those_the_models_know() -> None:
    from jxfed import cli
    from jxfed.actors.models import Profile
    from jxfed.spaces.models import Role

    assert tuple(profile.value for profile in Profile) == cli.PROFILES
    assert tuple(role.value for role in Role) == cli.ROLES


def test_short_commands_import_only_what_they_use(home: Path) -> None:
    # `peers list` needs the database and the allowlist: no web app, no spaces, no HTTP client.
    probe = (
        "import sys; from jxfed import cli; "
        f"cli.main(['--dir', {str(home)!r}, 'peers', 'list']); "
        "print(' '.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(result.stdout.split())
    assert not loaded & {"jxfed.web.app", "jxfed.spaces.relay", "jxfed.runtime", "quart"}
