"""Which posts each timeline holds, as queries to page: home, public, and a hashtag's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from jxfed.actors.models import Member
from jxfed.files.models import MediaAttachment
from jxfed.spaces.models import Post, PostHashtag
from jxfed.spaces.visibility import Reader, visible_posts
from jxfed.web.mastodon.api_errors import ValidationFailed
from jxfed.web.mastodon.models import FollowedTag

TAG_NAME = re.compile(r"^\w{1,64}$")
MAX_TAGS = 10


def tag_name(value: str, field: str = "hashtag") -> str:
    """A hashtag as stored: without `#`, lower case; 422 for anything else."""
    name = value.strip().lstrip("#").lower()
    if not TAG_NAME.match(name):
        raise ValidationFailed({field: ("ERR_INVALID", "is not a hashtag (letters, digits, _)")})
    return name


def _tagged(names: list[str]) -> Q:
    return Q(id__in=Subquery(PostHashtag.filter(name__in=names).values("post_id")))


async def home(member: Member, reader: Reader) -> QuerySet[Post]:
    """The member's own posts, those of the actors and spaces they follow, of the spaces they
    are in, and public posts with a hashtag they follow."""
    wanted = Q(author_uri=reader.uri)
    if reader.followed:
        wanted |= Q(author_uri__in=list(reader.followed)) | Q(audience__in=list(reader.followed))
    if reader.space_ids:
        wanted |= Q(space_id__in=list(reader.space_ids))
    tags = [str(n) for n in await FollowedTag.filter(member=member).values_list("name", flat=True)]
    if tags:
        wanted |= Q(_tagged(tags), public=True)
    return Post.filter(visible_posts(reader)).filter(wanted)


@dataclass(frozen=True, slots=True)
class Where:
    """`local`, `remote` and `only_media`, as the public and tag timelines take them."""

    local: bool = False
    remote: bool = False
    only_media: bool = False


def public(reader: Reader, where: Where) -> QuerySet[Post]:
    """Public posts only (never a closed space's), here, from peers, or both."""
    posts = Post.filter(visible_posts(reader), public=True)
    if where.local:
        posts = posts.filter(local=True)
    elif where.remote:
        posts = posts.filter(local=False)
    if where.only_media:
        posts = posts.filter(with_media())
    return posts


def with_media() -> Q:
    """Posts with media uploaded here (peers' attachments are not indexed yet)."""
    attached = MediaAttachment.filter(post_id__not_isnull=True).values("post_id")
    return Q(id__in=Subquery(attached))


def tagged(
    reader: Reader, where: Where, tag: str, any_of: list[str], all_of: list[str], none_of: list[str]
) -> QuerySet[Post]:
    """Public posts with `tag` or any of `any_of`, with all of `all_of`, with none of `none_of`."""
    lists = {"any": any_of, "all": all_of, "none": none_of}
    for field, names in lists.items():
        if len(names) > MAX_TAGS:
            raise ValidationFailed({field: ("ERR_TOO_MANY", f"at most {MAX_TAGS} hashtags")})
    posts = public(reader, where).filter(
        _tagged([tag_name(tag), *(tag_name(n, "any") for n in any_of)])
    )
    for name in all_of:
        posts = posts.filter(_tagged([tag_name(name, "all")]))
    if none_of:
        posts = posts.exclude(_tagged([tag_name(n, "none") for n in none_of]))
    return posts
