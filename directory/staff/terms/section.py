"""The context of the feed page's "Terms to map" section (templates/terms/_feed_section.html)."""

from __future__ import annotations

import sqlite_utils

from directory.staff.auth import Actor
from directory.taxonomy.feed_terms import unmapped_terms

MESSAGES = {
    "mapped": "The term is mapped. The feed's services that carry it are in that category now.",
    "accepted": "The suggestions are accepted. The feed's services that carry those terms are in their categories now.",
    "none": "There was no suggestion to accept.",
}


def may_map(actor: Actor, publisher_id: str | None) -> bool:
    """Editors and admins map any feed's terms; a publisher only its own feed's."""
    if actor.role in ("admin", "editor"):
        return True
    return actor.role == "publisher" and publisher_id is not None and publisher_id in actor.organizations


def terms_section(db: sqlite_utils.Database, actor: Actor, feed_name: str, publisher_id: str | None,
                  saved: str | None = None) -> dict:  # fmt: skip
    """The feed's unmapped terms with their suggestions, the Harbour terms to choose from, and who may act."""
    choices = db.execute(
        "SELECT t.code, t.name, d.kind FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
        " ORDER BY d.kind = 'attribute', d.sort_order"
    ).fetchall()
    terms = unmapped_terms(db, feed_name)
    return {
        "feed": feed_name,
        "terms": terms,
        "suggested": sum(1 for t in terms if t.suggested is not None),
        "choices": choices,
        "may_map": may_map(actor, publisher_id),
        "message": MESSAGES.get(saved or ""),
    }
