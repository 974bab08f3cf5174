"""Small feeds for sync tests: plausible HSDS services with the source's own (non-UUID) ids."""

from __future__ import annotations

import copy

from tests.sync.feed_server import json_body

STREETS = ["Mill Road", "Station Road", "Church Lane", "High Street", "Queen Street", "Park Avenue"]


def service(n: int, **changes) -> dict:
    record = {
        "id": f"svc-{n}",
        "name": f"Advice drop-in number {n} at {STREETS[n % len(STREETS)]}",
        "description": "Free, confidential advice on housing, benefits and immigration questions.",
        "status": "active",
        "email": f"advice{n}@riverside-ngo.example",
        "organization": {"id": f"org-{n % 3}", "name": f"Riverside Advice Network {n % 3}",
                         "description": "A network of volunteer advisers."},
        "phones": [{"id": f"ph-{n}", "number": f"01632 96{n:04d}"}],
        "languages": [{"id": f"lang-{n}", "name": "Arabic"}],
        "schedules": [{"id": f"sch-{n}", "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "13:00"}],
    }
    record.update(changes)
    return record


def page(records: list[dict], number: int = 1, total_pages: int = 1, last: bool = True) -> dict:
    return {"total_items": len(records), "total_pages": total_pages, "page_number": number, "size": len(records),
            "first_page": number == 1, "last_page": last, "empty": not records, "contents": copy.deepcopy(records)}


def serve_services(server, records: list[dict]) -> str:
    """Serve `records` as one HSDS page at /services; returns the feed URL."""
    server.route("/services", json_body(page(records)))
    return server.url + "/services"
