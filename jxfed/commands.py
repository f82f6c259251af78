"""What each `jxfed` sub-command does, once the instance's database is open."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import orjson

from jxfed.errors import ConfigError
from jxfed.settings import Settings, parse_bind

if TYPE_CHECKING:
    from jxfed.runtime import Services


def read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        raise ConfigError("--password-stdin: nothing on standard input")
    return line.rstrip("\r\n")


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Services]:
    """Services for a one-off command that talks to peers."""
    from jxfed.runtime import Services

    services = Services(settings)
    try:
        yield services
    finally:
        await services.close()


async def run_serve(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.serve import serve  # the web app: imported only by the commands that serve

    bind = args.bind or settings.bind
    parse_bind(bind)
    await serve(settings, bind, with_workers=not args.no_workers)


async def run_worker(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.serve import work

    await work(settings)


async def run_fetch(settings: Settings, args: argparse.Namespace) -> None:
    async with running(settings) as services:
        document = await services.transport.fetch_json(args.url, await services.instance_signer())
    print(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())


async def run_users(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.actors.local_actors import add_member, list_members, member_by_name, set_profile
    from jxfed.actors.models import Following, FollowState, Profile
    from jxfed.spaces import editing, follows, joining, reactions
    from jxfed.spaces.notifying import list_notifications, mark_read
    from jxfed.spaces.posts import home_timeline
    from jxfed.spaces.publishing import publish

    if args.action == "add":
        password = read_password() if args.password_stdin else None
        profile = (
            Profile.ADMINISTRATOR
            if args.admin
            else Profile.TRUSTED
            if args.trusted
            else Profile.MEMBER
        )
        member = await add_member(args.name, password=password, profile=profile)
        print(f"jxfed: member {settings.url('/users/' + member.actor.name)}")
        return
    if args.action == "list":
        for member in await list_members():
            uri = settings.url("/users/" + member.actor.name)
            print(f"{member.actor.name}\t{member.profile.value}\t{uri}")
        return
    member = await member_by_name(args.name)
    actor = member.actor
    if args.action == "profile":
        await set_profile(member, Profile(args.profile))
        print(f"jxfed: {actor.name} is now {member.profile.value}")
        return
    if args.action == "notifications":
        for note in await list_notifications(member, unread_only=args.unread):
            seen = "read" if note.read else "unread"
            print(f"{note.id}\t{note.kind.value}\t{seen}\t{note.actor_uri}\t{note.object_uri}")
        return
    if args.action == "read":
        marked = await mark_read(member, args.ids or None)
        print(f"jxfed: {marked} notification(s) marked read")
        return
    async with running(settings) as services:
        if args.action == "follow":
            following = await follows.follow(services, actor, args.target)
            print(f"jxfed: {actor.name} follows {following.target_uri} ({following.state.value})")
        elif args.action == "unfollow":
            await follows.unfollow(services, actor, args.target)
            print(f"jxfed: {actor.name} no longer follows {args.target}")
        elif args.action == "post":
            post = await publish(
                services,
                actor,
                args.text,
                space=args.space,
                title=args.title,
                in_reply_to=args.reply_to,
            )
            print(f"jxfed: published {post.uri}")
        elif args.action == "react":
            await reactions.react(services, actor, args.post, args.emoji)
            print(f"jxfed: {actor.name} reacted to {args.post}")
        elif args.action == "edit":
            edited = await editing.edit_post(services, actor, args.post, args.text, args.title)
            print(f"jxfed: edited {edited.uri}")
        elif args.action == "delete":
            await editing.delete_post(services, actor, args.post)
            print(f"jxfed: deleted {args.post}")
        elif args.action == "join":
            following = await joining.join(services, actor, args.space)
            print(f"jxfed: {actor.name} asked to join {following.target_uri}")
        elif args.action == "leave":
            await joining.leave(services, actor, args.space)
            print(f"jxfed: {actor.name} left {args.space}")
        elif args.action == "invitations":
            pending = Following.filter(follower=actor, state=FollowState.PENDING)
            for invitation in await pending.exclude(follow_id__contains=settings.domain):
                print(invitation.target_uri)
        elif args.action == "following":
            for row in await Following.filter(follower=actor).order_by("id"):
                print(f"{row.target_uri}\t{row.state.value}\t{row.role or '-'}")
        elif args.action == "accept-invite":
            await joining.accept_invitation(services, actor, args.space)
            print(f"jxfed: {actor.name} joined {args.space}")
        else:
            for post in await home_timeline(actor):
                counts = await reactions.summary(post)
                print(
                    f"{post.published:%Y-%m-%d %H:%M}\t{post.author_uri}\t{post.content}\t{counts}"
                )


async def run_spaces(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.actors.local_actors import member_by_name
    from jxfed.actors.models import Follower, FollowState
    from jxfed.errors import NotFound
    from jxfed.spaces import follows, joining, managing
    from jxfed.spaces.models import Membership, MembershipState, Post, Space
    from jxfed.spaces.registry import add_space, list_spaces, parse_access, set_archived
    from jxfed.spaces.roles import parse_role

    if args.action == "add":
        space = await add_space(
            settings,
            args.slug,
            name=args.name,
            access=parse_access(args.access),
            owner=args.owner,
            description=args.description,
            language=args.language,
            default_role=parse_role(args.default_role),
            parent=args.parent,
        )
        print(f"jxfed: space {settings.url('/spaces/' + space.actor.name)}")
        return
    if args.action == "list":
        for space in await list_spaces():
            print(f"{space.actor.name}\t{space.access.value}\t{space.actor.display_name}")
        return
    found = await Space.get_or_none(actor__name=args.slug).select_related("actor")
    if found is None:
        raise NotFound(f"no space named {args.slug!r}")
    space = found
    if args.action == "requests":
        joins = Membership.filter(space=space, state=MembershipState.PENDING)
        follows_ = Follower.filter(followed=space.actor, state=FollowState.PENDING)
        for membership in await joins.order_by("id"):
            print(f"{membership.actor_uri}\tjoin")
        for request in await follows_.order_by("id"):
            print(f"{request.follower_uri}\tfollow")
        return
    if args.action in ("archive", "unarchive"):
        await set_archived(space, args.action == "archive")
        print(f"jxfed: {args.slug} {args.action}d")
        return
    if args.action == "posts":
        for post in await Post.filter(space=space, deleted=False).order_by("-id").limit(20):
            print(f"{post.published:%Y-%m-%d %H:%M}\t{post.author_uri}\t{post.uri}\t{post.content}")
        return
    if args.action == "audit":
        from jxfed.evidence_commands import show_audit

        await show_audit(settings, space, verify=args.verify)
        return
    if args.action == "members":
        for membership in await Membership.filter(space=space).order_by("id"):
            print(f"{membership.actor_uri}\t{membership.role.value}\t{membership.state.value}")
        return
    async with running(settings) as services:
        if args.action in ("remove", "role"):
            manager = (await member_by_name(args.by)).actor
            if args.action == "remove":
                await managing.remove_member(services, space, manager, args.actor)
            else:
                new_role = parse_role(args.role)
                await managing.change_role(services, space, manager, args.actor, new_role)
            print(f"jxfed: {args.action} done for {args.actor} in {args.slug}")
            return
        if args.action == "invite":
            manager = (await member_by_name(args.by)).actor
            invited_role = parse_role(args.role) if args.role else None
            await joining.invite(services, space, manager, args.actor, invited_role)
            print(f"jxfed: invited {args.actor} to {args.slug}")
            return
        accept = args.action == "accept"
        if await Membership.filter(
            space=space, actor_uri=args.actor, state=MembershipState.PENDING
        ).exists():
            await joining.answer_join_request(services, space, args.actor, accept)
        else:
            await follows.answer_follow_request(services, space, args.actor, accept)
    print(f"jxfed: {args.action}ed {args.actor} in {args.slug}")


async def run_peers(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.activitypub.peers import allow_peer, list_peers, remove_peer

    if args.action == "allow":
        print(f"jxfed: {await allow_peer(args.host)} is a peer")
    elif args.action == "remove":
        print(f"jxfed: {await remove_peer(args.host)} is no longer a peer")
    else:
        for host in await list_peers():
            print(host)


async def run_library(settings: Settings, args: argparse.Namespace) -> None:
    from jxfed.library_commands import run_library as run

    await run(settings, args)


Command = Callable[[Settings, argparse.Namespace], Awaitable[None]]
COMMANDS: dict[str, Command] = {
    "serve": run_serve,
    "worker": run_worker,
    "fetch": run_fetch,
    "users": run_users,
    "spaces": run_spaces,
    "peers": run_peers,
    "library": run_library,
}
