"""The door's shape step and attribution gate, on plain documents (no server, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from jxfed.activitypub.attribution import AttributionError, check_attribution
from jxfed.activitypub.shapes import AS_PUBLIC, MAX_URI, ShapeError, check_limits, normalise

ALICE = "https://peer.example/users/alice"


def create(**note: Any) -> dict[str, Any]:
    body = {
        "id": "https://peer.example/objects/1",
        "type": "Note",
        "attributedTo": ALICE,
        "content": "<p>hi</p>",
        **note,
    }
    return {
        "id": "https://peer.example/activities/1",
        "type": "Create",
        "actor": ALICE,
        "to": [AS_PUBLIC],
        "object": body,
    }


@pytest.mark.parametrize("public", ["as:Public", "Public", AS_PUBLIC])
def test_every_form_of_the_public_address_becomes_the_full_iri(public: str) -> None:
    shaped = normalise({**create(), "to": public, "cc": [public, f"{ALICE}/followers"]})
    assert shaped["to"] == [AS_PUBLIC]
    assert shaped["cc"] == [AS_PUBLIC, f"{ALICE}/followers"]


def test_a_single_tag_object_becomes_a_list_of_one() -> None:
    mention = {"type": "Mention", "href": "https://jxfed.test/users/amina"}
    shaped = normalise(create(tag=mention))
    assert shaped["object"]["tag"] == [mention]


def test_a_hashtag_left_as_a_blank_node_or_prefixed_is_a_hashtag() -> None:
    shaped = normalise(create(tag={"type": "_:Hashtag", "name": "#Bangui"}))
    assert shaped["object"]["tag"] == [{"type": "Hashtag", "name": "#Bangui"}]
    shaped = normalise(create(tag=[{"type": "as:Mention", "href": ALICE}]))
    assert shaped["object"]["tag"] == [{"type": "Mention", "href": ALICE}]


def test_actor_and_author_given_as_objects_or_lists_of_one_become_ids() -> None:
    shaped = normalise(
        {**create(attributedTo=[{"id": ALICE, "type": "Person"}]), "actor": {"id": ALICE}}
    )
    assert shaped["actor"] == ALICE
    assert shaped["object"]["attributedTo"] == ALICE


def test_an_object_given_as_an_id_object_stays_a_reference() -> None:
    undo = {"id": f"{ALICE}#undo", "type": "Undo", "actor": ALICE, "object": {"id": f"{ALICE}#f"}}
    assert normalise(undo)["object"] == f"{ALICE}#f"


def test_content_comes_from_content_map_when_alone() -> None:
    note = {k: v for k, v in create()["object"].items() if k != "content"}
    shaped = normalise({**create(), "object": {**note, "contentMap": {"fr": "<p>salut</p>"}}})
    assert shaped["object"]["content"] == "<p>salut</p>"


def test_a_document_already_in_shape_comes_out_equal() -> None:
    document = create(tag=[{"type": "Hashtag", "name": "#sahel", "href": "https://x/tags/sahel"}])
    assert normalise(document) == document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tag": 5}, "'tag' must hold objects"),
        ({"content": 5}, "'content' must be a string"),
        ({"name": "x" * 501}, "'name' must be a string of at most 500"),
        ({"id": "https://peer.example/" + "x" * MAX_URI}, "'id' is longer than 500"),
        ({"inReplyTo": ["https://a/1", "https://a/2"]}, "'inReplyTo' must name one object"),
        ({"sensitive": "yes"}, "'sensitive' must be true or false"),
        ({"tag": [{"type": "Hashtag", "name": 7}]}, "'name' must be a string"),
        ({"attachment": [{"type": "Document", "mediaType": ["image/png"]}]}, "'mediaType'"),
    ],
)
def test_a_field_a_handler_could_not_take_is_refused_with_its_name(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ShapeError, match=message):
        check_limits(normalise(create(**change)))


def test_objects_nested_too_deep_are_refused() -> None:
    document: dict[str, Any] = create()
    for _ in range(6):
        document = {"id": f"{ALICE}#a", "type": "Announce", "actor": ALICE, "object": document}
    with pytest.raises(ShapeError, match="nested"):
        normalise(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (create(attributedTo="https://jxfed.test/users/amina"), "attributed to"),
        (create(attributedTo=[ALICE, "https://jxfed.test/users/amina"]), "attributed to"),
        (create(id="https://jxfed.test/objects/1"), "not on the host of its actor"),
        ({**create(), "id": "https://jxfed.test/activities/9"}, "not on the host"),
        ({k: v for k, v in create().items()}, None),
        (
            {
                "id": f"{ALICE}#undo",
                "type": "Undo",
                "actor": ALICE,
                "object": {
                    "id": "https://peer.example/l/1",
                    "type": "Like",
                    "actor": "https://peer.example/users/bob",
                },
            },
            "its own",
        ),
        (
            {
                "id": "https://peer.example/spaces/s/announce/1",
                "type": "Announce",
                "actor": "https://peer.example/spaces/s",
                "object": create(attributedTo="https://jxfed.test/users/amina"),
            },
            "attributed to",
        ),
    ],
)
async def test_an_activity_speaks_only_for_its_actor(
    document: dict[str, Any], message: str | None
) -> None:
    shaped = normalise(document)
    if message is None:
        await check_attribution(shaped)
        return
    with pytest.raises(AttributionError, match=message):
        await check_attribution(shaped)


async def test_a_create_without_an_author_is_refused() -> None:
    note = {k: v for k, v in create()["object"].items() if k != "attributedTo"}
    with pytest.raises(AttributionError, match="attributedTo"):
        await check_attribution(normalise({**create(), "object": note}))


SPACE = "https://jxfed.test/spaces/sahel"
AMINA = "https://jxfed.test/users/amina"


def library_update(actor: str, item: str, **extra: Any) -> dict[str, Any]:
    """`actor`'s Update of a library item of sahel (a space of jxfed.test) whose id is `item`."""
    return normalise(
        {
            "id": f"{actor.rsplit('/users/', 1)[0]}/activities/9",
            "type": "Update",
            "actor": actor,
            "object": {
                "id": item,
                "type": "Document",
                "attributedTo": actor,
                "name": "Exhibit 1.pdf",
                "audience": SPACE,
                **extra,
            },
        }
    )


async def test_a_space_vouches_for_its_members_edits_of_another_hosts_library_item() -> None:
    """amina renames alice's item: the space announces it (it checked her role), or it is
    sent to the space here, which counts its author a member; nobody else may."""
    update = library_update(AMINA, "https://peer.example/library/1")
    announced = {"id": f"{SPACE}/announce/9", "type": "Announce", "actor": SPACE, "object": update}
    await check_attribution(normalise(announced))
    with pytest.raises(AttributionError, match="not on the host"):
        await check_attribution(normalise({**announced, "actor": "https://jxfed.test/spaces/x"}))
    with pytest.raises(AttributionError, match="not on the host"):
        await check_attribution(update)  # nobody vouches

    async def members(space: str, actor: str) -> bool:
        return (space, actor) == (SPACE, ALICE)

    mine = library_update(ALICE, "https://jxfed.test/library/2")
    await check_attribution(mine, members)
    carla = library_update("https://other.example/users/carla", "https://jxfed.test/library/2")
    with pytest.raises(AttributionError, match="not on the host"):
        await check_attribution(carla, members)
    note = library_update(ALICE, "https://jxfed.test/objects/2", type="Note")
    with pytest.raises(AttributionError, match="not on the host"):
        await check_attribution(note, members)  # a post stays its author's
