"""Build the offline bundle for one language: every active service, compact, in that language.

The bundle (JSON; every top-level key is always there, empty values are left out below it):

    version          latest change seq the bundle reflects
    language         the bundle's language; source_language: the one records are written in
    generated        time of that latest change (so one version always hashes the same)
    name, timezone   the directory's name and time zone (for opening hours)
    categories       [{id, code, name, icon, parent (term id)}] in display order
    attributes       [{id, code, name, icon}] safety and access attributes
    notices          [{id, title, body, severity, category, area, service, starts, ends, fallback}]
                     not withdrawn nor ended at `generated`, upcoming ones included (notices.py)
    services         [service…], sorted by name in the bundle's language

A service:

    id, name, description
    org             organization name
    who             eligibility_description: who it is for
    how             application_process;  fees: fees_description;  alert;  interpreting
    url, email, min_age, max_age
    categories      [category term id…];  attributes: [attribute code…]
    locations       [{name, address (one line), lat, lon}]
    phones          [{number, ext, type, description}]
    schedules       [{byday, opens_at, closes_at (HH:MM), description, freq, interval (when > 1),
                      dtstart, until, bymonthday, valid_from, valid_to}]
    languages       [{code} or, without a code, {name}] spoken at the service, its locations or phones
    costs           [{option, amount, currency, description}]
    documents       [required document…];  accessibility: [description…]
    verified        assured_date: when staff last checked it
    source          {kind, names, by}: where the listing comes from (sources.py)
    fallback        keys above whose text (some of it) is in the source language, untranslated
    search_name     the name, normalised for search (normalise.py)
    search          normalised organization, category and attribute names, description, and
                    the source-language name and organization when translated
"""

from __future__ import annotations

import sqlite_utils

from directory.bundle.localiser import Localiser, Translations, compact
from directory.bundle.normalise import normalise
from directory.bundle.notices import localise_notices
from directory.bundle.snapshot import Snapshot, read_snapshot, read_translations
from directory.bundle.sources import source_of
from directory.config import Settings

# JSON.stringify must write every number as Python's json does (the phone re-serialises a
# bundle it patched with a delta and checks its sha256): integers within 2**53, and floats
# neither whole nor in exponent notation (Python uses it below 1e-4, JavaScript below 1e-6).
SAFE_INTEGER = 2**53 - 1


def build_bundle(db: sqlite_utils.Database, language: str, settings: Settings) -> dict:
    return build_bundles(db, [language], settings)[language]


def build_bundles(db: sqlite_utils.Database, languages: list[str], settings: Settings) -> dict[str, dict]:
    """Bundles for several languages from one read of the database."""
    snapshot = read_snapshot(db)
    return {
        language: localise(snapshot, language, settings, _translations_for(db, language, settings))
        for language in languages
    }


def _translations_for(db: sqlite_utils.Database, language: str, settings: Settings) -> Translations:
    return {} if language == settings.source_language else read_translations(db, language)


def localise(snapshot: Snapshot, language: str, settings: Settings, translations: Translations) -> dict:
    source_is_target = language == settings.source_language
    terms = {}
    for term in snapshot.terms:
        local = Localiser(translations, source_is_target)
        terms[term["id"]] = compact(
            {
                "id": term["id"],
                "code": term["code"],
                "name": local.text("taxonomy_terms", term, "name", "name"),
                "icon": term.get("icon"),
                "parent": term.get("parent_id"),
                "kind": term["kind"],
                "fallback": sorted(local.fell_back),
            }
        )
    local = Localiser(translations, source_is_target)
    attribute_names = {t["code"]: t["name"] for t in terms.values() if t["kind"] == "attribute" and t.get("name")}
    services = [_service(snapshot, s, terms, attribute_names, local.fresh()) for s in snapshot.services]
    services.sort(key=lambda s: (s["name"].casefold(), s["id"]))
    # Every top-level key always, even when empty: a delta then only ever replaces values,
    # so the patched bundle keeps Python's key order.
    return {
        "version": snapshot.version,
        "language": language,
        "source_language": settings.source_language,
        "generated": snapshot.changed_at,
        "name": settings.name,
        "timezone": settings.timezone,
        "categories": [_without(t, "kind") for t in terms.values() if t["kind"] == "category"],
        "attributes": [_without(t, "kind", "parent") for t in terms.values() if t["kind"] == "attribute"],
        "notices": localise_notices(snapshot.notices, local),
        "services": services,
    }


