"""Building outgoing activities (the one place their shapes are made)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from jxfed.activitypub.contexts import ACTIVITY_CONTEXT

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
    """A space refuses a member's post: the Create named by its id, its actor and its object."""
    note = create.get("object")
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Reject",
        "actor": space,
        "object": {
            "id": create["id"],
            "type": "Create",
            "actor": create["actor"],
            "object": note.get("id") if isinstance(note, Mapping) else note,
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


def undo(base_url: str, actor: str, what: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(base_url),
        "type": "Undo",
        "actor": actor,
        "object": dict(what),
    }
