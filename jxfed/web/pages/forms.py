"""Reading a submitted form: each field checked, each problem kept next to its field.

A form with a problem is shown again (a 422) with the message beside the field and what the
member typed still in it; a form without the page's anti-forgery token is a 403 and changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quart import request

from jxfed.web.pages import sessions
from jxfed.web.pages.i18n import gettext as _


@dataclass(slots=True)
class Form:
    """The submitted values (as typed) and the problems found, by field name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def text(self, name: str, *, required: bool = True, limit: int = 500) -> str:
        """The field's text, stripped; a problem noted when it is missing or too long."""
        value = self.values.get(name, "").strip()
        if required and not value:
            self.errors[name] = _("This field is required.")
        elif len(value) > limit:
            self.errors[name] = _("At most %(limit)s characters.", limit=limit)
        return value

    def choice(self, name: str, allowed: list[str] | tuple[str, ...]) -> str:
        value = self.values.get(name, "")
        if value not in allowed:
            self.errors[name] = _("Choose one of the options.")
        return value

    def problem(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


async def submitted() -> Form:
    """The request's form, once its anti-forgery token is checked (403 when it is not right)."""
    data = await request.form
    await sessions.check_csrf(data.get(sessions.CSRF_FIELD))
    values = {name: data.get(name, "") for name in data if name != sessions.CSRF_FIELD}
    return Form(values)
