"""Private keys parsed once per process (parsing a PEM costs tens of milliseconds)."""

from __future__ import annotations

from jxfed.activitypub.keys import KeyMaterial, LoadedKeys, load_keys
from jxfed.actors.models import LocalActor


def key_material(actor: LocalActor) -> KeyMaterial:
    return KeyMaterial(
        rsa_private_pem=actor.rsa_private_pem,
        rsa_public_pem=actor.rsa_public_pem,
        ed25519_private_pem=actor.ed25519_private_pem,
        ed25519_public_multibase=actor.ed25519_public_multibase,
    )


class Keyring:
    """Loaded private keys by actor id; keys never change for an actor id, so no expiry."""

    def __init__(self) -> None:
        self._loaded: dict[int, LoadedKeys] = {}

    def keys_of(self, actor: LocalActor) -> LoadedKeys:
        loaded = self._loaded.get(actor.id)
        if loaded is None:
            loaded = self._loaded[actor.id] = load_keys(key_material(actor))
        return loaded
