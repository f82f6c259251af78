"""Discovery: WebFinger, host-meta and NodeInfo 2.1 (served to anyone, unsigned)."""

from __future__ import annotations

from urllib.parse import urlsplit

from quart import Blueprint, Response, request

import jxfed
from jxfed.actors.documents import actor_id
from jxfed.actors.paths import INSTANCE_ACTOR_PATH, PREFIX
from jxfed.errors import BadRequest, NotFound
from jxfed.spaces.directory import PublicActor, public_actor, public_actor_by_name, usage
from jxfed.web.context import services
from jxfed.web.responses import ACTIVITY_JSON, json_response

blueprint = Blueprint("wellknown", __name__)
JRD = "application/jrd+json"
NODEINFO_21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"


async def resolve_resource(resource: str, domain: str) -> PublicActor:
    """The local actor a WebFinger resource names: `acct:NAME@DOMAIN` or an actor URL."""
    resource = resource.strip()
    if resource.startswith(("https://", "http://")):
        parts = urlsplit(resource)
        if parts.netloc.lower() != domain:
            raise NotFound(f"{resource!r} is not on this instance")
        if parts.path == INSTANCE_ACTOR_PATH:
            return await public_actor_by_name(domain.partition(":")[0])
        for kind, prefix in PREFIX.items():
            name = parts.path.removeprefix(prefix)
            if parts.path.startswith(prefix) and name and "/" not in name:
                return await public_actor(kind, name)
        raise NotFound(f"{resource!r} is not an actor of this instance")
    account = resource.removeprefix("acct:")
    name, at, host = account.rpartition("@")
    if not at or not name or not host or "@" in name.lstrip("@"):
        raise BadRequest(f"resource {resource!r} is not acct:NAME@DOMAIN or an actor URL")
    if host.lower() != domain:
        raise NotFound(f"{resource!r} is not on this instance")
    return await public_actor_by_name(name.lstrip("@").lower())


@blueprint.get("/.well-known/webfinger")
async def webfinger() -> Response:
    resource = request.args.get("resource")
    if not resource:
        raise BadRequest("the 'resource' query parameter is required")
    settings = services().settings
    found = await resolve_resource(resource, settings.domain)
    uri = actor_id(settings, found.actor)
    document = {
        "subject": f"acct:{found.actor.name}@{settings.domain}",
        "aliases": [uri],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": uri},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": uri},
        ],
    }
    response = json_response(document, content_type=JRD)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/.well-known/host-meta")
async def host_meta() -> Response:
    template = services().settings.url("/.well-known/webfinger?resource={uri}")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(body, content_type="application/xrd+xml; charset=utf-8")


@blueprint.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> Response:
    settings = services().settings
    return json_response(
        {
            "links": [
                {"rel": NODEINFO_21, "href": settings.url("/nodeinfo/2.1")},
                {"rel": NODEINFO_20, "href": settings.url("/nodeinfo/2.0")},
            ]
        }
    )


@blueprint.get("/nodeinfo/<any('2.0', '2.1'):version>")
async def nodeinfo(version: str) -> Response:
    figures = await usage()
    software = {"name": "jxfed", "version": jxfed.__version__}
    document = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {
            "users": {
                "total": figures.users_total,
                "activeMonth": figures.users_active_month,
                "activeHalfyear": figures.users_active_halfyear,
            },
            "localPosts": figures.local_posts,
        },
        "metadata": {"nodeName": services().settings.domain, "spaces": figures.public_spaces},
    }
    schema = NODEINFO_21 if version == "2.1" else NODEINFO_20
    return json_response(document, content_type=f'application/json; profile="{schema}#"')
