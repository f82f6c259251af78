"""`python -m bench.seed_feed DIR COUNT`: an instance with COUNT posts in the space `sahel`.

Benchmark set-up only, run before the server starts. It writes what a year of a busy network
leaves behind:

- 30 members (`m01` … `m30`; `m01` has the password `bench-password-1`), all in the open space
  `sahel`, the open space `euromed` and the confidential space `litigation`;
- template posts made the real way (`relay.post_in_space`, the path of `jxfed users post
  --space` and of the client API): ten posts and one comment in `sahel` (titles, hashtags,
  a mention, 500 to 1,000 characters of text), one post each in `euromed` and `litigation`;
- then COUNT / 10 copies of that set, each with fresh ids (every UUID in the rows shifted by the
  copy's number, so a copied comment answers the copy of its post), written in bulk: the post,
  its hashtags, the author's `Create` and the space's `Announce` in the outboxes. COUNT = 100,000
  gives `sahel` 100,000 posts and 10,000 comments, and the instance 130,000 posts in all.

Notifications and deliveries of the copies are not written (the feed does not read them).
Ends by counting the copies into the accounts' figures (as migration 0005 does) and with
ANALYZE (PostgreSQL: VACUUM ANALYZE) so the planner knows the tables' sizes.
"""

from __future__ import annotations

import asyncio
import importlib
import random
import re
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from tortoise import connections

from jxfed.actors.local_actors import add_member
from jxfed.actors.models import LocalActor, OutboxActivity
from jxfed.commands import running
from jxfed.instance_folder import open_instance
from jxfed.runtime import Services
from jxfed.settings import load_settings
from jxfed.spaces.joining import join_here
from jxfed.spaces.models import Access, Membership, Post, PostHashtag, Space
from jxfed.spaces.registry import add_space
from jxfed.spaces.relay import post_in_space

MEMBERS = [f"m{n:02d}" for n in range(1, 31)]
PASSWORD = "bench-password-1"  # noqa: S105 (a benchmark member)
SPACES = {"sahel": Access.OPEN, "euromed": Access.OPEN, "litigation": Access.CONFIDENTIAL}
SAHEL_POSTS_PER_COPY = 10
BATCH = 500  # copies' rows written per bulk insert
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

PARAGRAPH = (
    "The coalition documented {n} new cases of arbitrary detention this month in the region, "
    "including lawyers held for more than 48 hours without access to counsel. Families report "
    "that visits were refused and that the detainees' medical needs went unanswered. The legal "
    "team is preparing submissions to the Working Group on Arbitrary Detention and asks member "
    "organisations to share first-hand testimony through the confidential space, never here. "
)


def text_of(n: int) -> str:
    tags = " #sahel #detention" if n % 3 == 0 else " #sahel"
    mention = " cc @m02" if n % 4 == 0 else ""
    return PARAGRAPH.format(n=n + 3) * (1 + n % 2) + tags + mention


async def templates(services: Services) -> list[Post]:
    """The set every copy repeats, published through the real path."""
    spaces = {slug: await Space.get(actor__name=slug).prefetch_related("actor") for slug in SPACES}
    people = [await LocalActor.get(name=name) for name in MEMBERS]
    made: list[Post] = []
    for n in range(SAHEL_POSTS_PER_COPY):
        title = f"Monthly detention report {n + 1}" if n % 3 == 0 else None
        made.append(
            await post_in_space(services, spaces["sahel"], people[n], text_of(n), title=title)
        )
    made.append(
        await post_in_space(
            services,
            spaces["sahel"],
            people[11],
            "Thank you: our team can add two testimonies by Friday.",
            in_reply_to=made[0].uri,
        )
    )
    for slug, author in (("euromed", people[12]), ("litigation", people[13])):
        made.append(await post_in_space(services, spaces[slug], author, text_of(1)))
    return made


WORDS = (  # noqa: SIM905 (a paragraph reads better than 76 lines)
    "detention lawyer counsel hearing court appeal tribunal witness testimony family "
    "visit transfer prison custody release bail charge decree emergency border migrant "
    "asylum camp report evidence document archive interview medical torture complaint "
    "petition minister police gendarmerie judge prosecutor registry hunger strike "
    "solidarity network coalition Niamey Bamako Ouagadougou Agadez Gao Mopti Tunis Rabat "
    "Cairo Beirut women journalist student activist union defender observer mission "
    "rapporteur submission urgent appeal deadline Friday Monday March April session "
    "review translation Arabic French English"
).split()