def _service(
    snapshot: Snapshot, row: dict, terms: dict[str, dict], attribute_names: dict[str, str], local: Localiser
) -> dict:
    sid = row["id"]
    sals = snapshot.sals_by_service.get(sid, [])
    location_ids = list(dict.fromkeys(s["location_id"] for s in sals if s.get("location_id") in snapshot.locations))
    organization = snapshot.organizations.get(row.get("organization_id", ""))
    term_ids = list(dict.fromkeys(t for t in snapshot.attribute_terms.get(sid, []) if t in terms))
    phones = _phones(snapshot, sid, sals, location_ids, local)
    service = {
        "id": sid,
        "name": local.text("services", row, "name", "name") or row.get("alternate_name") or sid,
        "description": local.text("services", row, "description", "description"),
        "org": local.text("organizations", organization, "name", "org") if organization else None,
        "who": local.text("services", row, "eligibility_description", "who"),
        "how": local.text("services", row, "application_process", "how"),
        "fees": local.text("services", row, "fees_description", "fees"),
        "alert": local.text("services", row, "alert", "alert"),
        "interpreting": local.text("services", row, "interpretation_services", "interpreting"),
        "url": row.get("url"),
        "email": row.get("email"),
        "min_age": _number(row.get("minimum_age")),
        "max_age": _number(row.get("maximum_age")),
        "categories": [t for t in term_ids if terms[t]["kind"] == "category"],
        "attributes": [terms[t]["code"] for t in term_ids if terms[t]["kind"] == "attribute"],
        "locations": [_location(snapshot, snapshot.locations[lid], local) for lid in location_ids],
        "phones": phones,
        "schedules": _schedules(snapshot, sid, sals, location_ids, local),
        "languages": _languages(snapshot, sid, location_ids, [p["_id"] for p in phones]),
        "costs": [_cost(c, local) for c in snapshot.by_service["cost_options"].get(sid, [])],
        "documents": [
            text
            for d in snapshot.by_service["required_documents"].get(sid, [])
            if (text := local.text("required_documents", d, "document", "documents"))
        ],
        "accessibility": [
            text
            for lid in location_ids
            for a in snapshot.by_location["accessibility"].get(lid, [])
            if (text := local.text("accessibility", a, "description", "accessibility"))
        ],
        "verified": row.get("assured_date"),
        "source": source_of(snapshot.sources.get(sid, []), snapshot.feed_publishers, snapshot.organizations, local),
    }
    for phone in phones:
        del phone["_id"]
    service["fallback"] = sorted(local.fell_back)
    # Made here, not in the browser, so the one normaliser of indexed text is this one.
    service["search_name"] = normalise(service["name"])
    service["search"] = _search_text(service, row, organization, terms, attribute_names)
    return compact(service)


def _search_text(
    service: dict, row: dict, organization: dict | None, terms: dict[str, dict], attribute_names: dict[str, str]
) -> str:
    parts = [service.get("org") or ""]
    parts += [terms[t]["name"] for t in service["categories"] if terms[t].get("name")]
    parts += [attribute_names[code] for code in service["attributes"] if code in attribute_names]
    parts.append(service.get("description") or "")
    # Someone reading Arabic may still type the English name they saw on a letter or a sign.
    for translated, source in ((service["name"], row.get("name")), (service.get("org"), (organization or {}).get("name"))):
        if source and source != translated:
            parts.append(source)
    return normalise(" ".join(parts))


def _location(snapshot: Snapshot, location: dict, local: Localiser) -> dict:
    addresses = snapshot.by_location["addresses"].get(location["id"], [])
    physical = [a for a in addresses if a.get("address_type") == "physical"] or addresses
    return compact(
        {
            "name": local.text("locations", location, "name", "locations"),
            "address": _address_line(physical[0]) if physical else None,
            **_point(location),
        }
    )


def _point(location: dict) -> dict:
    """lat and lon together, or neither: half a point (or the examples' latitude 100) is no place."""
    lat, lon = _coordinate(location.get("latitude"), 90), _coordinate(location.get("longitude"), 180)
    return {"lat": lat, "lon": lon} if lat is not None and lon is not None else {}


