"""Reading a document as a JSON-LD processor does (pyld), offline, and naming what it drops.

Fedify, bovine and every other JSON-LD peer expand what they receive: a term its `@context`
does not define either vanishes or, under the ActivityStreams context's `"@vocab": "_:"`,
becomes a blank-node term that no one understands. `dropped_terms` lists both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS = Path(__file__).parent / "contexts"
# The published context documents kept in the repository, by the URL that names them.
KEPT = {
    "https://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
}


class NotKept(Exception):
    """A context URL that is not kept in the repository: the test never fetches one."""


@cache
def _context_document(url: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((CONTEXTS / KEPT[url]).read_text(encoding="utf-8"))
    return found


def load_kept_context(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: a kept context, or `NotKept` (never the network)."""
    if url not in KEPT:
        raise NotKept(f"{url} is not a context kept in tests/jsonld/contexts")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _context_document(url),
    }


def expand(document: dict[str, Any]) -> list[Any]:
    """`document` expanded by pyld with the kept contexts only (pyld's shared context cache,
    which a loader elsewhere in the process may have filled, is not used)."""
    expanded: list[Any] = jsonld.expand(document, _options())
    return expanded


def _options() -> dict[str, Any]:
    resolver = ContextResolver({}, load_kept_context)  # its own cache: loaded here, not elsewhere
    return {"documentLoader": load_kept_context, "contextResolver": resolver}


def dropped_terms(document: dict[str, Any]) -> set[str]:
    """The keys and `type` values of `document` (at any depth) that its contexts do not define.

    A key is defined when it expands to an absolute http(s) IRI; one that expands to nothing
    (absent after expansion and after compacting back) or to a blank-node or relative IRI is
    dropped. Keys with a null value carry nothing and are not counted.
    """
    expanded = expand(document)
    dropped = {_local_name(iri) for iri in _expanded_terms(expanded) if not _absolute(iri)}
    back = jsonld.compact(expanded, {"@context": _all_contexts(document)}, _options())
    return dropped | (keys_used(document) - keys_used(back))


def _all_contexts(value: Any) -> list[Any]:
    """Every context the document uses (an embedded activity may bring its own), in order."""
    found: list[Any] = []
    for context in _contexts(value):
        for item in context if isinstance(context, list) else [context]:
            if item not in found:
                found.append(item)
    return found


def _contexts(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _contexts(item)
    elif isinstance(value, dict):
        if "@context" in value:
            yield value["@context"]
        for key, item in value.items():
            if key != "@context":
                yield from _contexts(item)


def _absolute(iri: str) -> bool:
    return iri.startswith(("https://", "http://"))


def _local_name(iri: str) -> str:
    return iri.removeprefix("_:")


def _expanded_terms(value: Any) -> Iterator[str]:
    """Every property IRI, type IRI and vocabulary value (`@type: @vocab`) in expanded form."""
    if isinstance(value, list):
        for item in value:
            yield from _expanded_terms(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@type":
                yield from item if isinstance(item, list) else [item]
            elif key == "@id":
                if isinstance(item, str) and not _absolute(item):
                    yield item  # a blank or relative IRI where an IRI was meant
            elif key == "@value":
                continue
            elif not key.startswith("@"):
                yield key
                yield from _expanded_terms(item)
            else:
                yield from _expanded_terms(item)


def keys_used(value: Any) -> set[str]:
    """Every key at any depth (but `@context`, and the language tags of `...Map` values) that
    holds a value other than null."""
    if isinstance(value, list):
        return set().union(*(keys_used(item) for item in value))
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, item in value.items():
        if key == "@context" or item is None:
            continue
        found.add(key)
        if not key.endswith("Map"):
            found |= keys_used(item)
    return found
