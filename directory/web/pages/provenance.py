"""Where a listing came from, in words a reader understands.

Reads the bundle's `source` ({kind, names, by}; directory/bundle/sources.py), the
same the phone shows. A feed is named, never its URL (it may carry a key).
"""

from __future__ import annotations

from directory.web.pages.strings import Translator


def describe_source(source: dict | None, t: Translator) -> str | None:
    if not source:
        return None
    kind = source.get("kind")
    names = ", ".join(source.get("names", []))
    if kind == "feed" and names:
        by = ", ".join(source.get("by", []))
        return t("source_feed_by", by=by, names=names) if by else t("source_feed", names=names)
    if kind == "import":
        return t("source_import")
    if kind == "staff":
        return t("source_staff")
    if kind == "demo":
        return t("source_demo")
    return None
