"""Comments on a library's items: posts that answer the item's URI, in the item's space.

A comment takes the one path every comment takes (`publishing.publish`): stored in the space
here and relayed by it, or sent to the space of a peer whose copy of the item a member here
reads; the reply rule of the attribution gate keeps it in the item's space
(`posts.comment_stays`), and the item's author is notified (`notifying.post_stored`). The
librarian asks the role table first, so that a refusal lands in the audit trail too.
"""

from __future__ import annotations

from jxfed.actors.models import LocalActor
from jxfed.errors import BadRequest
from jxfed.spaces.library.librarian import Librarian
from jxfed.spaces.library.paths import resolve
from jxfed.spaces.models import Post
from jxfed.spaces.publishing import publish
from jxfed.spaces.roles import Action
from jxfed.spaces.threads import replies_to
from jxfed.spaces.visibility import Reader

MAX_COMMENTS = 200


async def comment(lib: Librarian, path: str, author: LocalActor, text: str) -> Post:
    """`author` comments on the item at `path` (NotAllowed for a role that may not comment,
    NotFound where nothing is, BadRequest for the library's top)."""
    await lib.require(Action.COMMENT)
    item = await resolve(lib.library, path)
    if item is None:
        raise BadRequest("comments are on an item of the library, not on its top")
    return await publish(lib.services, author, text, in_reply_to=item.uri)


async def comments(reader: Reader, item_uri: str, limit: int = MAX_COMMENTS) -> list[Post]:
    """The comments on an item and their replies that `reader` may see, oldest first."""
    return await replies_to(reader, item_uri, limit)
