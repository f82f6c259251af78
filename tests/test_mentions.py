"""Mentions and hashtags in plain text: escaped HTML with links, and the post's tags."""

from __future__ import annotations

from jxfed.spaces.mentions import Mention, hashtags, render

A = "https://a.example"


def test_known_mentions_and_hashtags_become_links_and_tags() -> None:
    content, tags = render(
        "Hello @amina and @bruno@b.example:8443, see #Detention",
        [
            Mention("amina", f"{A}/users/amina"),
            Mention("bruno@b.example:8443", "https://b/u/bruno"),
        ],
        A,
    )
    assert f'<a href="{A}/users/amina" class="u-url mention">@amina</a>' in content
    assert '<a href="https://b/u/bruno" class="u-url mention">@bruno</a>' in content
    assert (
        f'<a href="{A}/tags/detention" class="mention hashtag" rel="tag">#Detention</a>' in content
    )
    assert tags == [
        {"type": "Mention", "href": f"{A}/users/amina", "name": "@amina"},
        {"type": "Mention", "href": "https://b/u/bruno", "name": "@bruno@b.example:8443"},
        {"type": "Hashtag", "href": f"{A}/tags/detention", "name": "#detention"},
    ]


def test_unknown_mentions_stay_text_and_html_is_escaped() -> None:
    content, tags = render("@nobody wrote <script>alert(1)</script> & left", [], A)
    assert content == "<p>@nobody wrote &lt;script&gt;alert(1)&lt;/script&gt; &amp; left</p>"
    assert tags == []


def test_emails_entities_and_urls_are_not_mentions_or_tags() -> None:
    assert hashtags("it's a#b https://x.example/#frag &#39; #ok") == ["ok"]
    content, _ = render("write to a@b.example", [Mention("b.example", "https://x")], A)
    assert "mention" not in content


def test_blank_lines_make_paragraphs_and_hashtags_are_unique_lower_case() -> None:
    content, _ = render("one\nline\n\n#Sahel #sahel", [], A)
    assert content.startswith("<p>one<br>line</p><p>")
    assert hashtags("#Sahel #sahel #SAHEL") == ["sahel"]
