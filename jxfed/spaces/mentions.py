"""Mentions (`@name`, `@name@host`, also `@space@host` to address a space) and hashtags.

Plain text becomes escaped HTML with links; the post gets `Mention` and `Hashtag` tags.
A mention resolves only to a local actor or an actor of a peer (WebFinger to peers only);
anything else stays plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jxfed.activitypub.transport import FetchError, NotAPeer
from jxfed.actors.models import LocalActor
from jxfed.actors.remote import resolve_account
from jxfed.errors import JxfedError
from jxfed.settings import parse_domain
from jxfed.spaces.visibility import Signer, may_see

if TYPE_CHECKING:
    from jxfed.runtime import Services

MENTION = re.compile(
    r"(?<![\w/@])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([a-z0-9.-]+(?::[0-9]{1,5})?))?", re.I
)
HASHTAG = re.compile(r"(?<![\w&/#])#(\w{1,64})")


@dataclass(frozen=True, slots=True)
class Mention:
    text: str  # as written, without the leading @
    uri: str


async def find_mentions(services: Services, text: str, author: str) -> list[Mention]:
    """The mentions in `text` that name a local actor or an actor of a peer, as `author` may
    see them: a confidential space here is a free name to anyone outside it (plain text)."""
    found: dict[str, Mention] = {}
    for match in MENTION.finditer(text):
        name, host = match.group(1).lower(), (match.group(2) or "").lower()
        handle = f"{name}@{host}" if host else name
        if handle in found:
            continue
        if not host or host == services.settings.domain:
            actor = await LocalActor.get_or_none(name=name)
            if actor is not None and await may_see(Signer(author), actor):
                found[handle] = Mention(handle, services.actor_uri(actor))
            continue
        try:
            parse_domain(host)
            found[handle] = Mention(handle, await resolve_account(services, f"{name}@{host}"))
        except (FetchError, NotAPeer, JxfedError):
            continue  # not a peer, or not found: left as plain text
    return list(found.values())


def hashtags(text: str) -> list[str]:
    return list(dict.fromkeys(tag.lower() for tag in HASHTAG.findall(text)))


def render(text: str, mentions: list[Mention], base_url: str) -> tuple[str, list[dict[str, Any]]]:
    """Escaped HTML paragraphs with mention and hashtag links, and the post's `tag` list."""
    by_handle = {mention.text: mention for mention in mentions}

    def link_mention(match: re.Match[str]) -> str:
        name, host = match.group(1).lower(), (match.group(2) or "").lower()
        mention = by_handle.get(f"{name}@{host}" if host else name)
        if mention is None:
            return match.group(0)
        return (
            f'<span class="h-card"><a href="{html.escape(mention.uri)}" class="u-url mention">'
            f"@{html.escape(match.group(1))}</a></span>"
        )

    def link_tag(match: re.Match[str]) -> str:
        tag = match.group(1)
        return (
            f'<a href="{base_url}/tags/{html.escape(tag.lower())}" class="mention hashtag" '
            f'rel="tag">#{html.escape(tag)}</a>'
        )

    paragraphs = []
    for paragraph in (p for p in text.strip().split("\n\n") if p.strip()):
        escaped = html.escape(paragraph.strip()).replace("\n", "<br>")
        escaped = HASHTAG.sub(link_tag, MENTION.sub(link_mention, escaped))
        paragraphs.append(f"<p>{escaped}</p>")
    tags: list[dict[str, Any]] = [
        {"type": "Mention", "href": mention.uri, "name": f"@{mention.text}"} for mention in mentions
    ]
    tags += [
        {"type": "Hashtag", "href": f"{base_url}/tags/{tag}", "name": f"#{tag}"}
        for tag in hashtags(text)
    ]
    return "".join(paragraphs), tags
