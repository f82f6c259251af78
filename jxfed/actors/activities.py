"""Building outgoing activities: the one place their shapes are made.

Each function returns an activity as it is sent; `signed_by` adds its actor's FEP-8b32 proof
(whether it should carry one is decided by `spaces.posts.carries_proof`). Everything here is
checked against a jxfed peer's door by tests/test_outgoing_shapes.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jxfed.activitypub.contexts import ACTIVITY_CONTEXT
from jxfed.activitypub.proofs import create_proof
from jxfed.activitypub.shapes import id_of

# The @context of every activity sent (the name spaces/ and mastodon/ import).
AS_CONTEXT = ACTIVITY_CONTEXT


def new_activity_id(base_url: str) -> str:
    return f"{base_url}/activities/{uuid.uuid4()}"


def follow(base_url: str, actor: str, target: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Follow",
        "actor": actor,
        "object": target,
    }


def respond(base_url: str, kind: str, actor: str, to: Mapping[str, Any]) -> dict[str, Any]:
    """An Accept or Reject of `to` (the original activity, embedded), sent by `actor`."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": kind,
        "actor": actor,
        "object": dict(to),
    }


def reject_post(base_url: str, space: str, create: Mapping[str, Any]) -> dict[str, Any]:
    """A space refuses a member's post (or library change): the Create (Update, Delete) named
    by its id, its actor and its object."""
    note = create.get("object")
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Reject",
        "actor": space,
        "object": {
            "id": create["id"],
            "type": create.get("type", "Create"),
            "actor": create["actor"],
            "object": id_of(note),
        },
    }


def join(base_url: str, actor: str, space: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Join",
        "actor": actor,
        "object": space,
    }


def leave(base_url: str, actor: str, space: str) -> dict[str, Any]:
    return {**join(base_url, actor, space), "type": "Leave"}


def invite(base_url: str, space: str, invitee: str) -> dict[str, Any]:
    """The space invites `invitee` into itself (object: the space, target: the invitee)."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Invite",
        "actor": space,
        "object": space,
        "target": invitee,
    }


def remove(base_url: str, actor: str, removed: str, collection: str) -> dict[str, Any]:
    """`actor` removes `removed` from `collection` (a space's members)."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Remove",
        "actor": actor,
        "object": removed,
        "target": collection,
    }


def update_membership(base_url: str, space: str, member: str, role: str) -> dict[str, Any]:
    """`space` tells `member` their role changed: an Update of the membership (a jxfed Member:
    who, in which space, with which role)."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Update",
        "actor": space,
        "to": [member],
        "object": {
            "type": "Member",
            "id": f"{space}/members#{member}",
            "actor": member,
            "object": space,
            "role": role,
        },
    }


def undo(
    base_url: str,
    actor: str,
    what: Mapping[str, Any],
    addressing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`actor` takes back `what` (one of their activities, embedded), addressed as it was."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Undo",
        "actor": actor,
        **(addressing or {}),
        "object": dict(what),
    }


def addressing_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The addressing (`to`, `cc`, `audience`) of a post, which every activity about it carries."""
    return {key: document[key] for key in ("to", "cc", "audience") if key in document}


def create(actor: str, note: Mapping[str, Any], published: str) -> dict[str, Any]:
    """The Create of a member's `note`, addressed as the note is (id: the note's + /activity)."""
    return {
        "@context": AS_CONTEXT,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor,
        "published": published,
        **addressing_of(note),
        "object": dict(note),
    }


def update(base_url: str, actor: str, note: Mapping[str, Any]) -> dict[str, Any]:
    """The author's Update of their post, carrying the whole new note."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Update",
        "actor": actor,
        **addressing_of(note),
        "object": dict(note),
    }


def delete(
    base_url: str, actor: str, post: Mapping[str, Any], former_type: str | None = None
) -> dict[str, Any]:
    """The Delete of a post (`post`: its document), leaving a Tombstone; a library item's
    says what it was (`formerType`), which tells receivers where it belongs."""
    tombstone = {"id": post["id"], "type": "Tombstone"}
    if former_type:
        tombstone["formerType"] = former_type
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Delete",
        "actor": actor,
        **addressing_of(post),
        "object": tombstone,
    }


def like(activity_id: str, actor: str, post: Mapping[str, Any], emoji: str = "") -> dict[str, Any]:
    """A Like of a post (an emoji reaction when `emoji` is given), addressed as the post is."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Like",
        "actor": actor,
        **addressing_of(post),
        "object": post["id"],
        **({"content": emoji} if emoji else {}),
    }


def announce(
    base_url: str,
    actor: str,
    what: Mapping[str, Any] | str,
    addressing: Mapping[str, Any],
    published: str | None = None,
) -> dict[str, Any]:
    """An Announce: a member's boost of a post (by its id), or a space relaying a member's
    activity to its members (the activity embedded, unchanged: FEP-1b12)."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Announce",
        "actor": actor,
        **({"published": published} if published else {}),
        **addressing,
        "object": what if isinstance(what, str) else dict(what),
    }


def signed_by(activity: dict[str, Any], actor: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """`activity` with its actor's FEP-8b32 proof (eddsa-jcs-2022, their Ed25519 key)."""
    return create_proof(activity, key, f"{actor}#ed25519-key")
