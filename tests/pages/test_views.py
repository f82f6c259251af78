"""What the pages take from a stored post's document: its pictures and its language."""

from __future__ import annotations

from jxfed.web.pages.views import Picture, pictures_of


def test_pictures_are_the_posts_images_on_http_with_their_box() -> None:
    document = {
        "attachment": [
            {
                "type": "Document",
                "mediaType": "image/png",
                "url": "https://b.test/m/1.png",
                "name": "Hearing room",
                "width": 640,
                "height": 480,
            },
            {"type": "Document", "mediaType": "application/pdf", "url": "https://b.test/m/2.pdf"},
            {"type": "Document", "mediaType": "image/jpeg", "url": "javascript:alert(1)"},
            {
                "type": "Document",
                "mediaType": "image/jpeg",
                "url": "https://b.test/m/3.jpg",
                "width": -5,
                "height": "480",
            },
            "https://b.test/m/4.jpg",
        ]
    }

    assert pictures_of(document) == [
        Picture("https://b.test/m/1.png", "Hearing room", 640, 480),
        Picture("https://b.test/m/3.jpg", "", None, None),
    ]


def test_a_post_without_attachments_has_no_pictures() -> None:
    assert pictures_of({"attachment": "nope"}) == [] == pictures_of(None)
