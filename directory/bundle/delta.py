"""What changed in a language's bundle since a version the phone holds, from the change log.

    version, language, since   the bundle version this delta leads to, and from
    sha256                     of the bundle it leads to: the phone patches its copy,
                               re-serialises it and must get exactly this hash
    generated                  the new bundle's `generated`
    upserts                    services added or changed, whole, in bundle order
    after                      {upserted id: id of the service before it in the new bundle, or null}
    deletes                    ids of services gone (withdrawn, closed, purged)
    notice_upserts             notices added or changed;  notice_deletes: ids gone or ended
    categories, attributes     the whole lists, only when a taxonomy term changed

When a delta cannot say it (a version from the future or too long ago, a purged
record, most of the directory changed), the answer is the full bundle itself, which
has `services` where a delta has `upserts`. `pwa/delta.js` applies a delta.
"""

from __future__ import annotations

import sqlite_utils

from directory.bundle.affected import affected_since

# Beyond this many changed records, or with more than this share of the services
# changed, a delta is about as big as the bundle and slower to compute: send the bundle.
MAX_CHANGED_RECORDS = 5000
MAX_CHANGED_SHARE = 0.5


def build_delta(db: sqlite_utils.Database, bundle: dict, since: int, sha256: str | None = None) -> dict:
    """`bundle` is the current one (what the delta leads to); its `sha256` goes in the answer."""
    version = bundle["version"]
    if since <= 0 or since > version or _forgotten(db, since):
        return bundle
    affected = affected_since(db, since, version, MAX_CHANGED_RECORDS)
    if affected is None or len(affected.services) > MAX_CHANGED_SHARE * max(len(bundle["services"]), 1):
        return bundle
    upserts, after, previous = [], {}, None
    for service in bundle["services"]:
        if service["id"] in affected.services:
            upserts.append(service)
            after[service["id"]] = previous
        previous = service["id"]
    notices = [n for n in bundle["notices"] if n["id"] in affected.notices]
    ended = _ended_between(db, since, bundle["generated"])
    delta = {
        "version": version,
        "language": bundle["language"],
        "since": since,
        "sha256": sha256,
        "generated": bundle["generated"],
        "upserts": upserts,
        "after": after,
        "deletes": sorted(affected.changed_services - after.keys()),
        "notice_upserts": notices,
        "notice_deletes": sorted((affected.notices | ended) - {n["id"] for n in notices}),
    }
    if affected.terms_changed:
        delta["categories"] = bundle["categories"]
        delta["attributes"] = bundle["attributes"]
    return {k: v for k, v in delta.items() if v is not None}


def _forgotten(db: sqlite_utils.Database, since: int) -> bool:
    """The change log no longer reaches back to `since` (it was pruned)."""
    oldest = db.execute("SELECT min(seq) FROM changes").fetchone()[0]
    return oldest is None or since < oldest - 1


def _ended_between(db: sqlite_utils.Database, since: int, generated: str) -> set[str]:
    """Notices the phone's bundle may hold that have ended since: no change log row says so."""
    row = db.execute("SELECT at FROM changes WHERE seq = ?", [since]).fetchone()
    if row is None:
        return set()
    found = db.execute(
        "SELECT id FROM notices WHERE ends IS NOT NULL AND ends > ? AND ends <= ?", [row[0], generated]
    ).fetchall()
    return {r[0] for r in found}
