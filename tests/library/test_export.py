"""`jxfed library export SPACE -o FILE.zip`: a zip a lawyer can hand over and anyone can check
with the real `sha256sum -c SHA256SUMS`, holding every revision's content, a manifest of hashes,
and the audit trail, whose chain a stranger recomputes with nothing but the standard library."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.library.cli_home import PDF, a_library, assert_refused, home, library, stored
from tests.servers import Instance

__all__ = ["home"]


def unpacked(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into


def sha256sum_check(folder: Path) -> subprocess.CompletedProcess[str]:
    """coreutils' own check, as the lawyer on the other side runs it."""
    return subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
    )


@pytest.fixture
def exported(home: Instance, tmp_path: Path) -> Path:
    """The export of lit after a story: two revisions of a PDF, a note, a move, a status
    change, a deletion and a new file of the same title, a title awkward for Windows."""
    pdf = a_library(home, tmp_path)
    library(
        home, "mv", "lit", "/pleadings/brief.pdf", "/pleadings/appeal/brief.pdf", "--as", "dmitri"
    )
    library(home, "status", "lit", "/pleadings/appeal/brief.pdf", "validated", "--as", "amina")
    library(home, "rm", "lit", "/pleadings/Minutes", "--as", "bert")
    (tmp_path / "minutes.txt").write_text("New minutes.\n")
    library(
        home,
        "note",
        "lit",
        "Minutes",
        "--text-file",
        str(tmp_path / "minutes.txt"),
        "--folder",
        "/pleadings",
        "--as",
        "bert",
    )
    pdf.write_bytes(b"%PDF-1.4 exhibit")
    library(home, "upload", "lit", str(pdf), "--title", 'Exhibit "A": photo?', "--as", "bert")
    target = tmp_path / "lit.zip"
    done = home.cli("library", "export", "lit", "-o", str(target))
    assert "sha256sum -c SHA256SUMS" in done.stdout
    return target


def test_sha256sum_checks_every_file_of_the_export(exported: Path, tmp_path: Path) -> None:
    folder = unpacked(exported, tmp_path / "out")

    checked = sha256sum_check(folder)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert sorted(lines) == sorted(
        [
            "contents/pleadings/appeal/brief.pdf/r1-brief.pdf: OK",
            "contents/pleadings/appeal/brief.pdf/r2-brief.pdf: OK",
            "contents/pleadings/Minutes~4/r1-Minutes.html: OK",  # the deleted note
            "contents/pleadings/Minutes/r1-Minutes.html: OK",
            "contents/Exhibit _A__ photo_/r1-Exhibit _A__ photo_: OK",
            "manifest.json: OK",
            "audit.json: OK",
        ]
    )
    first = folder / "contents/pleadings/appeal/brief.pdf/r1-brief.pdf"
    assert first.read_bytes() == PDF


def test_a_tampered_file_fails_the_check(exported: Path, tmp_path: Path) -> None:
    folder = unpacked(exported, tmp_path / "out")
    evidence = folder / "contents/pleadings/appeal/brief.pdf/r2-brief.pdf"
    evidence.write_bytes(evidence.read_bytes().replace(b"second draft", b"second DRAFT"))

    checked = sha256sum_check(folder)

    assert checked.returncode != 0
    assert "contents/pleadings/appeal/brief.pdf/r2-brief.pdf: FAILED" in checked.stdout


def test_the_manifest_names_every_revision_with_its_hash(exported: Path, home: Instance) -> None:
    with zipfile.ZipFile(exported) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())

    brief = next(i for i in manifest["items"] if i["path"] == "/pleadings/appeal/brief.pdf")
    assert manifest["space"]["uri"] == f"{home.url}/spaces/lit"
    assert [r["change"] for r in brief["revisions"]] == ["create", "edit", "move", "status"]
    second = brief["revisions"][1]
    assert second["sha256"] == hashlib.sha256(PDF + b"second draft\n").hexdigest()
    assert (second["size"], second["media_type"]) == (len(PDF) + 13, "application/pdf")
    assert (second["author"], second["message"]) == (f"{home.url}/users/amina", "draft 2")
    assert second["time"].startswith("20")
    # a move and a status change keep the content: they name the file of the edit
    assert [r["file"] for r in brief["revisions"][1:]] == [second["file"]] * 3
    assert all(r["file"] in names for i in manifest["items"] for r in i["revisions"] if r["file"])
    exhibit = next(i for i in manifest["items"] if i["title"] == 'Exhibit "A": photo?')
    assert exhibit["path"] == '/Exhibit "A": photo?'
    assert [i["deleted"] for i in manifest["items"] if i["title"] == "Minutes"] == [True, False]


def test_the_audit_trail_travels_with_a_chain_anyone_recomputes(
    exported: Path, home: Instance
) -> None:
    with zipfile.ZipFile(exported) as archive:
        trail = json.loads(archive.read("audit.json"))

    previous = "0" * 64
    for entry in trail["entries"]:
        fields = [
            trail["space"],
            entry["sequence"],
            entry["actor"],
            entry["action"],
            entry["item"],
            entry["revision_sha256"],
            entry["detail"],
            entry["time"],
            previous,
        ]
        compact = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
        assert entry["previous_hash"] == previous
        assert hashlib.sha256(compact).hexdigest() == entry["hash"]
        previous = entry["hash"]
    assert trail["intact"] is True
    last = trail["entries"][-1]
    assert (last["action"], last["actor"], last["detail"]) == (
        "export",
        f"{home.url}/actor",
        "lit.zip",
    )
    assert home.cli("spaces", "audit", "lit").stdout.splitlines()[-1].split("\t")[3] == "export"


def test_a_damaged_store_makes_the_export_say_so_and_the_check_fail(
    home: Instance, tmp_path: Path
) -> None:
    a_library(home, tmp_path)
    stored(home, hashlib.sha256(PDF).hexdigest()).write_bytes(b"%PDF-1.7 something else")

    refused = home.cli("library", "export", "lit", "-o", str(tmp_path / "lit.zip"), check=False)
    checked = sha256sum_check(unpacked(tmp_path / "lit.zip", tmp_path / "out"))

    assert_refused(refused, "1 contents no longer match", "r1-brief.pdf")
    assert "contents/pleadings/brief.pdf/r1-brief.pdf: FAILED" in checked.stdout
    assert checked.returncode != 0


def test_an_export_to_a_missing_folder_is_one_line_and_leaves_nothing(
    home: Instance, tmp_path: Path
) -> None:
    a_library(home, tmp_path)

    refused = home.cli("library", "export", "lit", "-o", "/no/such/dir/lit.zip", check=False)
    unknown = home.cli("library", "export", "nowhere", "-o", str(tmp_path / "x.zip"), check=False)

    assert_refused(refused, "cannot write /no/such/dir/lit.zip")
    assert_refused(unknown, "no space named 'nowhere'")
    assert not (tmp_path / "x.zip").exists()
