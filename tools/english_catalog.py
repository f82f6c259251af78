"""Fill the English catalog from its source strings (`make messages` runs this).

The pages are written in English, so its catalog says each string as written: this keeps the
"every catalog complete" test meaningful for the four others without a person copying strings.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        source = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        wanted = source[0] if isinstance(message.id, str) else source
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    return filled


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "jxfed/locales/en/LC_MESSAGES/messages.po")
    print(f"{target}: {fill(target)} English strings filled")
