"""Given a member with images, when an app uploads them and posts them, then they are stored
once, served with their type, shown in statuses and sent to peers as Documents; a closed
space's images only to its members; anything that is not an image is a clear 422."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from typing import Any

from quart.typing import TestClientProtocol as Client
from werkzeug.datastructures import FileStorage

from jxfed.settings import Settings
from jxfed.spaces.models import Post
from jxfed.web.mastodon.server_info import IMAGE_SIZE_LIMIT
from tests.mastodon.conftest import World, assert_entity, bearer, post_status


def png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\x10\x20\x30" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def upload(
    client: Client,
    token: str,
    data: bytes,
    content_type: str = "image/png",
    **form: str,
) -> Any:
    return await client.post(
        "/api/v2/media",
        files={
            "file": FileStorage(
                stream=io.BytesIO(data), filename="x.png", content_type=content_type
            )
        },
        form=form,
        headers=bearer(token),
    )


async def uploaded(
    client: Client, token: str, data: bytes | None = None, **form: str
) -> dict[str, Any]:
    response = await upload(client, token, data or png(), **form)
    assert response.status_code == 200, await response.get_data()
    media: dict[str, Any] = await response.get_json()
    assert_entity("MediaAttachment", media)
    return media


async def test_an_upload_is_stored_once_and_served_with_its_type(
    client: Client, world: World, instance: Settings
) -> None:
    media = await uploaded(client, world.amina, description="A river", focus="0.5,-0.25")
    digest = hashlib.sha256(png()).hexdigest()
    assert media["url"] == f"https://jxfed.test/media/{digest}.png"
    assert media["description"] == "A river"
    assert media["meta"]["original"]["size"] == "3x2"
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    again = await uploaded(client, world.bruno)
    assert again["url"] == media["url"] and again["id"] != media["id"]
    assert list((instance.directory / "media").iterdir()) == [
        instance.directory / "media" / f"{digest}.png"
    ]
    served = await client.get(f"/media/{digest}.png")
    assert served.status_code == 200
    assert served.content_type == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    assert await served.get_data() == png()
    assert (await client.get(f"/media/{'0' * 64}.png")).status_code == 404
    assert (await client.get("/media/../instance.toml")).status_code == 404


async def test_the_description_is_read_and_changed_by_its_uploader_only(
    client: Client, world: World
) -> None:
    media = await uploaded(client, world.amina)
    path = f"/api/v1/media/{media['id']}"
    shown = await client.get(path, headers=bearer(world.amina))
    assert_entity("MediaAttachment", await shown.get_json())
    changed = await client.put(path, form={"description": "Flood"}, headers=bearer(world.amina))
    assert (await changed.get_json())["description"] == "Flood"
    for method in (client.get, client.put):
        assert (await method(path, headers=bearer(world.bruno))).status_code == 404
    too_long = await client.put(path, form={"description": "x" * 1501}, headers=bearer(world.amina))
    assert too_long.status_code == 422


async def test_what_is_not_an_image_is_refused(client: Client, world: World) -> None:
    fake = await upload(client, world.amina, b"<svg onload=alert(1)>", content_type="image/png")
    assert fake.status_code == 422
    assert_entity("ValidationError", await fake.get_json())
    declared = await upload(client, world.amina, png(), content_type="text/html")
    assert declared.status_code == 422
    empty = await upload(client, world.amina, b"")
    assert empty.status_code == 422
    no_file = await client.post("/api/v2/media", form={"x": "1"}, headers=bearer(world.amina))
    assert no_file.status_code == 422
    focus = await upload(client, world.amina, png(), focus="2,0")
    assert focus.status_code == 422
    bigger_than_other_bodies = await upload(client, world.amina, png() + b"\x00" * 2**21)
    assert bigger_than_other_bodies.status_code == 200
    large = png() + b"\x00" * IMAGE_SIZE_LIMIT
    too_large = await upload(client, world.amina, large)
    assert too_large.status_code in (413, 422)
    assert "error" in await too_large.get_json()
    anonymous = await client.post("/api/v2/media")
    assert anonymous.status_code == 401


async def test_a_status_with_media_shows_them_and_sends_documents(
    client: Client, world: World
) -> None:
    media = await uploaded(client, world.amina, description="Map")
    response = await post_status(client, world.amina, status="", **{"media_ids[]": media["id"]})
    status = await response.get_json()
    assert_entity("Status", status)
    assert [m["id"] for m in status["media_attachments"]] == [media["id"]]
    post = await Post.get(id=int(status["id"]))
    assert post.document["attachment"] == [
        {
            "type": "Document",
            "mediaType": "image/png",
            "url": media["url"],
            "name": "Map",
            "width": 3,
            "height": 2,
        }
    ]
    reused = await post_status(client, world.amina, status="again", **{"media_ids[]": media["id"]})
    assert reused.status_code == 422  # already attached
    bruno_media = await uploaded(client, world.bruno)
    theirs = await post_status(
        client, world.amina, status="x", **{"media_ids[]": bruno_media["id"]}
    )
    assert theirs.status_code == 422
    five = [(await uploaded(client, world.amina))["id"] for _ in range(5)]
    too_many = await client.post(
        "/api/v1/statuses", json={"status": "x", "media_ids": five}, headers=bearer(world.amina)
    )
    assert too_many.status_code == 422
    with_media = await client.get("/api/v1/timelines/public?only_media=true")
    assert [s["id"] for s in await with_media.get_json()] == [status["id"]]
    account = status["account"]["id"]
    mine = await client.get(f"/api/v1/accounts/{account}/statuses?only_media=true")
    assert [s["id"] for s in await mine.get_json()] == [status["id"]]


async def test_a_closed_spaces_image_is_served_to_its_members_only(
    client: Client, world: World
) -> None:
    secret = png(5, 5)
    media = await uploaded(client, world.amina, data=secret)
    response = await post_status(
        client, world.amina, status="@litigation exhibit", **{"media_ids[]": media["id"]}
    )
    assert response.status_code == 200
    path = "/media/" + media["url"].rsplit("/", 1)[-1]
    assert (await client.get(path)).status_code == 404
    assert (await client.get(path, headers=bearer(world.bruno))).status_code == 404
    member = await client.get(path, headers=bearer(world.amina))
    assert member.status_code == 200
    assert member.headers["Cache-Control"].startswith("private")
    assert (await client.get(path, headers=bearer("bad"))).status_code == 401
