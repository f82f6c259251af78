"""The JSON-LD `@context` of every document jxfed serves or sends, one per family.

JSON-LD peers (Fedify, bovine) expand what they read: a term these contexts do not define is
lost to them (the ActivityStreams context makes it a blank node), as `assertionMethod` was to
Fedify, which then saw no Ed25519 key. tests/jsonld checks every document against them.

FEP-8b32 proofs hash the document with its `@context` and copy it into the proof: a change here
changes what new proofs cover; proofs already made still verify, as they carry their own.
"""

from __future__ import annotations

from typing import Any, Final

ACTIVITYSTREAMS: Final = "https://www.w3.org/ns/activitystreams"
SECURITY_V1: Final = "https://w3id.org/security/v1"  # publicKey, owner, publicKeyPem
MULTIKEY_V1: Final = "https://w3id.org/security/multikey/v1"  # Multikey and its terms
# proof, DataIntegrityProof and its terms (cryptosuite, proofValue, proofPurpose...)
DATA_INTEGRITY_V2: Final = "https://w3id.org/security/data-integrity/v2"

# Terms that no published context above defines, as Mastodon and FEP-521a peers read them;
# each family carries only its own (a proved Create holds its context twice, an Announce thrice).
JXFED_NS: Final = "https://jxfed.org/ns#"
ACTOR_TERMS: Final[dict[str, Any]] = {
    "toot": "http://joinmastodon.org/ns#",
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    # As https://www.w3.org/ns/did/v1 defines it: the multikey context defines only the key.
    "assertionMethod": {
        "@id": "https://w3id.org/security#assertionMethod",
        "@type": "@id",
        "@container": "@set",
    },
    "members": {"@id": f"{JXFED_NS}members", "@type": "@id"},
    "library": {"@id": f"{JXFED_NS}library", "@type": "@id"},  # a space's shared library
}
ACTIVITY_TERMS: Final[dict[str, Any]] = {
    "Hashtag": "as:Hashtag",
    "sensitive": "as:sensitive",
    "Member": f"{JXFED_NS}Member",
    "role": f"{JXFED_NS}role",
    # Library items (spaces/library/documents.py); digestMultibase is FEP-1311's.
    "digestMultibase": "https://w3id.org/security#digestMultibase",
    "size": f"{JXFED_NS}size",
    "status": f"{JXFED_NS}status",
    "revision": f"{JXFED_NS}revision",
}

# Person, Group and Application: RSA publicKey (HTTP signatures) and Multikey assertionMethod.
ACTOR_CONTEXT: Final[list[Any]] = [ACTIVITYSTREAMS, SECURITY_V1, MULTIKEY_V1, ACTOR_TERMS]
# Activities sent and objects served: proofs, hashtags, content warnings, memberships.
ACTIVITY_CONTEXT: Final[list[Any]] = [ACTIVITYSTREAMS, DATA_INTEGRITY_V2, ACTIVITY_TERMS]
# Collections and their pages: plain ActivityStreams (an embedded activity brings its own).
COLLECTION_CONTEXT: Final = ACTIVITYSTREAMS
