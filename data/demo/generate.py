"""Generate the Kingsmere demo directory: data/demo/services.json and translations.json.

Run from the repository root:

    PYTHONPATH=/path/to/repo python data/demo/generate.py

The service tables (services_*.py) hold the hand-written text; this script turns them
into full HSDS 3.0 service records with stable UUIDv5 ids, validates every record
against the HSDS compiled service schema and writes the two JSON files.  The output is
the same on every run: randomness comes from a fixed seed, dates from a fixed AS_OF.
"""

from __future__ import annotations

import importlib
import json
import random
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import kingsmere as K  # noqa: E402
import phrases as P  # noqa: E402
import places  # noqa: E402
from hours import schedule_records  # noqa: E402
from spec import SERVICES, Spec  # noqa: E402

from directory.ids import derived_id, term_id  # noqa: E402

# The service tables; each registers its services with spec.svc() when imported.
TABLES = [
    "services_health_clinics", "services_health_access",
    "services_psychosocial", "services_wellbeing_circles",
    "services_legal", "services_legal_outreach",
    "services_skills_recruitment", "services_jobs_training",
    "services_housing", "services_food", "services_documents", "services_education",
    "services_family", "services_community",
]
for _table in TABLES:
    importlib.import_module(_table)

SEED = 20240611
AS_OF = date(2026, 11, 20)  # "today" for the demo; assured dates reach ~20 months back
SCHEMA = REPO.parent / "shared" / "hsds-3.0" / "schema" / "compiled" / "service_with_definitions.json"
TAXONOMY = REPO / "data" / "taxonomy.json"


def did(*parts: str) -> str:
    """A stable demo id, e.g. did("service", slug)."""
    return derived_id("demo", *parts)


# --- organisations ------------------------------------------------------------------

def build_org(key: str, phone: str) -> dict:
    name, kind, where, year, legal, parent, desc = K.ORGS[key]
    domain, _, path = where.partition("/")
    website = f"https://{domain}/{path}" if path else f"https://{domain}"
    local = {"council": path.split("/")[0] or "contact", "gp": "reception", "nhs": "enquiries",
             "pharmacy": "pharmacy", "diaspora": "info", "faith": "office"}.get(kind, "hello")
    org = {
        "id": did("organization", key), "name": name, "description": desc,
        "email": f"{local}@{domain}", "website": website, "year_incorporated": year,
        "legal_status": legal,
        "phones": [{"id": did("phone", "org", key), "organization_id": did("organization", key),
                    "number": phone, "type": "voice", "description": "Main number."}],
    }
    if parent:
        org["parent_organization_id"] = did("organization", parent)
    return org


# --- descriptions -------------------------------------------------------------------

def compose_description(spec: Spec, rng: random.Random) -> list[tuple]:
    """The spec's own sentences, plus sentences that spell out its key attributes."""
    sentences = list(spec.desc)
    others = [c for c in spec.langs if c != "en"]
    candidates: list[str] = []
    for attr in P.ATTRIBUTE_PRIORITY:
        if attr == "interpreters" and others and "langs" not in spec.said:
            candidates.append("langs")
        if attr in spec.attrs and attr not in spec.said and attr in P.ATTRIBUTE_SENTENCES:
            candidates.append(attr)
    if spec.extra is not None:
        room = spec.extra
    elif len(sentences) >= 3:
        room = 1 if rng.random() < 0.4 else 0
    elif len(sentences) == 2:
        room = 2 if rng.random() < 0.3 else 1
    else:
        room = 2 if rng.random() < 0.5 else 1
    room = max(0, min(room, 4 - len(sentences)))
    for attr in candidates[:room]:
        if attr == "langs":
            sentences.append(P.languages_sentence(others + ["en"] if "en" in spec.langs else others))
        else:
            sentences.append(rng.choice(P.ATTRIBUTE_SENTENCES[attr]))
    if len(sentences) < 2:
        raise ValueError(f"{spec.slug}: a description needs at least two sentences")
    return sentences


def join(sentences: list[tuple], i: int) -> str:
    return " ".join(s[i] for s in sentences)


# --- a whole service ----------------------------------------------------------------

