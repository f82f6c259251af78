"""The pages' language: the member's choice, else the browser's Accept-Language, else the
instance's default; its gettext catalog (compiled from jxfed/locales by the install step) and
its way of writing dates and numbers (Babel, from CLDR).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from quart import g, request

from jxfed.settings import LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"
LANGUAGE_COOKIE = "jxfed_lang"
RIGHT_TO_LEFT = frozenset({"ar"})
# How dates and numbers are written: Portuguese as in Portugal and Lusophone Africa (CLDR's plain
# "pt" is Brazil's).
_FORMATS = {"pt": "pt_PT"}
# Each language named in itself, as a menu of languages should.
NAMES = {
    code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in LANGUAGES
}


@cache
def catalog(language: str) -> NullTranslations:
    """The compiled catalog of `language` (English strings when it has none)."""
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def choose(chosen: str | None, default: str) -> str:
    """The language of this request: a supported choice, else Accept-Language, else default."""
    if chosen in LANGUAGES:
        return str(chosen)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    best = request.accept_languages.best_match(LANGUAGES)
    if best is None:  # "fr-CH" and "pt-BR" name a language the list has by its base
        for asked, _quality in request.accept_languages:
            base = asked.split("-")[0].lower()
            if base in LANGUAGES:
                return base
    return best or default


def current() -> str:
    return str(getattr(g, "language", "en"))


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def gettext(message: str, **variables: Any) -> str:
    """`message` in the request's language, with `%(name)s` variables filled in."""
    text = catalog(current()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, count: int, **variables: Any) -> str:
    text = catalog(current()).ngettext(singular, plural, count)
    return text % ({"num": count} | variables)


def _formats() -> str:
    return _FORMATS.get(current(), current())


def when(moment: datetime | None, form: str = "medium") -> str:
    """A date and time as the request's language writes it (UTC)."""
    if moment is None:
        return ""
    return format_datetime(moment, form, tzinfo=None, locale=_formats())


def number(value: int) -> str:
    return format_decimal(value, locale=_formats())
