"""ActivityPub documents of local actors (the one place that builds each actor's shape)."""

from __future__ import annotations

from typing import Any

from jxfed.activitypub.contexts import ACTOR_CONTEXT
from jxfed.actors.models import ActorKind, LocalActor
from jxfed.actors.paths import actor_path
from jxfed.settings import Settings

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_TYPE = {ActorKind.PERSON: "Person", ActorKind.GROUP: "Group", ActorKind.APPLICATION: "Application"}


def actor_id(settings: Settings, actor: LocalActor) -> str:
    return settings.url(actor_path(actor))


def actor_document(
    settings: Settings,
    actor: LocalActor,
    *,
    locked: bool = False,
    listed: bool = True,
    summary: str | None = None,
) -> dict[str, Any]:
    """The actor as Mastodon accepts a remote actor: keys, collections, shared inbox.

    `locked` (manuallyApprovesFollowers) is true for on_request and confidential spaces and
    for the instance actor; `listed` says whether directories may show it.
    """
    uri = actor_id(settings, actor)
    document: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": uri,
        "type": _TYPE[actor.kind],
        "preferredUsername": actor.name,
        "name": actor.display_name or actor.name,
        "summary": actor.summary if summary is None else summary,
        "url": uri,
        "published": actor.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "followers": f"{uri}/followers",
        "following": f"{uri}/following",
        "manuallyApprovesFollowers": locked,
        "discoverable": listed,
        "indexable": listed,
        "endpoints": {"sharedInbox": settings.url("/inbox")},
        "publicKey": {
            "id": f"{uri}#main-key",
            "owner": uri,
            "publicKeyPem": actor.rsa_public_pem,
        },
        "assertionMethod": [
            {
                "id": f"{uri}#ed25519-key",
                "type": "Multikey",
                "controller": uri,
                "publicKeyMultibase": actor.ed25519_public_multibase,
            }
        ],
    }
    if actor.kind == ActorKind.GROUP:
        document["members"] = f"{uri}/members"
        document["library"] = f"{uri}/library"  # its live items: a new member's instance's catch-up
    return document