def build_service(spec: Spec, ctx: dict) -> tuple[dict, list[tuple]]:
    rng = random.Random(f"{SEED}:service:{spec.slug}")
    sid = did("service", spec.slug)
    org = ctx["orgs"][spec.org]
    sentences = compose_description(spec, rng)

    assured = AS_OF - timedelta(days=rng.randint(3, 600))
    modified = datetime.combine(assured + timedelta(days=rng.randint(0, 25)), datetime.min.time(),
                                tzinfo=UTC) + timedelta(hours=rng.randint(8, 17), minutes=rng.randrange(0, 60, 5))
    modified = min(modified, datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC))

    rec: dict = {"id": sid, "organization_id": org["id"], "name": spec.name[0]}
    if spec.alt:
        rec["alternate_name"] = spec.alt
    rec["description"] = join(sentences, 0)
    rec["url"] = spec.url or f"{org['website'].rstrip('/')}/{spec.slug.split('-', 1)[-1]}"
    if spec.email or rng.random() < 0.45:
        rec["email"] = spec.email or org["email"]
    rec["status"] = spec.status
    open_access = "no-status-check" in spec.attrs
    rec["eligibility_description"] = spec.elig or rng.choice(P.ELIGIBILITY_OPEN if open_access else P.ELIGIBILITY_GENERAL)
    if spec.apply:
        rec["application_process"] = spec.apply
    elif "walk-in" in spec.attrs:
        rec["application_process"] = rng.choice(P.APPLY_WALK_IN)
    elif "appointment-needed" in spec.attrs:
        rec["application_process"] = rng.choice(P.APPLY_APPOINTMENT)
    elif "remote" in spec.attrs:
        rec["application_process"] = rng.choice(P.APPLY_REMOTE)
    else:
        rec["application_process"] = rng.choice(P.APPLY_DEFAULT)
    if spec.fees:
        rec["fees_description"] = spec.fees
    elif "free" in spec.attrs:
        rec["fees_description"] = rng.choice(P.FEES_FREE)
    else:
        raise SystemExit(f"{spec.slug}: say what it costs (fees=...) or mark it free")
    if spec.interp:
        rec["interpretation_services"] = spec.interp
    elif "interpreters" in spec.attrs:
        rec["interpretation_services"] = rng.choice(P.INTERPRETING)
    if spec.accreditations:
        rec["accreditations"] = spec.accreditations
    if spec.min_age is not None:
        rec["minimum_age"] = spec.min_age
    if spec.max_age is not None:
        rec["maximum_age"] = spec.max_age
    rec["assured_date"] = assured.isoformat()
    if spec.alert:
        rec["alert"] = spec.alert
    rec["last_modified"] = modified.strftime("%Y-%m-%dT%H:%M:%SZ")

    # languages the service speaks
    langs = [{"id": did("language", spec.slug, code), "service_id": sid,
              "name": P.LANGUAGE_NAMES[code][0], "code": code} for code in spec.langs]

    # phones
    phones = []
    number = ctx["org_phone"][spec.org] if spec.phone == "org" else (
        ctx["phones"].take("landline") if spec.phone == "own" else
        ctx["phones"].take(spec.phone) if spec.phone in ("mobile", "freephone") else spec.phone)
    desc = spec.phone_desc or ("Main number, answered during opening hours." if spec.phone == "org"
                               else "Direct line for this service.")
    phone = {"id": did("phone", spec.slug, "0"), "service_id": sid, "number": number,
             "type": "cell" if number.startswith("+44 7700") else "voice", "description": desc}
    if "interpreters" in spec.attrs:
        phone["languages"] = [{"id": did("language", spec.slug, "phone", code), "name": P.LANGUAGE_NAMES[code][0],
                               "code": code, "note": "Spoken by staff on this line" if code != "en"
                               else "Ask for a telephone interpreter in any other language"}
                              for code in spec.langs]
    phones.append(phone)
    if spec.phone2:
        kind, text = spec.phone2
        number2 = ctx["phones"].take(kind) if kind in ("landline", "mobile", "freephone") else kind
        phones.append({"id": did("phone", spec.slug, "1"), "service_id": sid, "number": number2,
                       "type": "text" if "text" in text.lower() and "call" not in text.lower() else
                       ("cell" if number2.startswith("+44 7700") else "voice"), "description": text})

    # locations
    sals = []
    for key in spec.at:
        loc = ctx["locations"][key]
        sals.append({"id": did("service_at_location", spec.slug, key), "service_id": sid,
                     "location_id": loc["id"], "location": loc})

    # money
    if spec.cost is not None:
        costs = [{"id": did("cost", spec.slug, str(n)), "service_id": sid, "option": opt, "amount": amt,
                  "currency": K.CURRENCY, **({"amount_description": d} if d else {})}
                 for n, (opt, amt, d) in enumerate(spec.cost)]
    elif "free" in spec.attrs:
        costs = [{"id": did("cost", spec.slug, "0"), "service_id": sid, "option": "Free",
                  "amount": 0, "currency": K.CURRENCY}]
    else:
        costs = []

    docs = []
    for n, d in enumerate(spec.docs):
        text, uri = (d, None) if isinstance(d, str) else d
        docs.append({"id": did("document", spec.slug, str(n)), "service_id": sid, "document": text,
                     **({"uri": uri} if uri else {})})

    areas = [{"id": did("area", spec.slug, str(n)), "service_id": sid, "name": a,
              "description": places.AREA_DESCRIPTIONS.get(a, a)} for n, a in enumerate(spec.areas or ["Kingsmere"])]

    contacts = [{"id": did("contact", spec.slug, str(n)), "service_id": sid, "name": name, "title": title,
                 **({"email": email} if email else {})}
                for n, (name, title, email) in enumerate(spec.contacts or K.CONTACTS.get(spec.slug, []))]

    attributes = []
    for code in spec.cats:
        attributes.append({"id": did("attribute", spec.slug, code), "link_id": sid, "link_entity": "service",
                           "link_type": "category", "taxonomy_term_id": term_id(code)})
    for code in spec.attrs:
        attributes.append({"id": did("attribute", spec.slug, code), "link_id": sid, "link_entity": "service",
                           "link_type": "attribute", "taxonomy_term_id": term_id(code)})

    rec.update({
        "phones": phones,
        "schedules": schedule_records(spec, sid, did),
        "service_areas": areas,
        "service_at_locations": sals,
        "languages": langs,
        "organization": org,
        "cost_options": costs,
        "required_documents": docs,
        "contacts": contacts,
        "attributes": attributes,
    })
    return rec, sentences


