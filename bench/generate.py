"""Generated HSDS directories of any size, for benchmarks (plausible shape, fixed seed)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from directory.ids import derived_id

DEMO_SERVICES = Path(__file__).resolve().parent.parent / "data" / "demo" / "services.json"
# In a feed of the demo city's neighbours, of every 10 services: one lists a demo service again
# (its name, phone, postcode and organisation), one is another service in a demo building (its
# postcode), one shares a demo service's phone (a venue's switchboard). The rest only share what
# any generated service may (numbers in the same range), as a real second source of a city would.
RELISTED, SAME_BUILDING, SAME_PHONE = 3, 6, 8

KINDS = [
    ("Drop-in GP clinic", "health"),
    ("Counselling in your language", "psychosocial"),
    ("Asylum and immigration advice", "legal"),
    ("CV and job search workshop", "employment"),
    ("Emergency night shelter", "housing"),
    ("Community food pantry", "food"),
    ("English conversation class", "education"),
    ("Help with registration documents", "documents"),
    ("Parent and toddler group", "family"),
    ("Women's peer support circle", "community"),
]
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street", "Park Avenue", "Queen Street"]
LANGUAGES = [("English", "en"), ("Arabic", "ar"), ("Dari", "prs"), ("Ukrainian", "uk"), ("Tigrinya", "ti")]
DAYS = ["MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA", "MO,TU,WE,TH,FR,SA"]


def taxonomy_terms() -> list[dict]:
    taxonomy = {"id": derived_id("bench", "taxonomy"), "name": "Bench categories", "description": "For benchmarks"}
    return [
        {"id": derived_id("bench", "term", code), "name": code.title(), "description": code, "code": code,
         "taxonomy_id": taxonomy["id"], "taxonomy_detail": taxonomy}
        for _, code in KINDS
    ]


def generate_services(count: int, seed: int = 7, neighbours: bool = False) -> Iterator[dict]:
    for n in range(count):
        yield generate_one(n, seed, neighbours)


def generate_one(n: int, seed: int = 7, neighbours: bool = False) -> dict:
    """Service number n: the same every time, so a feed server can build any page on demand.

    `neighbours`: some services overlap the demo city's (see RELISTED), so a sync into it has
    duplicates to find."""
    service = _generate_one(n, seed)
    if neighbours and n % 10 in (RELISTED, SAME_BUILDING, SAME_PHONE):
        _borrow_from_demo(service, n)
    return service


def _borrow_from_demo(service: dict, n: int) -> None:
    demo = _demo_services()
    model = demo[(n // 10) % len(demo)]
    if n % 10 in (RELISTED, SAME_BUILDING):
        # A location of its own: the generated one is shared with a sibling service that stays put.
        location = service["service_at_locations"][0]["location"]
        location["id"] = derived_id("bench", "location", "demo", str(n))
        location["addresses"][0]["id"] = derived_id("bench", "address", "demo", str(n))
        location["addresses"][0]["postal_code"] = model["postcode"]
    if n % 10 in (RELISTED, SAME_PHONE):
        service["phones"][0]["number"] = model["phone"]
    if n % 10 == RELISTED:
        service["name"] = model["name"]
        # The demo's organisation, under one id of the feed's own for all its services.
        service["organization"] = {"id": derived_id("bench", "org", "demo", model["organization"]),
                                   "name": model["organization"], "description": "Listed in the city's directory too."}


@cache
def _demo_services() -> list[dict]:
    """Name, organisation, first phone and first postcode of each demo service that has them."""
    found = []
    for record in json.loads(DEMO_SERVICES.read_text(encoding="utf-8")):
        phones = [p["number"] for p in record.get("phones") or [] if p.get("number")]
        codes = [a["postal_code"] for link in record.get("service_at_locations") or []
                 for a in (link.get("location") or {}).get("addresses") or [] if a.get("postal_code")]
        if phones and codes:
            found.append({"name": record["name"], "organization": (record.get("organization") or {}).get("name"),
                          "phone": phones[0], "postcode": codes[0]})
    return found


def _generate_one(n: int, seed: int) -> dict:
    rng = random.Random(seed * 1_000_003 + n)
    terms = _TERMS
    kind, code = KINDS[n % len(KINDS)]
    org_n = n // 4
    org_id = derived_id("bench", "org", str(org_n))
    service_id = derived_id("bench", "service", str(n))
    location_id = derived_id("bench", "location", str(n // 2))
    term = terms[n % len(terms)]
    hours = rng.choice([("09:00", "17:00"), ("10:00", "14:00"), ("13:00", "19:00")])
    # Two services share each location: it must read the same in both, as in a real feed.
    place = random.Random(seed * 1_000_003 + 7_919 * (n // 2) + 1)
    m = n // 2 * 2
    return {
        "id": service_id,
        "name": f"{kind} — {STREETS[n % len(STREETS)]} {n}",
        "description": f"{kind} run by neighbourhood volunteers and staff. Interpreters on request; no appointment.",
        "status": "active",
        "email": f"contact{org_n}@example.org",
        "eligibility_description": "For anyone living in the city, whatever their immigration status.",
        "assured_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "organization": {
            "id": org_id,
            "name": f"Neighbourhood Association {org_n}",
            "description": "A community association run by and for local residents.",
        },
        "phones": [{"id": derived_id("bench", "phone", str(n)), "number": f"+44 1632 {960000 + n % 1000}"}],
        "schedules": [
            {"id": derived_id("bench", "schedule", str(n)), "freq": "WEEKLY", "byday": rng.choice(DAYS),
             "opens_at": hours[0], "closes_at": hours[1]}
        ],
        "languages": [
            {"id": derived_id("bench", "language", str(n), code_), "name": name, "code": code_}
            for name, code_ in rng.sample(LANGUAGES, 2)
        ],
        "cost_options": [{"id": derived_id("bench", "cost", str(n)), "option": "Free", "amount": 0}],
        "service_at_locations": [
            {
                "id": derived_id("bench", "sal", str(n)),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": f"Community hub {n // 2}",
                    "latitude": round(52.6 + place.random() / 10, 6),
                    "longitude": round(-1.2 + place.random() / 10, 6),
                    "addresses": [
                        {"id": derived_id("bench", "address", str(n // 2)), "address_1": f"{m % 200 + 1} {STREETS[m % 7]}",
                         "city": "Kingsmere", "state_province": "Kingsmereshire", "postal_code": f"KM{m % 9 + 1} 4AB",
                         "country": "GB", "address_type": "physical"}
                    ],
                },
            }
        ],
        "attributes": [
            {"id": derived_id("bench", "attribute", str(n)), "taxonomy_term_id": term["id"],
             "link_type": "category", "taxonomy_term": term}
        ],
    }


_TERMS = taxonomy_terms()
