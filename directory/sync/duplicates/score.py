"""Is this listing the same service as that one? Name similarity plus agreement on keys.

Pure: two `Listing`s in, a `Verdict` out. The score starts from the name
similarity (0–100), gains points for each kind of contact detail the two share
and loses points when both give a postcode and no postcode agrees. A veto in the
names (numbers, gender, weekday, level, language…) makes the pair "different"
whatever the keys say. Some things keep a pair at "maybe" however high it scores:

- postcodes that disagree (the same name at two addresses is two branches);
- names where each says something the other lacks ("Legal advice clinic
  (housing)" / "(employment)") rather than one adding detail to the other;
- two organisations whose names share no word and who share nothing but a
  building's phone or postcode (a food bank and a baby bank in one church hall);
- a postcode as the only shared key: it is a building, not a service.

Thresholds and rules were tuned on tests/sync/duplicate_pairs.json (see
evaluate.py for which parts were seen when); `python -m
directory.sync.duplicates.evaluate tests/sync/duplicate_pairs.json` prints
precision and recall by half and by batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from directory.sync.duplicates.keys import Keys, keys_from_record
from directory.sync.duplicates.names import compare_names, organizations_differ


class Decision(StrEnum):
    SAME = "same"  # link the listings as one service
    MAYBE = "maybe"  # queue the pair for a person to review
    DIFFERENT = "different"


# Keys a building gives every group that meets in it; the others belong to an organisation.
VENUE_KEYS = frozenset({"phones", "postcodes"})

# Points a shared kind of key adds to the name similarity; a page (exact URL) or an
# e-mail address is rarely shared by two services, a domain often is.
KEY_POINTS = {"emails": 8.0, "pages": 8.0, "phones": 6.0, "postcodes": 6.0, "domains": 3.0}
MAX_KEY_POINTS = 15.0
POSTCODE_CONFLICT_POINTS = 20.0  # both give a postcode and none agrees
SAME_AT = 90.0
MAYBE_AT = 75.0


@dataclass(frozen=True)
class Listing:
    """What the scorer needs to know about one service listing."""

    names: tuple[str, ...]  # the name, then any alternate name
    organization: str | None
    keys: Keys


@dataclass(frozen=True)
class Verdict:
    score: float
    decision: Decision
    reasons: tuple[str, ...]


def listing_from_record(record: dict, region: str = "GB") -> Listing:
    """A nested HSDS 3.0 service (as feeds send it) as a Listing."""
    names = tuple(
        n for n in (record.get("name"), record.get("alternate_name")) if isinstance(n, str) and n.strip()
    )
    organization = record.get("organization")
    org_name = organization.get("name") if isinstance(organization, dict) else None
    return Listing(names, org_name if isinstance(org_name, str) else None, keys_from_record(record, region))


def is_candidate(a: Listing, b: Listing) -> bool:
    """Blocking: only listings that share a phone, e-mail, domain or postcode are ever compared."""
    return a.keys.shares_blocking_key(b.keys)


def compare(a: Listing, b: Listing) -> Verdict:
    """Score one pair of listings and decide: same, maybe or different."""
    organizations = [o for o in (a.organization, b.organization) if o]
    names = compare_names(a.names, b.names, organizations)
    reasons = [f"names {names.similarity:g}/100 ('{names.compared[0]}' ~ '{names.compared[1]}')"]
    shared = a.keys.shared(b.keys)
    points = min(MAX_KEY_POINTS, sum(KEY_POINTS[kind] for kind in shared))
    for kind, values in shared.items():
        reasons.append(f"same {kind.rstrip('s')}: {', '.join(sorted(values))}")
    postcode_conflict = bool(a.keys.postcodes and b.keys.postcodes and "postcodes" not in shared)
    if postcode_conflict:
        points -= POSTCODE_CONFLICT_POINTS
        reasons.append(
            f"different postcodes: {', '.join(sorted(a.keys.postcodes))} vs {', '.join(sorted(b.keys.postcodes))}"
        )
    score = round(max(0.0, names.similarity + points), 1)
    if names.vetoes:
        reasons.extend(f"veto: {v}" for v in names.vetoes)
        return Verdict(score, Decision.DIFFERENT, tuple(reasons))
    if names.substituted:
        reasons.append(
            f"each name has words the other lacks: {' '.join(names.only_a)} / {' '.join(names.only_b)}"
        )
    venue_only = organizations_differ(a.organization, b.organization) and set(shared) <= VENUE_KEYS
    if venue_only:
        reasons.append(
            f"different organisations ({a.organization} / {b.organization}) sharing only a venue's details"
        )
    postcode_only = set(shared) == {"postcodes"}
    if score >= SAME_AT and not (postcode_conflict or names.substituted or venue_only or postcode_only):
        decision = Decision.SAME
    elif score >= MAYBE_AT:
        decision = Decision.MAYBE
    else:
        decision = Decision.DIFFERENT
    return Verdict(score, decision, tuple(reasons))


def decide(a: Listing, b: Listing) -> Verdict:
    """`compare`, behind blocking: a pair that shares no key is "different" without a look at the names."""
    if not is_candidate(a, b):
        return Verdict(0.0, Decision.DIFFERENT, ("no shared phone, e-mail, domain or postcode",))
    return compare(a, b)