# --- checks -------------------------------------------------------------------------

def check_taxonomy(specs: list[Spec]) -> dict[str, dict]:
    tax = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    terms = {t["code"]: t for t in tax["terms"]}
    for spec in specs:
        if not 1 <= len(spec.cats) <= 2:
            raise SystemExit(f"{spec.slug}: needs one or two categories")
        if not 2 <= len(spec.attrs) <= 5:
            raise SystemExit(f"{spec.slug}: needs two to five attributes, has {spec.attrs}")
        for code in spec.cats:
            if terms.get(code, {}).get("kind") != "category":
                raise SystemExit(f"{spec.slug}: {code!r} is not a category")
        for code in spec.attrs:
            if terms.get(code, {}).get("kind") != "attribute":
                raise SystemExit(f"{spec.slug}: {code!r} is not an attribute")
        clash = {"walk-in", "appointment-needed"} <= set(spec.attrs)
        if clash or ("free" in spec.attrs and spec.cost and any(a for _, a, _ in spec.cost)):
            raise SystemExit(f"{spec.slug}: contradictory attributes")
        if "no-id-needed" in spec.attrs and spec.docs:
            raise SystemExit(f"{spec.slug}: no-id-needed but lists required documents")
        if "wheelchair-access" in spec.attrs and not all(K.VENUES[v][4] for v in spec.at):
            raise SystemExit(f"{spec.slug}: wheelchair-access but a venue has steps")
        for code in spec.langs:
            if code not in P.LANGUAGE_NAMES:
                raise SystemExit(f"{spec.slug}: unknown language {code}")
    return terms


