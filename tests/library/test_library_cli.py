"""`jxfed library ...` and `jxfed spaces audit`, as an administrator scripts them: each command
acts as a member with that member's role, prints a line per item (or JSON), and every refusal
is one line on stderr with a non-zero exit. Run in process (tests/servers.py `jxfed_here`) on
SQLite and PostgreSQL; one story runs real `jxfed` processes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterable
from pathlib import Path

import pytest

from jxfed import library_commands
from jxfed.files.store import ContentStore, Stored
from tests.library.cli_home import PDF, a_library, assert_refused, home, library, stored
from tests.servers import Instance

__all__ = ["home"]

FIELDS = {
    "path",
    "kind",
    "title",
    "status",
    "revision",
    "sha256",
    "size",
    "media_type",
    "author",
    "time",
}


def test_a_folder_lists_one_line_per_item_and_as_json(home: Instance, tmp_path: Path) -> None:
    a_library(home, tmp_path)

    lines = library(home, "ls", "lit", "/pleadings", "--as", "chloe").stdout.splitlines()
    listed = json.loads(library(home, "ls", "lit", "/pleadings", "--as", "chloe", "--json").stdout)

    assert [line.split("\t")[:3] for line in lines] == [
        ["folder", "/pleadings/appeal", "1"],
        ["file", "/pleadings/brief.pdf", "2"],
        ["note", "/pleadings/Minutes", "1"],
    ]
    brief = next(row for row in listed if row["title"] == "brief.pdf")
    assert set(brief) == FIELDS
    assert brief["sha256"] == hashlib.sha256(PDF + b"second draft\n").hexdigest()
    assert (brief["size"], brief["media_type"]) == (len(PDF) + 13, "application/pdf")
    assert brief["author"] == f"{home.url}/users/amina"
    assert brief["status"] == "open" and brief["revision"] == 2
    top = library(home, "ls", "lit", "--as", "amina").stdout.splitlines()
    assert [line.split("\t")[1] for line in top] == ["/pleadings"]


def test_history_shows_every_revision_and_any_one_downloads(home: Instance, tmp_path: Path) -> None:
    a_library(home, tmp_path)
    library(
        home, "mv", "lit", "/pleadings/brief.pdf", "/pleadings/appeal/brief.pdf", "--as", "dmitri"
    )
    library(home, "status", "lit", "/pleadings/appeal/brief.pdf", "validated", "--as", "amina")

    path = "/pleadings/appeal/brief.pdf"
    lines = library(home, "history", "lit", path, "--as", "chloe").stdout.splitlines()
    revisions = json.loads(library(home, "history", "lit", path, "--as", "chloe", "--json").stdout)
    first = library(
        home,
        "download",
        "lit",
        path,
        "--revision",
        "1",
        "-o",
        str(tmp_path / "r1.pdf"),
        "--as",
        "chloe",
    )

    assert [line.split("\t")[0:3:2] for line in lines] == [
        ["1", "create"],
        ["2", "edit"],
        ["3", "move"],
        ["4", "status"],
    ]
    assert [r["message"] for r in revisions][:2] == ["", "draft 2"]
    assert [r["status"] for r in revisions] == ["open", "open", "open", "validated"]
    assert set(revisions[0]) >= FIELDS
    assert revisions[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert first.stdout.strip() == f"{revisions[0]['sha256']}  {tmp_path / 'r1.pdf'}"
    assert (tmp_path / "r1.pdf").read_bytes() == PDF
    assert not list(tmp_path.glob("*.part"))


def test_a_deleted_item_comes_back_with_an_old_revision(home: Instance, tmp_path: Path) -> None:
    a_library(home, tmp_path)

    removed = library(home, "rm", "lit", "/pleadings/brief.pdf", "--as", "dmitri")
    gone = library(home, "ls", "lit", "/pleadings", "--as", "amina").stdout
    restored = library(
        home, "restore", "lit", "/pleadings/brief.pdf", "--revision", "1", "--as", "dmitri"
    )
    listed = json.loads(library(home, "ls", "lit", "/pleadings", "--as", "amina", "--json").stdout)

    assert removed.returncode == 0 and "brief.pdf" not in gone
    assert "revision 4 restores 1" in restored.stdout
    brief = next(row for row in listed if row["title"] == "brief.pdf")
    assert (brief["revision"], brief["sha256"]) == (4, hashlib.sha256(PDF).hexdigest())


def test_upload_streams_the_file_from_disk_in_chunks(
    home: Instance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    put = ContentStore.put

    async def counting(
        store: ContentStore, chunks: AsyncIterable[bytes], limit: int, name: str = ""
    ) -> Stored:
        async def counted() -> AsyncIterable[bytes]:
            async for chunk in chunks:
                seen.append(len(chunk))
                yield chunk

        return await put(store, counted(), limit, name)

    monkeypatch.setattr(library_commands, "CHUNK", 4096)
    monkeypatch.setattr(ContentStore, "put", counting)
    (tmp_path / "big.bin").write_bytes(b"\x00\x01" * 50_000)

    library(home, "upload", "lit", str(tmp_path / "big.bin"), "--as", "bert")

    assert sum(seen) == 100_000 and max(seen) == 4096 and len(seen) == 25


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["upload", "lit", "{pdf}", "--as", "chloe"], ["upload needs the contributor role"]),
        (["mkdir", "lit", "/evidence", "--as", "bert"], ["create folder needs the content"]),
        (["mv", "lit", "/pleadings/brief.pdf", "/b.pdf", "--as", "bert"], ["move needs"]),
        (["rm", "lit", "/pleadings/brief.pdf", "--as", "bert"], ["delete any is not allowed"]),
        (
            ["restore", "lit", "/pleadings/brief.pdf", "--revision", "1", "--as", "bert"],
            ["restore needs the content_manager role"],
        ),
        (["ls", "lit", "--as", "eve"], ["read needs the reader role"]),
        (["ls", "lit", "/nowhere", "--as", "amina"], ["nothing at '/nowhere'"]),
        (["history", "lit", "/pleadings/gone.pdf", "--as", "amina"], ["nothing at"]),
        (
            [
                "download",
                "lit",
                "/pleadings/brief.pdf",
                "--revision",
                "9",
                "-o",
                "{out}",
                "--as",
                "amina",
            ],
            ["no revision 9"],
        ),
        (
            ["download", "lit", "/pleadings/brief.pdf", "-o", "/no/such/dir/x", "--as", "amina"],
            ["cannot write /no/such/dir/x"],
        ),
        (
            ["status", "lit", "/pleadings/brief.pdf", "final", "--as", "amina"],
            ["'final' is not one of open, validated, invalid, deprecated"],
        ),
        (
            ["upload", "lit", "{pdf}", "--folder", "/pleadings/brief.pdf", "--as", "amina"],
            ["is not a folder"],
        ),
        (["upload", "lit", "/no/such/file.pdf", "--as", "amina"], ["no file at"]),
        (["note", "lit", "N", "--text-file", "/no/such.txt", "--as", "amina"], ["cannot read"]),
        (["ls", "lit", "--as", "nobody"], ["no member named 'nobody'"]),
        (["ls", "nowhere", "--as", "amina"], ["no space named 'nowhere'"]),
        (["ls", "lit@peer.example", "--as", "amina"], ["no space lit@peer.example known here"]),
        (["verify", "lit@peer.example"], ["is a space of a peer", "keeps the originals"]),
        (["mkdir", "lit", "/a/../b", "--as", "amina"], ["cannot be a title"]),
        (["restore", "lit", "/pleadings/brief.pdf", "--as", "amina"], ["--revision"]),
    ],
    ids=lambda value: "-".join(value)[:50],
)
def test_every_refusal_is_one_line_and_changes_nothing(
    home: Instance, tmp_path: Path, args: list[str], words: list[str]
) -> None:
    pdf = a_library(home, tmp_path)
    before = library(home, "ls", "lit", "/pleadings", "--as", "amina", "--json").stdout
    filled = [a.format(pdf=pdf, out=tmp_path / "out") for a in args]

    assert_refused(library(home, *filled, check=False), *words)
    assert library(home, "ls", "lit", "/pleadings", "--as", "amina", "--json").stdout == before
    assert not (tmp_path / "out").exists()


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
    home: Instance, tmp_path: Path
) -> None:
    with (home.directory / "instance.toml").open("a") as config:
        config.write("library_file_mb = 1\n")
    (tmp_path / "large.bin").write_bytes(b"\x00" * (1024 * 1024 + 1))

    refused = library(
        home, "upload", "lit", str(tmp_path / "large.bin"), "--as", "bert", check=False
    )

    assert_refused(refused, "larger than the limit of 1,048,576 bytes")
    assert library(home, "ls", "lit", "--as", "bert").stdout == ""
    assert not [p for p in (home.directory / "store").rglob("*") if p.is_file()]


def test_a_note_is_written_from_a_file_or_standard_input(home: Instance, tmp_path: Path) -> None:
    library(
        home,
        "note",
        "lit",
        "Agenda",
        "--text-file",
        "-",
        "--as",
        "bert",
        stdin="1. <b>Evidence</b>\n2. Next steps\n",
    )
    out = tmp_path / "agenda.html"
    library(home, "download", "lit", "/Agenda", "-o", str(out), "--as", "chloe")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))

    assert "Next steps" in out.read_text() and "<b>" not in out.read_text()
    assert_refused(
        library(
            home,
            "note",
            "lit",
            "X",
            "--text-file",
            str(tmp_path / "latin1.txt"),
            "--as",
            "bert",
            check=False,
        ),
        "is not UTF-8 text",
    )


def test_verify_names_each_damaged_or_missing_content(home: Instance, tmp_path: Path) -> None:
    a_library(home, tmp_path)
    clean = home.cli("library", "verify", "lit")
    first, second = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PDF + b"second draft\n")
    stored(home, first).write_bytes(PDF.replace(b"page", b"PAGE", 1))
    stored(home, second.hexdigest()).unlink()

    damaged = home.cli("library", "verify", "lit", check=False)

    assert clean.stdout.strip() == "jxfed: all 3 contents of lit match their SHA-256"
    lines = sorted(damaged.stdout.splitlines())
    found = hashlib.sha256(PDF.replace(b"page", b"PAGE", 1)).hexdigest()
    assert lines == [
        f"/pleadings/brief.pdf\tr1\texpected {first}\tfound {found}",
        f"/pleadings/brief.pdf\tr2\texpected {second.hexdigest()}\tmissing",
    ]
    assert_refused(damaged, "2 of 3 contents of lit damaged or missing")
    assert_refused(
        library(
            home,
            "download",
            "lit",
            "/pleadings/brief.pdf",
            "--revision",
            "1",
            "-o",
            str(tmp_path / "r1"),
            "--as",
            "amina",
            check=False,
        ),
        "no longer matches its SHA-256",
    )
    assert not (tmp_path / "r1").exists()


def test_the_audit_trail_is_printed_and_its_chain_holds(home: Instance, tmp_path: Path) -> None:
    a_library(home, tmp_path)
    library(
        home, "download", "lit", "/pleadings/brief.pdf", "-o", str(tmp_path / "b"), "--as", "chloe"
    )
    library(home, "mkdir", "lit", "/secret", "--as", "chloe", check=False)

    trail = [line.split("\t") for line in home.cli("spaces", "audit", "lit").stdout.splitlines()]
    checked = home.cli("spaces", "audit", "lit", "--verify")

    assert [row[0] for row in trail] == [str(n) for n in range(1, len(trail) + 1)]
    assert [row[3] for row in trail] == [
        "create",
        "create",
        "create",
        "edit",
        "create",
        "download",
        "refused",
    ]
    download = trail[5]
    assert download[2] == f"{home.url}/users/chloe"
    assert download[5] == hashlib.sha256(PDF + b"second draft\n").hexdigest()
    assert trail[6][2:4] + trail[6][6:] == [f"{home.url}/users/chloe", "refused", "create_folder"]
    intact = f"jxfed: the audit trail of lit is intact, {len(trail)} entries (last hash "
    assert checked.stdout.startswith(intact)
