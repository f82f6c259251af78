"""`jxfed spaces audit` against a tampered table, the library commands as real processes, and a
member reading a peer's library from this instance's copy, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jxfed.actors.local_actors import member_by_name
from jxfed.actors.models import Following, FollowState, RemoteActor
from jxfed.files.store import ContentStore
from jxfed.settings import Settings
from jxfed.spaces.library.models import (
    AuditEntry,
    Change,
    ItemKind,
    LibraryItem,
    LibraryRevision,
)
from tests.library.cli_home import PDF, a_library, assert_refused, home, library
from tests.servers import Instance, jxfed

__all__ = ["home"]


@pytest.mark.parametrize(("tampering", "broken"), [("update", 6), ("delete", 7)])
def test_an_edit_of_the_audit_table_is_detected(
    home: Instance, tmp_path: Path, tampering: str, broken: int
) -> None:
    a_library(home, tmp_path)
    library(
        home,
        "download",
        "lit",
        "/pleadings/brief.pdf",
        "-o",
        str(tmp_path / "b"),
        "--as",
        "eve",
        check=False,
    )  # refused: eve is not a member
    library(home, "history", "lit", "/pleadings/brief.pdf", "--as", "chloe")

    async def tamper(settings: Settings) -> None:
        entries = AuditEntry.filter(space__actor__name="lit", action="refused")
        if tampering == "update":  # someone hides who tried to read the file
            await entries.update(actor_uri=f"{home.url}/users/amina")
        else:
            await entries.delete()

    home.seed(tamper)
    refused = home.cli("spaces", "audit", "lit", "--verify", check=False)

    assert_refused(refused, f"the audit trail of lit is broken at entry {broken}")


def test_the_commands_run_as_real_processes(home: Instance, tmp_path: Path) -> None:
    (tmp_path / "brief.pdf").write_bytes(PDF)

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return jxfed("--dir", str(home.directory), *args, check=check)

    run("library", "upload", "lit", str(tmp_path / "brief.pdf"), "--as", "bert")
    saved = run(
        "library", "download", "lit", "/brief.pdf", "-o", str(tmp_path / "out.pdf"), "--as", "chloe"
    )
    verified = run("library", "verify", "lit")
    refused = run("library", "rm", "lit", "/brief.pdf", "--as", "chloe", check=False)
    audited = run("spaces", "audit", "lit", "--verify")

    assert saved.stdout.split()[0] == hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "out.pdf").read_bytes() == PDF
    assert verified.returncode == 0 and "match" in verified.stdout
    assert_refused(refused, "delete")
    assert "intact, 3 entries" in audited.stdout


PEER_SPACE = "https://peer.example/spaces/sahel"


def a_copy_of_a_peers_library(home: Instance) -> str:
    """sahel on peer.example, which amina joined as a reader and bert asked to join; this
    instance holds a verified copy of its /reports/annual.pdf. Its content's SHA-256."""

    async def seed(settings: Settings) -> str:
        await RemoteActor.create(
            uri=PEER_SPACE,
            kind="Group",
            preferred_username="sahel",
            inbox=f"{PEER_SPACE}/inbox",
            document={"id": PEER_SPACE, "type": "Group"},
            fetched_at=datetime.now(UTC),
        )
        for name, state in (("amina", FollowState.ACCEPTED), ("bert", FollowState.PENDING)):
            await Following.create(
                follower=(await member_by_name(name)).actor,
                target_uri=PEER_SPACE,
                follow_id=f"{home.url}/follows/{name}",
                state=state,
                role="reader" if state == FollowState.ACCEPTED else None,
            )
        content = await ContentStore(settings.directory / "store").put_bytes(PDF, len(PDF))
        author = "https://peer.example/users/clara"
        folder = await LibraryItem.create(
            uri="https://peer.example/library/1", space_uri=PEER_SPACE, kind=ItemKind.FOLDER,
            title="reports", author_uri=author, local=False,
        )  # fmt: skip
        item = await LibraryItem.create(
            uri="https://peer.example/library/2", space_uri=PEER_SPACE, kind=ItemKind.FILE,
            parent=folder, title="annual.pdf", author_uri=author, sha256=content.sha256,
            size=content.size, media_type=content.media_type, local=False,
        )  # fmt: skip
        for made in (folder, item):
            await LibraryRevision.create(
                item=made, number=1, change=Change.CREATE, author_uri=author, title=made.title,
                parent_id_then=folder.id if made is item else None, status=made.status,
                sha256=made.sha256,
                size=made.size, media_type=made.media_type,
            )  # fmt: skip
        return content.sha256

    return home.seed(seed)


def test_a_member_reads_a_peers_library_from_this_instances_copy(
    home: Instance, tmp_path: Path
) -> None:
    sha = a_copy_of_a_peers_library(home)
    out = tmp_path / "annual.pdf"

    listed = json.loads(library(home, "ls", "sahel@peer.example", "/reports", "--as", "amina",
                                "--json").stdout)  # fmt: skip
    history = library(home, "history", PEER_SPACE, "/reports/annual.pdf", "--as", "amina")
    saved = library(home, "download", "sahel@peer.example", "/reports/annual.pdf", "-o",
                    str(out), "--as", "amina")  # fmt: skip
    pending = library(home, "ls", "sahel@peer.example", "--as", "bert", check=False)
    stranger = library(home, "ls", "sahel@peer.example", "--as", "eve", check=False)
    reader = library(home, "mkdir", "sahel@peer.example", "/x", "--as", "amina", check=False)

    assert [(row["path"], row["sha256"]) for row in listed] == [("/reports/annual.pdf", sha)]
    assert history.stdout.split("\t")[:3:2] == ["1", "create"]
    assert saved.stdout.split()[0] == sha and out.read_bytes() == PDF
    assert_refused(pending, "read needs the reader role")
    assert_refused(stranger, "read needs the reader role")
    assert_refused(reader, "create folder needs the content_manager role")