def _address_line(address: dict) -> str:
    parts = [address.get(k) for k in ("address_1", "address_2", "city", "postal_code")]
    return ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _coordinate(value: object, limit: int) -> float | int | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return _number(round(number, 6)) if -limit <= number <= limit else None


def _number(value: object) -> float | int | None:
    """A number both Python and JavaScript write the same way (see SAFE_INTEGER), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if abs(value) < 1e-4:
            return 0  # 11 m from the equator or meridian is on it; a price of 0.00001 is none
        if value.is_integer():
            value = int(value)
    return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else None


def _phones(snapshot: Snapshot, sid: str, sals: list[dict], location_ids: list[str], local: Localiser) -> list[dict]:
    rows = snapshot.by_service["phones"].get(sid, []) + [
        p for sal in sals for p in snapshot.by_sal["phones"].get(sal["id"], [])
    ]
    if not rows:  # the building's number is better than none
        rows = [p for lid in location_ids for p in snapshot.by_location["phones"].get(lid, [])]
    seen: set[str] = set()
    phones = []
    for p in rows:
        if p["id"] in seen or not str(p.get("number", "")).strip():
            continue
        seen.add(p["id"])
        phones.append(
            compact(
                {
                    "_id": p["id"],
                    "number": str(p["number"]).strip().strip('"').strip(),
                    "ext": str(p["extension"]) if p.get("extension") not in (None, "") else None,
                    "type": p.get("type"),
                    "description": local.text("phones", p, "description", "phones"),
                }
            )
        )
    return phones


def _integer(value: object) -> int | None:
    """HSDS numbers arrive as int or float; 1 means every week, so it is left out."""
    if value in (None, ""):
        return None
    number = int(float(value))
    return number if number > 1 else None


def _schedules(snapshot: Snapshot, sid: str, sals: list[dict], location_ids: list[str], local: Localiser) -> list[dict]:
    rows = snapshot.by_service["schedules"].get(sid, []) + [
        s for sal in sals for s in snapshot.by_sal["schedules"].get(sal["id"], [])
    ]
    if not rows:  # opening hours of the building, when the service gives none of its own
        rows = [s for lid in location_ids for s in snapshot.by_location["schedules"].get(lid, [])]
    seen: set[str] = set()
    result = []
    for s in rows:
        if s["id"] in seen:
            continue
        seen.add(s["id"])
        result.append(
            compact(
                {
                    "byday": s.get("byday"),
                    "opens_at": _hhmm(s.get("opens_at")),
                    "closes_at": _hhmm(s.get("closes_at")),
                    "description": local.text("schedules", s, "description", "schedules"),
                    "freq": s.get("freq"),
                    # Every-other-week and monthly rules need these to say "open now" right.
                    "interval": _integer(s.get("interval")),
                    "dtstart": s.get("dtstart"),
                    "until": s.get("until"),
                    "bymonthday": s.get("bymonthday"),
                    "valid_from": s.get("valid_from"),
                    "valid_to": s.get("valid_to"),
                }
            )
        )
    return [s for s in result if s]


def _hhmm(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:5] if len(text) >= 5 and text[2] == ":" else (text or None)


def _languages(snapshot: Snapshot, sid: str, location_ids: list[str], phone_ids: list[str]) -> list[dict]:
    rows = snapshot.by_service["languages"].get(sid, [])
    rows += [lang for lid in location_ids for lang in snapshot.by_location["languages"].get(lid, [])]
    rows += [lang for pid in phone_ids for lang in snapshot.languages_by_phone.get(pid, [])]
    seen: set[str] = set()
    result = []
    for lang in rows:
        key = (lang.get("code") or lang.get("name") or "").lower()
        if key and key not in seen:
            seen.add(key)
            # A code is enough: the phone names it in the reader's language (Intl.DisplayNames).
            result.append({"code": lang["code"]} if lang.get("code") else {"name": lang["name"]})
    return result


def _cost(cost: dict, local: Localiser) -> dict:
    return compact(
        {
            "option": local.text("cost_options", cost, "option", "costs"),
            "amount": _number(cost.get("amount")),
            "currency": cost.get("currency"),
            "description": local.text("cost_options", cost, "amount_description", "costs"),
        }
    )


def _without(item: dict, *keys: str) -> dict:
    return {k: v for k, v in item.items() if k not in keys}
