"""What people write: sanitising, mentions, hashtags and links (portal/text.py)."""

import pytest
from bs4 import BeautifulSoup

from portal import text


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>hello",
        '<img src=x onerror="alert(1)">hello',
        '<a href="javascript:alert(1)">hello</a>',
        '<a href="jav&#x09;ascript:alert(1)">hello</a>',
        "<b onclick='alert(1)'>hello</b>",
        "<iframe src='https://evil.example'></iframe>hello",
        "<style>body{display:none}</style>hello",
        "<svg><script>alert(1)</script></svg>hello",
    ],
)
def test_scripts_and_event_handlers_are_removed(source, db):
    """Markup either goes (HTML source) or shows as inert text (plain source): never live."""
    html = text.render(source).html
    assert "hello" in html
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "iframe", "style", "svg"])
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")]
        assert "javascript" not in element.get("href", "").lower()


def test_plain_text_becomes_paragraphs_and_is_escaped(db):
    html = text.render("first line\nsecond <line>\n\nnext paragraph").html
    assert html == "<p>first line<br/>second &lt;line&gt;</p><p>next paragraph</p>"


def test_allowed_formatting_is_kept(db):
    html = text.render("<p><strong>bold</strong> <em>it</em></p><ul><li>one</li></ul>").html
    assert "<strong>bold</strong>" in html and "<ul><li>one</li></ul>" in html


def test_mentions_resolve_to_active_people_only(employee, colleague):
    colleague.is_active = False
    colleague.save()
    rendered = text.render(
        f"Hi @[Emp](user:{employee.pk}) and @[Gone](user:{colleague.pk}) and @[Nobody](user:0)",
        employee,
    )
    assert rendered.mentions == {("user", employee.pk)}
    assert f'data-mention="user:{employee.pk}"' in rendered.html
    assert "@Gone" in rendered.html and "user:" + str(colleague.pk) not in rendered.html
    assert [u.pk for u in rendered.mentioned_users()] == [employee.pk]


def test_mention_labels_come_from_the_account_not_the_source(employee):
    rendered = text.render(f"@[Fake name](user:{employee.pk})", employee)
    assert "Fake name" not in rendered.html
    assert employee.get_full_name() in rendered.html


def test_hashtags_and_links(db):
    rendered = text.render("Party #Événement #team-2 https://example.com/a?b=1. and a#notatag")
    assert rendered.hashtags == ["événement", "team-2"]
    assert rendered.links == ["https://example.com/a?b=1"]
    assert 'href="https://example.com/a?b=1"' in rendered.html
    assert 'rel="nofollow noopener"' in rendered.html


def test_nothing_is_rewritten_inside_links_and_code(db):
    rendered = text.render('<a href="https://x.example/#frag">#nottag</a> <code>#code</code>')
    assert rendered.hashtags == []


def test_mentioned_keys_reads_the_source_without_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert text.mentioned_keys("@[A](user:3) @[B](group:4) @x") == {("user", 3), ("group", 4)}


def test_suggestions_list_active_people(employee, colleague):
    first = employee.first_name
    found = text.suggest_mentions(employee, first[:3])
    assert {"kind": "user", "id": employee.pk} == {k: found[0][k] for k in ("kind", "id")}
