"""The one error type: it carries its HTTP status (or exit code) from wherever it is raised."""

from __future__ import annotations


class JxfedError(Exception):
    """An error a user or a peer may see; `status` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(JxfedError):
    status = 400


class Forbidden(JxfedError):
    status = 403


class NotFound(JxfedError):
    status = 404


class NotAcceptable(JxfedError):
    status = 406


class Invalid(JxfedError):
    """422 with the fields at fault: `details` maps a field to `[{error, description}]`."""

    status = 422

    def __init__(self, problems: dict[str, tuple[str, str]]) -> None:
        described = "; ".join(f"{field} {text}" for field, (_, text) in problems.items())
        super().__init__(f"Validation failed: {described}")
        self.details = {
            field: [{"error": code, "description": text}]
            for field, (code, text) in problems.items()
        }


class Conflict(JxfedError):
    status = 409


class ConfigError(JxfedError):
    """A bad instance configuration or command-line value."""

    status = 2
