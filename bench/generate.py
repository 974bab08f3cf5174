"""Generated HSDS directories of any size, for benchmarks (plausible shape, fixed seed)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from directory.ids import derived_id

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


def generate_services(count: int, seed: int = 7) -> Iterator[dict]:
    for n in range(count):
        yield generate_one(n, seed)


def generate_one(n: int, seed: int = 7) -> dict:
    """Service number n: the same every time, so a feed server can build any page on demand."""
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