def case_note(copy: int, position: int) -> str:
    """A sentence of its own for each copied post, so that no two posts share all their text."""
    chooser = random.Random(copy * 31 + position)
    words = " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(12, 30)))
    return f"<p>Case file {copy}-{position}: {words}.</p>"


def shifted(text: str, copy: int) -> str:
    """`text` with every UUID moved by `copy` (the same move for every row of one copy)."""

    def move(match: re.Match[str]) -> str:
        return str(uuid.UUID(int=(int(match[0].replace("-", ""), 16) + copy) % 2**128))

    return UUID.sub(move, text)


def shifted_json(document: Any, copy: int) -> Any:
    return orjson.loads(shifted(orjson.dumps(document).decode(), copy))


async def copy_all(made: list[Post], copies: int) -> None:
    uris = {post.uri for post in made}
    outbox = [
        row
        for row in await OutboxActivity.filter(type__in=["Create", "Announce"])
        if _object_uri(row.document) in uris
    ]
    tags = {
        post.id: await PostHashtag.filter(post=post).values_list("name", flat=True) for post in made
    }
    start = made[0].published - timedelta(days=365)
    step = timedelta(days=365) / max(1, copies)
    started = time.monotonic()
    for first in range(1, copies + 1, BATCH):
        numbers = range(first, min(copies, first + BATCH - 1) + 1)
        posts = [
            Post(
                uri=shifted(post.uri, n),
                author_uri=post.author_uri,
                type=post.type,
                title=post.title,
                content=case_note(n, position) + post.content,
                in_reply_to=shifted(post.in_reply_to, n) if post.in_reply_to else None,
                audience=post.audience,
                space_id=post.space_id,  # type: ignore[attr-defined]
                public=post.public,
                local=True,
                published=start + step * n,
                document=shifted_json(post.document, n),
            )
            for n in numbers
            for position, post in enumerate(made)
        ]
        for post in posts:
            post.document["content"] = post.content
        await Post.bulk_create(posts)
        ids = dict(
            await Post.filter(uri__in=[p.uri for p in posts]).values_list("uri", "id")  # type: ignore[arg-type]
        )
        await PostHashtag.bulk_create(
            [
                PostHashtag(post_id=ids[shifted(post.uri, n)], name=name)
                for n in numbers
                for post in made
                for name in tags[post.id]
            ]
        )
        await OutboxActivity.bulk_create(
            [
                OutboxActivity(
                    uri=shifted(row.uri, n),
                    actor_id=row.actor_id,  # type: ignore[attr-defined]
                    type=row.type,
                    document=shifted_json(row.document, n),
                    public=row.public,
                )
                for n in numbers
                for row in outbox
            ]
        )
        done = numbers[-1]
        if done % 2000 == 0 or done == copies:
            rate = done * len(made) / (time.monotonic() - started)
            print(f"      seeded {done * len(made):,} posts ({rate:,.0f}/s)", flush=True)


def _object_uri(document: Any) -> str | None:
    inner = document.get("object")
    if isinstance(inner, dict) and isinstance(inner.get("object"), dict):
        inner = inner["object"]  # the space's Announce of the author's Create
    return inner.get("id") if isinstance(inner, dict) else None


async def finish(postgres: bool) -> None:
    """Count the copies into the accounts' figures as migration 0005 counts what a database
    holds, then let the planner learn the tables' sizes."""
    connection = connections.get("default")
    migration = importlib.import_module("jxfed.migrations.0005_account_counts_feed_indexes")
    for statement in (migration.COUNT_MEMBERS, migration.COUNT_SPACES):
        await connection.execute_script(statement)
    await connection.execute_script("VACUUM ANALYZE" if postgres else "ANALYZE")


async def seed(directory: Path, count: int) -> None:
    settings = load_settings(directory)
    async with open_instance(settings), running(settings) as services:
        members = [
            await add_member(name, password=PASSWORD if n == 0 else None)
            for n, name in enumerate(MEMBERS)
        ]
        for slug, access in SPACES.items():
            space = await add_space(
                settings, slug, name=slug.title(), access=access, owner=MEMBERS[0]
            )
            for member in members[1:]:
                if access == Access.CONFIDENTIAL:  # as if invited, and the invitation accepted
                    await Membership.create(
                        space=space,
                        member=member,
                        actor_uri=services.actor_uri(await member.actor),
                        role=space.default_role,
                    )
                else:
                    await join_here(services, space, await member.actor)
        made = await templates(services)
        await copy_all(made, max(0, count // SAHEL_POSTS_PER_COPY - 1))
        await finish(settings.database_url.startswith("postgres"))


if __name__ == "__main__":
    asyncio.run(seed(Path(sys.argv[1]), int(sys.argv[2])))
