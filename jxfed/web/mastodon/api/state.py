"""What the client API keeps per running app: rate limits and the consent form's key."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from quart import current_app

from jxfed.actors.local_actors import instance_actor
from jxfed.web.mastodon.ratelimit import Limits

EXTENSION = "jxfed.web.mastodon"


@dataclass(slots=True)
class ApiState:
    limits: Limits = field(default_factory=Limits)
    _form_key: bytes | None = None

    async def form_key(self) -> bytes:
        """A key to sign consent forms, the same in every process of the instance: derived
        from the instance actor's private key, which never leaves the database."""
        if self._form_key is None:
            pem = (await instance_actor()).ed25519_private_pem.encode()
            self._form_key = hmac.new(pem, b"jxfed oauth consent form", hashlib.sha256).digest()
        return self._form_key


def api_state() -> ApiState:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]
