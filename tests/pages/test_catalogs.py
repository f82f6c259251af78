"""The five catalogs are complete: every string of every page translated, none fuzzy, and each
translation keeps the placeholders of its English source (a missing `%(name)s` would raise)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from jxfed.settings import LANGUAGES
from jxfed.web.pages.i18n import LOCALE_DIR

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _messages(language: str) -> list[Message]:
    return [m for m in _catalog(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po") if m.id]


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def test_every_language_of_the_settings_has_a_catalog() -> None:
    assert sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir()) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_holds_every_string_of_the_pages(language: str) -> None:
    source = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in _catalog(LOCALE_DIR / "messages.pot")
        if m.id
    }
    held = {m.id if isinstance(m.id, str) else m.id[0] for m in _messages(language)}

    assert source - held == set(), "run `make messages`, then translate"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_string_is_left_empty_or_fuzzy(language: str) -> None:
    untranslated = [m.id for m in _messages(language) if not all(_texts(m.string))]
    fuzzy = [m.id for m in _messages(language) if m.fuzzy]

    assert untranslated == [], f"{language}: {len(untranslated)} strings not translated"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy strings"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language: str) -> None:
    wrong = []
    for message in _messages(language):
        wanted = set(_PLACEHOLDER.findall(_texts(message.id)[-1]))
        plural = isinstance(message.id, tuple)  # a plural form may leave the number unsaid
        for text in _texts(message.string):
            found = set(_PLACEHOLDER.findall(text))
            if text and (found - wanted or (not plural and found != wanted)):
                wrong.append((message.id, text))
    assert wrong == []
