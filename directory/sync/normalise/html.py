"""Text: HTML sanitised to a short allow-list in long fields, plain text everywhere else.

Long free-text fields (descriptions, eligibility, notes…) may carry a little markup:
p, br, ul, ol, li, strong, em and links to http, https, mailto and tel. Everything
else (scripts, event handlers, iframes, SVG, styles, javascript: URLs) vanishes.
Text without markup is left as it was. Names and other short fields become plain
text: tags stripped, entities decoded, whitespace collapsed.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from urllib.parse import urlsplit

import nh3

# Free-text fields that may hold markup; any other text field is plain.
RICH_FIELDS = frozenset(
    {
        "description",
        "application_process",
        "eligibility_description",
        "fees_description",
        "interpretation_services",
        "alert",
        "accreditations",
        "licenses",
        "wait_time",
        "fees",
        "transportation",
        "details",
        "notes",
        "attending_type",
        "note",
        "amount_description",
        "document",
        "source",
    }
)
# Plain fields whose line breaks and spacing carry meaning (a GeoJSON extent).
LAYOUT_FIELDS = frozenset({"extent"})

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"
# Tags removed together with everything inside them.
CONTENT_TAGS = {
    "script",
    "style",
    "iframe",
    "noscript",
    "template",
    "svg",
    "math",
    "object",
    "embed",
    "textarea",
    "select",
    "head",
    "title",
    "frameset",
    "noembed",
    "noframes",
    "xmp",
}
# Tags that separate words; replaced by a space before stripping so "a<br>b" reads "a b".
_BREAKS = re.compile(r"<\s*/?\s*(?:br|p|li|div|tr|td|th|h[1-6]|ul|ol|dt|dd|section|article|hr)\b[^>]*>", re.I)
_SPACES = re.compile(r"\s+")
_MAX_PASSES = 50


def clean_text(field: str, text: str) -> str:
    """Clean one text value the way its field wants.

    Short values (names, cities, opening notes) repeat across a feed: they are
    remembered, within a bound on memory.
    """
    if len(text) <= _REMEMBERED_LENGTH:
        return _clean_short_text(field, text)
    return _clean_text(field, text)


_REMEMBERED_LENGTH = 256


@functools.lru_cache(maxsize=16_384)
def _clean_short_text(field: str, text: str) -> str:
    return _clean_text(field, text)


def _clean_text(field: str, text: str) -> str:
    if field in RICH_FIELDS:
        return clean_rich(text)
    return clean_plain(text, collapse=field not in LAYOUT_FIELDS)


def clean_rich(text: str) -> str:
    """Sanitise markup to the allow-list; leave text without markup as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(_MAX_PASSES):
        text = _drop_controls(text, keep="\n\t")  # again after each pass: "&#1;" decodes to one
        if "<" not in text:
            break
        cleaned = nh3.clean(
            text,
            tags=ALLOWED_TAGS,
            clean_content_tags=CONTENT_TAGS,
            attributes={"a": {"href"}},
            url_schemes=LINK_SCHEMES,
            link_rel=LINK_REL,
            attribute_filter=_keep_attribute,
            strip_comments=True,
        )
        if cleaned == text:
            break
        text = cleaned
    return text.strip()


def clean_plain(text: str, collapse: bool = True) -> str:
    """Plain text: no tags, no entities; with `collapse`, one line with single spaces."""
    keep = "" if collapse else "\n\t"
    text = _drop_controls(text, keep)
    for _ in range(_MAX_PASSES):
        before = text
        if "<" in text:
            text = _drop_controls(
                nh3.clean(_BREAKS.sub(" ", text), tags=set(), clean_content_tags=CONTENT_TAGS), keep
            )
        if "&" in text:
            text = _drop_controls(html.unescape(text), keep)
        if text == before:
            break
    if collapse:
        return _SPACES.sub(" ", text).strip()
    return text.strip()


def looks_like_markup(text: str) -> bool:
    return bool(re.search(r"<\s*[a-zA-Z/!?]", text))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only absolute http, https, mailto and tel links survive; relative and other schemes go."""
    if tag == "a" and attribute == "rel":
        return LINK_REL
    if tag != "a" or attribute != "href":
        return None
    target = "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch) != "Cc")
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return None
    return target if scheme in LINK_SCHEMES else None


# The Cc category is exactly C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _drop_controls(text: str, keep: str) -> str:
    """Control characters become spaces (or stay, for those in `keep`)."""
    if not _CONTROLS.search(text):  # the usual case, checked at C speed
        return text
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else " ", text)
