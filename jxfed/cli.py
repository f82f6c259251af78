"""The `jxfed` command line: init, serve, migrate, users, spaces, peers, library."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from jxfed.errors import ConfigError, JxfedError
from jxfed.settings import load_settings

# The instance profiles (actors.models.Profile), named here so that `--help` and a mistyped
# argument need no database layer: short commands import only what they use.
PROFILES = ("member", "trusted", "administrator")
ROLES = ("reader", "contributor", "content_manager", "space_manager")


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
    serve_cmd.add_argument(
        "--no-workers", action="store_true", help="leave the inbox and deliveries to 'worker'"
    )
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("worker", help="process the inbox and send deliveries, without serving")
    fetch = commands.add_parser("fetch", help="GET a peer's document, signed by the instance actor")
    fetch.add_argument("url")

    users = commands.add_parser("users", help="manage members").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    users_add = users.add_parser("add", help="add a member")
    users_add.add_argument("name")
    standing = users_add.add_mutually_exclusive_group()
    standing.add_argument("--admin", action="store_true", help="an instance administrator")
    standing.add_argument("--trusted", action="store_true", help="a member who may create spaces")
    users_add.add_argument("--password-stdin", action="store_true", help="read a password")
    users.add_parser("list", help="list members")
    sub = users.add_parser("profile", help="set NAME's standing on the instance")
    sub.add_argument("name")
    sub.add_argument("profile", choices=PROFILES)
    for action, text in (("follow", "follows"), ("unfollow", "stops following")):
        sub = users.add_parser(action, help=f"NAME {text} an actor of a peer (name@host or URL)")
        sub.add_argument("name")
        sub.add_argument("target")
    post = users.add_parser("post", help="publish a note to NAME's followers, or in a space")
    post.add_argument("name")
    post.add_argument("text")
    post.add_argument("--space", help="a space here (SLUG) or of a peer (slug@host or URL)")
    post.add_argument("--title", help="a title: the post becomes an article")
    post.add_argument(
        "--reply-to", metavar="URI", help="a comment on this post (in the post's own space)"
    )
    users.add_parser("timeline", help="the newest notes NAME follows").add_argument("name")
    for action, text in (("join", "asks to join"), ("leave", "leaves")):
        sub = users.add_parser(action, help=f"NAME {text} a space of a peer (slug@host or URL)")
        sub.add_argument("name")
        sub.add_argument("space")
    users.add_parser("invitations", help="pending invitations of NAME").add_argument("name")
    users.add_parser(
        "following", help="what NAME follows or has joined on peers: state and role"
    ).add_argument("name")
    sub = users.add_parser("react", help="NAME likes a post, or reacts with an emoji")
    sub.add_argument("name")
    sub.add_argument("post", help="the post's URI")
    sub.add_argument("--emoji", default="", help="an emoji (default: a like)")
    sub = users.add_parser("edit", help="NAME edits one of their posts (the old text is kept)")
    sub.add_argument("name")
    sub.add_argument("post", help="the post's URI")
    sub.add_argument("text")
    sub.add_argument("--title")
    sub = users.add_parser("delete", help="NAME deletes a post (theirs, or any as content manager)")
    sub.add_argument("name")
    sub.add_argument("post", help="the post's URI")
    sub = users.add_parser("notifications", help="NAME's newest notifications")
    sub.add_argument("name")
    sub.add_argument("--unread", action="store_true", help="only those not yet read")
    sub = users.add_parser("read", help="mark NAME's notifications read")
    sub.add_argument("name")
    sub.add_argument("ids", nargs="*", type=int, help="notification ids (default: all)")
    sub = users.add_parser("accept-invite", help="NAME accepts an invitation to a space")
    sub.add_argument("name")
    sub.add_argument("space", help="the space's URI")

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
    spaces_add.add_argument("--description", default="", help="HTML, sanitised")
    spaces_add.add_argument("--language", default="en", choices=["en", "fr", "ar", "pt", "de"])
    spaces_add.add_argument(
        "--default-role",
        default="contributor",
        choices=ROLES,
        help="the role new members get",
    )
    spaces_add.add_argument("--parent", help="the slug of a parent space")
    spaces.add_parser("list", help="list spaces")
    spaces.add_parser("requests", help="pending join and follow requests").add_argument("slug")
    spaces.add_parser("members", help="members of a space, with roles").add_argument("slug")
    spaces.add_parser("posts", help="the newest posts of a space").add_argument("slug")
    for action, text in (("archive", "archive a space"), ("unarchive", "reopen an archived space")):
        spaces.add_parser(action, help=text).add_argument("slug")
    for action in ("accept", "reject"):
        sub = spaces.add_parser(action, help=f"{action} a pending join or follow request")
        sub.add_argument("slug")
        sub.add_argument("actor", help="the requesting actor's URI")
    sub = spaces.add_parser("remove", help="remove a member from a space")
    sub.add_argument("slug")
    sub.add_argument("actor", help="the member's actor URI")
    sub.add_argument("--by", required=True, help="the space manager who removes")
    sub = spaces.add_parser("role", help="change a member's role")
    sub.add_argument("slug")
    sub.add_argument("actor", help="the member's actor URI")
    sub.add_argument("role", choices=ROLES)
    sub.add_argument("--by", required=True, help="the space manager who changes it")
    sub = spaces.add_parser("invite", help="invite an actor of a peer into a space")
    sub.add_argument("slug")
    sub.add_argument("actor", help="name@host or URL")
    sub.add_argument("--by", required=True, help="the inviting space manager")
    sub.add_argument("--role", choices=ROLES)

    sub = spaces.add_parser("audit", help="a space's audit trail, or --verify its hash chain")
    sub.add_argument("slug")
    sub.add_argument("--verify", action="store_true", help="check that no entry was changed")
    add_library(commands)

    peers = commands.add_parser("peers", help="manage the allowlist").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    for action in ("allow", "remove"):
        peers.add_parser(action, help=f"{action} a peer instance").add_argument("host")
    peers.add_parser("list", help="list peer instances")
    return parser


def add_library(commands: argparse._SubParsersAction[Parser]) -> None:
    """`jxfed library ...`: a space's shared library, acting `--as` one of its local members."""
    library = commands.add_parser("library", help="a space's shared library").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )

    def acting(name: str, text: str, *, path: bool = True) -> Parser:
        sub = library.add_parser(name, help=text)
        sub.add_argument("space", help="a space here (SLUG) or of a peer (slug@host or URL)")
        if path:
            sub.add_argument("path", help="an item's path in the library, e.g. /pleadings/brief")
        sub.add_argument("--as", dest="name", required=True, help="the member who acts")
        return sub

    sub = acting("ls", "what a folder holds (the library's top by default)", path=False)
    sub.add_argument("path", nargs="?", default="/", help="a folder's path (default /)")
    sub.add_argument("--json", action="store_true", help="a JSON list, for scripts")
    sub = acting(
        "upload", "upload a file (a new revision if its title is in the folder)", path=False
    )
    sub.add_argument("file", type=Path)
    sub.add_argument("--folder", default="/", help="the folder's path (default /)")
    sub.add_argument("--title", help="the title (default: the file's name)")
    sub.add_argument("--message", default="", help="what this revision changes")
    sub = acting("note", "write a note (a new revision if its title is in the folder)", path=False)
    sub.add_argument("title")
    sub.add_argument("--text-file", required=True, help="the note's text (- for standard input)")
    sub.add_argument("--folder", default="/", help="the folder's path (default /)")
    sub.add_argument("--message", default="", help="what this revision changes")
    acting("mkdir", "make a folder, and the folders on the way")
    acting("mv", "rename or move an item").add_argument("new_path")
    acting("rm", "delete an item (its revisions are kept)")
    acting("history", "an item's revisions").add_argument(
        "--json", action="store_true", help="a JSON list, for scripts"
    )
    sub = acting("download", "save a revision's content to a file, print its SHA-256")
    sub.add_argument("--revision", type=int, help="the revision's number (default: the newest)")
    sub.add_argument("-o", dest="output", type=Path, required=True, help="the file to write")
    sub = acting("restore", "make an old revision the newest again")
    sub.add_argument("--revision", type=int, required=True, help="the revision's number")
    sub = acting("status", "set an item's status: open, validated, invalid or deprecated")
    sub.add_argument("status")
    library.add_parser("verify", help="re-hash every stored content of a space").add_argument(
        "space"
    )
    sub = library.add_parser("export", help="a zip of every revision, its hashes and the trail")
    sub.add_argument("space")
    sub.add_argument("-o", dest="output", type=Path, required=True, help="the zip to write")


def instance_dir(args: argparse.Namespace) -> Path:
    directory = args.dir or (Path(os.environ["JXFED_DIR"]) if os.environ.get("JXFED_DIR") else None)
    if directory is None:
        raise ConfigError("no instance folder: give --dir DIR or set JXFED_DIR")
    return Path(directory)


async def dispatch(args: argparse.Namespace) -> None:
    from jxfed import commands
    from jxfed.instance_folder import init_instance, open_instance

    if args.command == "init":
        directory = args.init_dir or instance_dir(args)
        created = await init_instance(directory, args.domain, args.database_url, args.insecure_http)
        print(f"jxfed: instance {created.base_url} created in {created.directory}")
        return
    settings = load_settings(instance_dir(args))
    async with open_instance(settings, migrate=args.command == "migrate") as applied:
        if args.command == "migrate":
            print(f"jxfed: applied {', '.join(applied)}" if applied else "jxfed: up to date")
            return
        await commands.COMMANDS[args.command](settings, args)


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
