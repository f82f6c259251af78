"""What a content is, read from its first bytes (filetype's magic numbers), never from what a
client or a peer declared; text that decodes as UTF-8 is text."""

from __future__ import annotations

import filetype

OCTETS = "application/octet-stream"
# Never text/html from an upload: a browser could run it (the notes' HTML is the instance's own).
_TEXT = {".md": "text/markdown", ".csv": "text/csv"}


def media_type_of(head: bytes, name: str = "") -> str:
    """The media type of a content from its first bytes (the name only refines plain text)."""
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    if not head:
        return "text/plain"
    if b"\x00" in head:
        return OCTETS
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a character cut at the end of the head is still text
            return OCTETS
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return _TEXT.get(suffix, "text/plain")
