"""The `jxfed` command line: init, serve, migrate, users, spaces, peers."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import NoReturn

from jxfed.activitypub.peers import allow_peer, list_peers, remove_peer
from jxfed.actors.accounts import add_member, list_members
from jxfed.actors.models import Profile
from jxfed.errors import ConfigError, JxfedError
from jxfed.instance import init_instance, open_instance
from jxfed.serve import serve
from jxfed.settings import Settings, load_settings, parse_bind
from jxfed.spaces.service import add_space, list_spaces, parse_access


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> Parser:
    parser = Parser(
        prog="jxfed", description="A federated ActivityPub server for human-rights networks."
    )
    parser.add_argument("--dir", type=Path, help="the instance folder (or JXFED_DIR)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    init = commands.add_parser("init", help="create an instance folder")
    init.add_argument("--dir", dest="init_dir", type=Path, help="the folder to create")
    init.add_argument("--domain", required=True, help="public HOST[:PORT] of the instance")
    init.add_argument("--database-url", help="postgresql://... (default: SQLite in the folder)")
    init.add_argument("--insecure-http", action="store_true", help="plain http, loopback only")

    serve_cmd = commands.add_parser("serve", help="serve the instance")
    serve_cmd.add_argument("--bind", help="HOST:PORT to listen on (default from instance.toml)")
    commands.add_parser("migrate", help="apply database migrations")

    users = commands.add_parser("users", help="manage members").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    users_add = users.add_parser("add", help="add a member")
    users_add.add_argument("name")
    users_add.add_argument("--admin", action="store_true", help="an instance administrator")
    users_add.add_argument("--password-stdin", action="store_true", help="read a password")
    users.add_parser("list", help="list members")

    spaces = commands.add_parser("spaces", help="manage spaces").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    spaces_add = spaces.add_parser("add", help="add a space")
    spaces_add.add_argument("slug")
    spaces_add.add_argument("--name", required=True)
    spaces_add.add_argument(
        "--access", required=True, choices=["open", "on_request", "confidential"]
    )
    spaces_add.add_argument("--owner", required=True, help="the member who manages it")
    spaces.add_parser("list", help="list spaces")

    peers = commands.add_parser("peers", help="manage the allowlist").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    for action in ("allow", "remove"):
        peers.add_parser(action, help=f"{action} a peer instance").add_argument("host")
    peers.add_parser("list", help="list peer instances")
    return parser


def instance_dir(args: argparse.Namespace) -> Path:
    directory = args.dir or (Path(os.environ["JXFED_DIR"]) if os.environ.get("JXFED_DIR") else None)
    if directory is None:
        raise ConfigError("no instance folder: give --dir DIR or set JXFED_DIR")
    return Path(directory)


def read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        raise ConfigError("--password-stdin: nothing on standard input")
    return line.rstrip("\r\n")


async def run_init(args: argparse.Namespace) -> None:
    directory = args.init_dir or instance_dir(args)
    settings = await init_instance(directory, args.domain, args.database_url, args.insecure_http)
    print(f"jxfed: instance {settings.base_url} created in {settings.directory}")


async def run_serve(settings: Settings, args: argparse.Namespace) -> None:
    bind = args.bind or settings.bind
    parse_bind(bind)
    await serve(settings, bind)


async def run_users(settings: Settings, args: argparse.Namespace) -> None:
    if args.action == "add":
        password = read_password() if args.password_stdin else None
        profile = Profile.ADMINISTRATOR if args.admin else Profile.MEMBER
        member = await add_member(args.name, password=password, profile=profile)
        print(f"jxfed: member {settings.url('/users/' + member.actor.name)}")
        return
    for member in await list_members():
        uri = settings.url("/users/" + member.actor.name)
        print(f"{member.actor.name}\t{member.profile.value}\t{uri}")


async def run_spaces(settings: Settings, args: argparse.Namespace) -> None:
    if args.action == "add":
        space = await add_space(
            args.slug, name=args.name, access=parse_access(args.access), owner=args.owner
        )
        print(f"jxfed: space {settings.url('/spaces/' + space.actor.name)}")
        return
    for space in await list_spaces():
        print(f"{space.actor.name}\t{space.access.value}\t{space.actor.display_name}")


async def run_peers(settings: Settings, args: argparse.Namespace) -> None:
    if args.action == "allow":
        print(f"jxfed: {await allow_peer(args.host)} is a peer")
    elif args.action == "remove":
        print(f"jxfed: {await remove_peer(args.host)} is no longer a peer")
    else:
        for host in await list_peers():
            print(host)


Command = Callable[[Settings, argparse.Namespace], Awaitable[None]]
COMMANDS: dict[str, Command] = {
    "serve": run_serve,
    "users": run_users,
    "spaces": run_spaces,
    "peers": run_peers,
}


async def dispatch(args: argparse.Namespace) -> None:
    if args.command == "init":
        await run_init(args)
        return
    settings = load_settings(instance_dir(args))
    async with open_instance(settings, migrate=args.command == "migrate") as applied:
        if args.command == "migrate":
            print(f"jxfed: applied {', '.join(applied)}" if applied else "jxfed: up to date")
            return
        await COMMANDS[args.command](settings, args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(dispatch(args))
    except JxfedError as error:
        print(f"jxfed: error: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