def validator():
    try:
        import jsonschema
    except ImportError:
        raise SystemExit("jsonschema is needed: pip install jsonschema (in a scratch venv is fine)") from None
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def top_of(code: str, terms: dict) -> str:
    while terms[code]["parent"]:
        code = terms[code]["parent"]
    return code


def main() -> None:
    specs = SERVICES
    slugs = Counter(s.slug for s in specs)
    if dupes := [s for s, n in slugs.items() if n > 1]:
        raise SystemExit(f"duplicate slugs: {dupes}")
    terms = check_taxonomy(specs)

    rng = random.Random(SEED)
    phones = places.Phones(rng)
    for spec in specs:
        for number in (spec.phone, spec.phone2[0] if spec.phone2 else ""):
            if number.startswith("+44"):
                phones.reserve(number)
    used_orgs = sorted({s.org for s in specs} | {K.ORGS[s.org][5] for s in specs if K.ORGS[s.org][5]})
    org_phone = {key: phones.take("landline") for key in used_orgs}
    orgs = {key: build_org(key, org_phone[key]) for key in used_orgs}

    owners: dict[str, str] = dict(places.VENUE_OWNERS)
    for s in specs:
        for v in s.at:
            if v not in K.VENUES:
                raise SystemExit(f"{s.slug}: unknown venue {v}")
            owners.setdefault(v, s.org)
    for o in owners.values():
        if o not in orgs:
            orgs[o] = build_org(o, org_phone.setdefault(o, phones.take("landline")))
    locations = {v: places.build_location(v, orgs[owners[v]]["id"], did, SEED) for v in owners if any(v in s.at for s in specs)}
    ctx = {"orgs": orgs, "org_phone": org_phone, "phones": phones, "locations": locations}

    check = validator()
    services, translations = [], []
    for spec in specs:
        rec, sentences = build_service(spec, ctx)
        errors = sorted(check.iter_errors(rec), key=lambda e: list(e.absolute_path))
        if errors:
            for e in errors[:10]:
                print(f"INVALID {spec.slug}: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
            raise SystemExit(f"{spec.slug} is not a valid HSDS 3.0 service")
        services.append(rec)
        for i, lang in enumerate(P.LANGS):
            if lang == "en":
                continue
            translations.append({"table": "services", "id": rec["id"], "field": "name",
                                 "language": lang, "text": spec.name[i]})
            translations.append({"table": "services", "id": rec["id"], "field": "description",
                                 "language": lang, "text": join(sentences, i)})

    unused = sorted(set(K.VENUES) - set(locations))
    if unused:
        print(f"note: {len(unused)} venues not used: {', '.join(unused)}", file=sys.stderr)

    out = HERE / "services.json"
    out.write_text(json.dumps(services, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    (HERE / "translations.json").write_text(
        json.dumps(translations, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")

    # Parents and building owners that run no service of their own still belong in the
    # directory: written as HSDS tabular JSON, imported before the services.
    service_orgs = {s.org for s in specs}
    standalone = [orgs[key] for key in sorted(orgs) if key not in service_orgs]
    tabular = {
        "organizations": [{k: v for k, v in org.items() if k != "phones"} for org in standalone],
        "phones": [phone for org in standalone for phone in org["phones"]],
    }
    (HERE / "organizations.json").write_text(
        json.dumps(tabular, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")

    # report
    per_top = Counter()
    per_primary = Counter()
    for s in specs:
        for top in {top_of(c, terms) for c in s.cats}:
            per_top[top] += 1
        per_primary[top_of(s.cats[0], terms)] += 1
    print(f"services: {len(services)}")
    print(f"organizations providing services: {len(service_orgs)} (nested incl. parents/venue owners: {len(orgs)})")
    print(f"distinct locations: {len(locations)}")
    print("services per top category (any category / primary category):")
    for code in [t for t in terms if terms[t]["parent"] is None and terms[t]["kind"] == "category"]:
        print(f"  {code:15} {per_top[code]:4} / {per_primary[code]}")
    print("translations per language:", dict(Counter(t["language"] for t in translations)))
    print("statuses:", dict(Counter(s.status for s in specs)))
    attr_count = Counter(a for s in specs for a in s.attrs)
    print("attributes:", dict(sorted(attr_count.items())))


if __name__ == "__main__":
    main()
