"""Text: hostile HTML vanishes, a little safe markup stays in long fields, names are plain text."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.html import clean_plain, clean_rich, clean_text

REL = 'rel="noopener noreferrer nofollow"'

HOSTILE = [
    ("<script>alert(1)</script>Open daily", "Open daily"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>Open", "Open"),
    ('<img src=x onerror="alert(1)">Free', "Free"),
    ('<p onclick="steal()">Walk in</p>', "<p>Walk in</p>"),
    ('<a href="javascript:alert(1)">Book</a>', f"<a {REL}>Book</a>"),
    ('<a href=" JaVaScRiPt:alert(1)">Book</a>', f"<a {REL}>Book</a>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', f"<a {REL}>x</a>"),
    ('<iframe src="https://evil.example"></iframe>Advice', "Advice"),
    ("<svg onload=alert(1)><circle r=1 /></svg>Clinic", "Clinic"),
    ('<style>body{display:none}</style><p style="color:red">Help</p>', "<p>Help</p>"),
    ('<div style="background:url(javascript:alert(1))">Text</div>', "Text"),
    ("<object data=x.swf></object><embed src=x>Legal", "Legal"),
    ('<form action="https://evil.example"><input name=p></form>Food', "Food"),
    ("<!-- <script>alert(1)</script> -->Shelter", "Shelter"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>Health', "Health"),
    (
        '<a href="https://example.org" onmouseover="x()" target="_blank">Site</a>',
        f'<a href="https://example.org" {REL}>Site</a>',
    ),
    ('<a href="/relative/path">Here</a>', f"<a {REL}>Here</a>"),
    ("<scr<script>ipt>alert(1)</script>Safe", "ipt&gt;alert(1)Safe"),
]


@pytest.mark.parametrize("raw, expected", HOSTILE)
def test_hostile_markup_vanishes_from_long_text(raw, expected):
    cleaned = clean_rich(raw)
    assert cleaned == expected
    for danger in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "style=",
        "<style",
    ):
        assert danger not in cleaned.lower()


@pytest.mark.parametrize("raw", [raw for raw, _ in HOSTILE])
def test_hostile_markup_leaves_only_plain_text_in_names(raw):
    cleaned = clean_plain(raw)
    assert "<" not in cleaned.replace("&lt;", "")
    assert "javascript:" not in cleaned.lower() and "alert(1)</" not in cleaned


@pytest.mark.parametrize(
    "raw",
    [
        "<p>Bring <strong>nothing</strong> but <em>yourself</em>.</p>",
        "<ul><li>Arabic</li><li>Dari</li></ul>",
        "<ol><li>Call</li><li>Come</li></ol>",
        "Line one<br>line two",
        f'<a href="https://example.org/book" {REL}>Book</a>',
        f'<a href="mailto:help@example.org" {REL}>E-mail</a> or <a href="tel:+441632960123" {REL}>call</a>',
    ],
)
def test_the_allowed_markup_stays_in_long_text(raw):
    assert clean_rich(raw) == raw


def test_links_get_rel_noopener_noreferrer_nofollow():
    assert clean_rich('<a href="https://example.org">x</a>') == f'<a href="https://example.org" {REL}>x</a>'


@pytest.mark.parametrize(
    "raw",
    [
        "Fish & chips",
        "Walk in: Mon–Fri",
        "Drop-in café «Bienvenue»",
        "مساعدة قانونية مجانية",
        "می‌خواهم",
        "Line one\nline two",
    ],
)
def test_plain_text_in_long_fields_stays_exactly_as_it_was(raw):
    assert clean_rich(raw) == raw


def test_a_lone_less_than_sign_in_long_text_is_escaped_so_it_displays_as_written():
    assert clean_rich("Ages 5 < 12 & parents") == "Ages 5 &lt; 12 &amp; parents"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<b>Kingsmere</b> Food Bank", "Kingsmere Food Bank"),
        ("Fish &amp; Chips", "Fish & Chips"),
        ("Caf&eacute; &#8220;Welcome&#8221;", "Café “Welcome”"),
        ("Advice<br>Centre", "Advice Centre"),
        ("  Two   spaces\n\tand a tab ", "Two spaces and a tab"),
        ("&lt;b&gt;Bold&lt;/b&gt;", "Bold"),
        ("Legal\u0007 help", "Legal help"),
        ("Women &amp; children", "Women & children"),
        ("A < B", "A < B"),
    ],
)
def test_names_and_short_fields_become_plain_text_with_entities_decoded(raw, expected):
    assert clean_plain(raw) == expected


def test_a_geojson_extent_keeps_its_layout():
    extent = '{"type": "Point",\n "coordinates": [1, 2]}'
    assert clean_text("extent", extent) == extent


def _ctx() -> NormaliseContext:
    return NormaliseContext("html-feed", "GB", "Europe/London", CategoryMapper([]))


def test_every_text_field_of_every_nested_record_is_sanitised():
    record = {
        "id": "s1",
        "name": "<b>Legal</b> advice<script>alert(1)</script>",
        "status": "active",
        "description": '<p onclick="x()">Free <strong>advice</strong></p><iframe src=x></iframe>',
        "organization": {
            "id": "o1",
            "name": "Law &amp; Rights",
            "description": "<svg onload=alert(1)></svg>Charity",
        },
        "phones": [{"number": "111", "description": "<img src=x onerror=alert(1)>Helpline"}],
        "service_at_locations": [
            {
                "description": "<a href='javascript:alert(1)'>Map</a>",
                "location": {
                    "id": "L1",
                    "location_type": "physical",
                    "name": "<i>Civic</i> Centre",
                    "transportation": "<p style='color:red'>Bus 1</p>",
                    "accessibility": [{"details": "<script>x</script>Step-free"}],
                    "addresses": [
                        {
                            "address_1": "<b>1 Main St</b>",
                            "city": "Kingsmere",
                            "state_province": "Kingsmereshire",
                            "postal_code": "KM1 1AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "required_documents": [{"document": "<object>x</object>None needed"}],
    }
    clean = normalise_service(record, _ctx()).record
    assert clean["name"] == "Legal advice"
    assert clean["description"] == "<p>Free <strong>advice</strong></p>"
    assert clean["organization"] == {
        "id": clean["organization_id"],
        "name": "Law & Rights",
        "description": "Charity",
    }
    assert clean["phones"][0]["description"] == "Helpline"
    sal = clean["service_at_locations"][0]
    assert sal["description"] == f"<a {REL}>Map</a>"
    assert sal["location"]["name"] == "Civic Centre"
    assert sal["location"]["transportation"] == "<p>Bus 1</p>"
    assert sal["location"]["accessibility"][0]["details"] == "Step-free"
    assert sal["location"]["addresses"][0]["address_1"] == "1 Main St"
    assert clean["required_documents"][0]["document"] == "None needed"
