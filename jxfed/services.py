"""The shared services of one running instance, created once at start-up and passed along."""

from __future__ import annotations

from dataclasses import dataclass, field

from jxfed.actors.keyring import Keyring
from jxfed.settings import Settings


@dataclass(slots=True)
class Services:
    """Settings, loaded keys and (with federation) the HTTP client session."""

    settings: Settings
    keyring: Keyring = field(default_factory=Keyring)
