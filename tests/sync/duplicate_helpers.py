"""Listings for duplicate-detection tests: a service as a feed sends it, with fresh ids."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def feed_record(
    name: str, *, phone: str, postcode: str, email: str | None = None, url: str | None = None
) -> dict:
    """A nested HSDS 3.0 service, as a feed sends it, with its organisation and one location."""
    service_id, location_id = new_id(), new_id()
    record = {
        "id": service_id,
        "name": name,
        "status": "active",
        "organization": {"id": new_id(), "name": "Kingsmere Law Centre", "description": "Free legal advice."},
        "phones": [{"id": new_id(), "number": phone}],
        "service_at_locations": [
            {
                "id": new_id(),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": "Kingsmere Law Centre, Regent Street",
                    "addresses": [
                        {
                            "id": new_id(),
                            "address_1": "12 Regent Street",
                            "city": "Kingsmere",
                            "state_province": "Kingsmereshire",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }
    if email:
        record["email"] = email
    if url:
        record["url"] = url
    return record
