"""Who hears about what: a notice or a set of changed services, matched to subscribers' topics.

Topics a phone can follow (subscriptions.py checks them):
- `notices`: every notice the council posts;
- `category:<term id>`: notices for that category, and new services in it or below it;
- `area:<NAME>`: notices for that area, and new services there (postcode district or town);
- `service:<id>`: notices for that service, and any change to it (updated, closed, back).

Updates to services one does not follow by id are not pushed: the offline data brings
them; a push is for news.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from directory.bundle.affected import affected_since
from directory.bundle.snapshot import active_service_ids
from directory.push.subscriptions import Subscription, normalise_area

# More changed records than this in one batch: only changes to services themselves are read.
AFFECTED_LIMIT = 20_000


def notice_topics(notice: dict) -> set[str]:
    """The topics a notice is news for."""
    topics = {"notices"}
    if notice.get("category_id"):
        topics.add(f"category:{notice['category_id']}")
    if notice.get("area"):
        topics.add(f"area:{normalise_area(notice['area'])}")
    if notice.get("service_id"):
        topics.add(f"service:{notice['service_id']}")
    return topics


def notice_audience(notice: dict, subscriptions: list[Subscription]) -> list[Subscription]:
    topics = notice_topics(notice)
    return [s for s in subscriptions if topics.intersection(s.topics)]


@dataclass
class ServiceNews:
    """One service's news in a batch of changes: new, changed, or closed (gone from the listing)."""

    service_id: str
    kind: str  # "new" | "changed" | "closed"
    topics: set[str] = field(default_factory=set)  # whom it is news for


def service_news(db: sqlite_utils.Database, since: int, until: int) -> list[ServiceNews]:
    """What the changes in (since, until] mean for followers, one item per service, in id order."""
    inserted = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT record_id FROM changes WHERE table_name = 'services' AND operation = 'insert'"
            " AND seq > ? AND seq <= ?",
            [since, until],
        )
    }
    affected = affected_since(db, since, until, AFFECTED_LIMIT)
    touched = set(affected.services) if affected else _services_changed_directly(db, since, until)
    touched |= inserted
    if not touched:
        return []
    active = active_service_ids(db)
    categories = _categories_with_ancestors(db, touched)
    areas = _areas(db, touched)
    news = []
    for service_id in sorted(touched):
        if service_id not in active:
            item = ServiceNews(service_id, "closed")
        elif service_id in inserted:
            item = ServiceNews(service_id, "new")
            item.topics |= {f"category:{term}" for term in categories.get(service_id, ())}
            item.topics |= {f"area:{area}" for area in areas.get(service_id, ())}
        else:
            item = ServiceNews(service_id, "changed")
        if item.kind == "closed" and service_id in inserted:
            continue  # listed and gone within one batch: nobody saw it
        item.topics.add(f"service:{service_id}")
        news.append(item)
    return news


def news_for(subscription: Subscription, news: list[ServiceNews]) -> list[ServiceNews]:
    followed = set(subscription.topics)
    return [item for item in news if item.topics & followed]


def _services_changed_directly(db: sqlite_utils.Database, since: int, until: int) -> set[str]:
    return {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT record_id FROM changes WHERE table_name = 'services' AND seq > ? AND seq <= ?",
            [since, until],
        )
    }


def _categories_with_ancestors(db: sqlite_utils.Database, service_ids: set[str]) -> dict[str, set[str]]:
    """Each service's category terms and every term above them (a clinic for asylum law is legal help)."""
    parents = dict(db.execute("SELECT id, parent_id FROM taxonomy_terms").fetchall())
    found: dict[str, set[str]] = {}
    for service_id, term in _in_batches(
        db, "SELECT link_id, taxonomy_term_id FROM attributes WHERE link_id IN ({}) AND taxonomy_term_id IS NOT NULL",
        service_ids,
    ):
        terms = found.setdefault(service_id, set())
        seen = 0
        while term and term not in terms and seen < 20:  # a cycle in a feed's taxonomy must not hang us
            terms.add(term)
            term, seen = parents.get(term), seen + 1
    return found


def _areas(db: sqlite_utils.Database, service_ids: set[str]) -> dict[str, set[str]]:
    """Each service's areas: the postcode district (outward code) and the town of each address."""
    found: dict[str, set[str]] = {}
    sql = (
        "SELECT sal.service_id, a.postal_code, a.city FROM service_at_location sal"
        " JOIN addresses a ON a.location_id = sal.location_id WHERE sal.service_id IN ({})"
    )
    for service_id, postal_code, city in _in_batches(db, sql, service_ids):
        areas = found.setdefault(service_id, set())
        if postal_code and postal_code.split():
            areas.add(normalise_area(postal_code.split()[0]))
            areas.add(normalise_area(postal_code))
        if city:
            areas.add(normalise_area(city))
    return found


def _in_batches(db: sqlite_utils.Database, sql: str, ids: set[str], size: int = 500):
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        chunk = ordered[start:start + size]
        yield from db.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
