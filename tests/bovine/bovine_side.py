"""The bovine side of the bovine-herd peer: run by the bovine virtual environment's Python only.

bovine-herd 0.5.19 pins an older Quart and Tortoise than jxfed, so none of this is imported by
pytest (tests/bovine/peer.py runs it as a child process). Two uses:

- `hypercorn bovine_side:app` serves bovine-herd as its README shows (`BovineHerd(app)`), with
  the database at $BOVINE_DB_URL, logging every body that reaches an inbox or outbox and every
  activity it sends, so that a failure shows exactly what bovine sent;
- `python bovine_side.py COMMAND ...` registers actors with bovine_store's admin store (as
  `python -m bovine_store register` does) and acts as one of them with bovine's own client,
  `BovineClient` (Moo-Auth-1 against its server) and its activity and object factories. Each
  command prints JSON on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys

log = logging.getLogger("bovine_side")


def make_app():
    import bovine_process.send_item as send_item
    from bovine_herd import BovineHerd
    from quart import Quart, request

    logging.basicConfig(
        level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(name)s %(message)s"
    )
    app = Quart(__name__)
    BovineHerd(app, db_url=os.environ.get("BOVINE_DB_URL", "sqlite://bovine.sqlite3"))

    @app.before_request
    async def log_posted_body() -> None:
        if request.method == "POST" and request.path.startswith("/endpoints/"):
            body = await request.get_data(as_text=True)
            log.info("POST %s received %s", request.path, body)

    sent_to_inbox = send_item.send_to_inbox

    async def send_to_inbox_logged(actor, inbox, data):
        log.info("SEND to %s: %s", inbox, json.dumps(data, sort_keys=True))
        return await sent_to_inbox(actor, inbox, data)

    send_item.send_to_inbox = send_to_inbox_logged
    return app


if __name__ != "__main__":
    app = make_app()


async def register(db_url: str, domain: str, handles: list[str]) -> dict:
    """Register actors with an Ed25519 key each for Moo-Auth-1: {handle: {actor_id, secret}}."""
    from bovine.crypto import generate_ed25519_private_key, private_key_to_did_key
    from bovine_store import bovine_admin_store
    from tortoise import Tortoise

    made = {}
    async with bovine_admin_store(db_url=db_url, domain=domain) as store:
        await Tortoise.generate_schemas()
        for handle in handles:
            bovine_name = await store.register(handle)
            secret = generate_ed25519_private_key()
            did_key = private_key_to_did_key(secret)
            await store.add_identity_string_to_actor(
                bovine_name, did_key.removeprefix("did:key:"), did_key
            )
            actor = await store.actor_for_name(bovine_name)
            await actor.session.close()
            made[handle] = {"actor_id": actor.actor_object.id, "secret": secret}
    return made


async def act(args: argparse.Namespace) -> object:
    """One action of the actor whose Moo-Auth-1 secret is given, through bovine's client."""
    from bovine import BovineClient
    from bovine.jsonld import default_context

    async with BovineClient(domain=args.domain, secret=args.secret) as client:
        activities, objects = client.factories
        if args.command == "follow":
            return await send(client, activities.follow(args.target).build())
        if args.command == "accept":
            follow = await find_in_inbox(client, args.follow)
            return await send(client, activities.accept(follow).build())
        if args.command == "undo":
            follow = await client.proxy(args.activity)
            return await send(client, activities.undo(follow).build())
        if args.command == "note":
            tags = [{"type": "Mention", "href": uri, "name": name} for name, uri in args.mention]
            tags += [{"type": "Hashtag", "name": f"#{tag}"} for tag in args.hashtag]
            note = objects.note(content=args.content, tag=tags or None).as_public()
            note.to.update(uri for _, uri in args.mention)
            create = activities.create(note.build()).build()
            if args.hashtag:
                # bovine's own context for the outside: the ActivityStreams context alone has
                # no `Hashtag` term, and bovine would send the type as `_:Hashtag`.
                create["@context"] = default_context
            return await send(client, create)
        if args.command == "inbox":
            return [item async for item in client.inbox()]
        if args.command == "collection":
            return [item async for item in client.collection_helper(client.information[args.name])]
    raise SystemExit(f"unknown command {args.command}")


async def find_in_inbox(client, activity_id: str) -> dict:
    async for item in client.inbox():
        if item.get("id") == activity_id:
            return item
    raise SystemExit(f"{activity_id} is not in the inbox")


async def send(client, activity: dict) -> dict:
    """POST to the actor's outbox as bovine's client does; the id bovine gave it."""
    response = await client.send_to_outbox(activity)
    if response.status != 201:
        raise SystemExit(f"outbox answered {response.status}: {await response.text()}")
    return {"id": response.headers.get("location"), "sent": activity}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bovine_side")
    commands = parser.add_subparsers(dest="command", required=True)
    sub = commands.add_parser("register")
    sub.add_argument("--db-url", required=True)
    sub.add_argument("--domain", required=True, help="http://host:port")
    sub.add_argument("handles", nargs="+")
    for name, helps in (
        ("follow", {"target": "the actor to follow"}),
        ("accept", {"follow": "the id of a Follow in the actor's inbox"}),
        ("undo", {"activity": "the id of the actor's own activity"}),
        ("note", {"content": "the note's HTML"}),
        ("inbox", {}),
        ("collection", {"name": "followers or following"}),
    ):
        sub = commands.add_parser(name)
        sub.add_argument("--domain", required=True, help="http://host:port")
        sub.add_argument("--secret", required=True)
        for arg, text in helps.items():
            sub.add_argument(arg, help=text)
        if name == "note":
            sub.add_argument("--mention", nargs=2, action="append", default=[])
            sub.add_argument("--hashtag", action="append", default=[])
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    args = parse(argv)
    if args.command == "register":
        result = asyncio.run(register(args.db_url, args.domain, args.handles))
    else:
        result = asyncio.run(act(args))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
