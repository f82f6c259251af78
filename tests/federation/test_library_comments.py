"""A comment on a library item, on real instances: a member of B comments, through B's copy, on
an item of a space of A's; the comment reaches the space on A, which keeps it in the space and
tells the item's author."""

from __future__ import annotations

import pytest

from jxfed.actors.models import LocalActor, Member
from jxfed.runtime import Services
from jxfed.settings import Settings
from jxfed.spaces.library import comments
from jxfed.spaces.library.librarian import peer_librarian
from jxfed.spaces.models import Notification, NotificationKind, Post
from jxfed.spaces.visibility import reader_of
from tests.federation.network import Network, eventually, make_network
from tests.federation.test_library import BRIEF, download, joined, upload
from tests.servers import InstanceFactory

pytestmark = pytest.mark.server
TEXT = "Ground 3 needs the 2019 ruling."


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_member_of_b_comments_on_an_item_of_as_space_and_its_author_is_told(
    instances: InstanceFactory,
) -> None:
    net: Network = make_network(instances)
    space = await joined(net, "sahel")
    item = upload(net.a, "amina", "sahel", "Appeal brief.pdf", BRIEF)

    async def copied() -> bool:
        """B holds its verified copy of the brief."""
        return download(net.b, "bruno", space, "/Appeal brief.pdf") == BRIEF

    await eventually(copied)

    async def comment_on_b(settings: Settings) -> str:
        services = Services(settings)
        try:
            bruno = await LocalActor.get(name="bruno")
            lib = await peer_librarian(services, space, bruno)
            return (await comments.comment(lib, "/Appeal brief.pdf", bruno, TEXT)).uri
        finally:
            await services.close()

    uri = net.b.seed(comment_on_b)

    async def on_a(settings: Settings) -> tuple[str | None, bool, list[str]]:
        post = await Post.get_or_none(uri=uri)
        told = Notification.filter(member__actor__name="amina", kind=NotificationKind.REPLY)
        return (
            post.in_reply_to if post else None,
            post is not None and post.space_id is not None,  # type: ignore[attr-defined]
            [str(u) for u in await told.values_list("object_uri", flat=True)],
        )

    async def arrived() -> bool:
        """A keeps bruno's comment in sahel, and amina has a reply notification for it."""
        return net.a.seed(on_a) == (item, True, [uri])

    await eventually(arrived)

    async def seen_on_b(settings: Settings) -> list[str]:
        bruno = await Member.get(actor__name="bruno")
        reader = await reader_of(bruno, f"{net.b.url}/users/bruno")
        return [post.uri for post in await comments.comments(reader, item)]

    assert net.b.seed(seen_on_b) == [uri]  # bruno reads it under B's copy of the item
