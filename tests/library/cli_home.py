"""An instance folder for the library's command-line tests (on the test's SQLite or PostgreSQL
database), its members in the confidential space `lit`, and the command line run in process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jxfed.actors.local_actors import member_by_name
from jxfed.settings import Settings
from jxfed.spaces.models import Membership, Role, Space
from tests.servers import Instance, InstanceFactory

# lit is amina's (space manager); dmitri a content manager, bert a contributor, chloe a reader;
# eve is a member of the instance, not of the space.
ROLES = {"dmitri": Role.CONTENT_MANAGER, "bert": Role.CONTRIBUTOR, "chloe": Role.READER}
PDF = b"%PDF-1.7\n" + b"hearing transcript, page after page\n" * 3000


@pytest.fixture
def home(instances: InstanceFactory) -> Instance:
    instance = instances.create("home")
    instance.add_members("amina", "dmitri", "bert", "chloe", "eve")
    instance.add_space("lit", "Strategic litigation", "confidential", "amina")

    async def roles(settings: Settings) -> None:
        space = await Space.get(actor__name="lit")
        for name, role in ROLES.items():
            member = await member_by_name(name)
            uri = settings.url(f"/users/{name}")
            await Membership.create(space=space, member=member, actor_uri=uri, role=role)

    instance.seed(roles)
    return instance


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command failed with one line on stderr that contains `words`, and no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def library(
    home: Instance, *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`jxfed --dir HOME library ARGS` (in this process)."""
    return home.cli("library", *args, check=check, stdin=stdin)


def stored(home: Instance, sha256: str) -> Path:
    """Where the store keeps a content."""
    return home.directory / "store" / sha256[:2] / sha256[2:4] / sha256


def a_library(home: Instance, tmp_path: Path) -> Path:
    """amina's /pleadings/appeal with brief.pdf (two revisions) and a note: the PDF's path."""
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(PDF)
    library(home, "mkdir", "lit", "/pleadings/appeal", "--as", "amina")
    library(home, "upload", "lit", str(pdf), "--folder", "/pleadings", "--as", "amina")
    pdf.write_bytes(PDF + b"second draft\n")
    library(
        home,
        "upload",
        "lit",
        str(pdf),
        "--folder",
        "/pleadings",
        "--message",
        "draft 2",
        "--as",
        "amina",
    )
    text = tmp_path / "minutes.txt"
    text.write_text("Hearing set for 3 March.\nWitnesses: two.\n")
    library(
        home,
        "note",
        "lit",
        "Minutes",
        "--text-file",
        str(text),
        "--folder",
        "/pleadings",
        "--as",
        "bert",
    )
    return pdf
