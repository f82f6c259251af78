"""Reading the published test vectors in `../shared/vectors` (markdown) at test time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import (
    EllipticCurvePrivateKey,
    EllipticCurvePublicKey,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from jxfed.activitypub.signatures import HttpRequest, PrivateKey, PublicKey

VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "vectors"
RFC8792_NOTE = "NOTE: '\\' line wrapping per RFC 8792"


def read_vectors(name: str) -> str:
    """The text of a vectors file; skips the calling module if the shared folder is absent."""
    path = VECTORS / name
    if not path.is_file():
        pytest.skip(
            f"test vectors not found at {path.resolve()}: the `shared` folder must sit beside "
            "the repository",
            allow_module_level=True,
        )
    return path.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """From the line that starts with `heading` to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = len(lines)
    for i in range(start + 1, len(lines)):
        match = re.match(r"(#+) ", lines[i])
        if match and len(match.group(1)) <= level:
            end = i
            break
    return "\n".join(lines[start:end])


def fenced_blocks(text: str) -> list[str]:
    """The contents of the ~~~ / ``` fenced blocks of `text`, RFC 8792 wrapping undone."""
    pattern = re.compile(r"^(~~~|```)[^\n]*\n(.*?)\n\1\s*$", re.DOTALL | re.MULTILINE)
    return [unwrap_rfc8792(match.group(2)) for match in pattern.finditer(text)]


def unwrap_rfc8792(block: str) -> str:
    """Undo RFC 8792 single-backslash wrapping if the block says it is wrapped."""
    if not block.startswith(RFC8792_NOTE):
        return block
    lines = block.splitlines()[2:]
    out: list[str] = []
    joining = False
    for line in lines:
        piece = line.lstrip() if joining else line
        if joining:
            out[-1] += piece.removesuffix("\\")
        else:
            out.append(piece.removesuffix("\\"))
        joining = line.endswith("\\")
    return "\n".join(out)


def parse_message(text: str, scheme: str = "https") -> HttpRequest:
    """An HTTP/1.1 request as printed: request line, fields (repeats and folds kept), body."""
    head, _, body = text.strip("\n").partition("\n\n")
    lines = head.splitlines()
    method, target, _version = lines[0].split()
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            name, value = headers[-1]
            headers[-1] = (name, f"{value}\n{line}")
            continue
        name, _, value = line.partition(":")
        headers.append((name, value.strip()))
    host = next(value for name, value in headers if name.lower() == "host")
    return HttpRequest(method, f"{scheme}://{host}{target}", headers, body.strip("\n").encode())


def header_lines(text: str) -> dict[str, str]:
    """`Name: value` lines (already unwrapped) as a mapping."""
    result: dict[str, str] = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        result[name.strip()] = value.strip()
    return result


def pem_blocks(text: str, label: str) -> list[str]:
    """Every PEM block of type `label` in `text`, in order."""
    pattern = re.compile(rf"-----BEGIN {label}-----\n.*?\n-----END {label}-----", re.DOTALL)
    return pattern.findall(text)


def public_key(pem: str) -> PublicKey:
    """Load a PEM public key of a type the signature modules accept."""
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    assert isinstance(key, RSAPublicKey | Ed25519PublicKey | EllipticCurvePublicKey)
    return key


def rsa_private_key(pem: str) -> RSAPrivateKey:
    """Load an unencrypted PEM RSA private key."""
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, RSAPrivateKey)
    return key


def private_key(pem: str) -> PrivateKey:
    """Load an unencrypted PEM private key of a type the signature modules accept."""
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, RSAPrivateKey | Ed25519PrivateKey | EllipticCurvePrivateKey)
    return key
