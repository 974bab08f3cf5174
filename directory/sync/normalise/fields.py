"""Single values: numbers, dates, and the HSDS fields that take one of a few words.

Every function here is pure and small; record.py decides which field gets which.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date, datetime

from directory.sync.normalise.context import Notes, shown

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,(?!\d{3}$)\d+$")  # "52,41"; "1,000" is ambiguous and refused


def to_number(value: object) -> int | float | None:
    """A finite number from a number or numeric text ("52,41" too); whole numbers as int."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        if not _NUMBER.match(text):
            return None
        value = float(text)
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else None  # SQLite holds no larger integer
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return None


def to_date(value: object, region: str = "") -> str | None:
    """YYYY-MM-DD from an ISO date or datetime, or from 15/03/2023 (03/15/2023 in the US)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", text)
    slashed = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
        if slashed:
            first, second, year = (int(g) for g in slashed.groups())
            month, day = (first, second) if region.upper() == "US" else (second, first)
            return date(year, month, day).isoformat()
    except ValueError:
        return None
    return None


def to_datetime(value: object) -> str | None:
    """An ISO 8601 date-time (or date) kept as written, or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return None
    return text if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None


def _vocabulary(**words: tuple[str, ...]) -> dict[str, str]:
    return {w: value.replace("_", " ") for value, ws in words.items() for w in (value.replace("_", " "), *ws)}


SERVICE_STATUS = _vocabulary(
    active=("open", "operational", "live", "available", "running", "current"),
    inactive=("closed", "not active", "not running", "unavailable"),
    defunct=("permanently closed", "closed permanently", "discontinued", "ended", "deleted", "ceased"),
    temporarily_closed=("temporarily unavailable", "temporary closure", "paused", "suspended", "on hold"),
)
LOCATION_TYPES = _vocabulary(
    physical=("in person", "building", "site", "venue", "visiting", "premises", "street"),
    postal=("mailing", "post", "correspondence"),
    virtual=("online", "remote", "web", "website", "internet", "telephone", "phone"),
)
ADDRESS_TYPES = _vocabulary(
    physical=("street", "visiting", "site", "location", "premises"),
    postal=("mailing", "post", "correspondence"),
    virtual=(),
)


def vocabulary_word(value: object, words: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s_-]+", " ", value.strip().casefold())
    return words.get(key)


def service_status(service: dict, notes: Notes, path: str) -> None:
    value = service.get("status")
    if value is None:
        service["status"] = "active"
        notes.warn(path, "no status; taken as active")
        return
    found = vocabulary_word(value, SERVICE_STATUS)
    if found is None:
        notes.refuse(
            path, f"status {shown(value)} is not one of active, inactive, defunct, temporarily closed"
        )
    else:
        service["status"] = found


def description_from_name(record: dict, notes: Notes, path: str) -> None:
    """HSDS requires a description of an organization or a program; a sheet often has only the name."""
    if not record.get("description") and record.get("name"):
        # The description is HTML, the name plain text: "<" in a name is a character, not markup.
        record["description"] = html.escape(str(record["name"]), quote=False)
        notes.warn(path, "no description; used its name")


def location_type(location: dict, has_addresses: bool, notes: Notes, path: str) -> None:
    value = location.get("location_type")
    found = vocabulary_word(value, LOCATION_TYPES)
    if found:
        location["location_type"] = found
        return
    guess = (
        "virtual" if location.get("url") and not has_addresses and "latitude" not in location else "physical"
    )
    location["location_type"] = guess
    if value is None:
        notes.warn(path, f"no location_type; taken as {guess}")
    else:
        notes.warn(path, f"location_type {shown(value)} is not physical, postal or virtual; taken as {guess}")


COUNTRIES = {
    "united kingdom": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "gbr": "GB",
    "ireland": "IE",
    "republic of ireland": "IE",
    "irl": "IE",
    "france": "FR",
    "fra": "FR",
    "germany": "DE",
    "deutschland": "DE",
    "deu": "DE",
    "spain": "ES",
    "españa": "ES",
    "esp": "ES",
    "italy": "IT",
    "italia": "IT",
    "ita": "IT",
    "portugal": "PT",
    "prt": "PT",
    "netherlands": "NL",
    "the netherlands": "NL",
    "nld": "NL",
    "belgium": "BE",
    "belgique": "BE",
    "bel": "BE",
    "switzerland": "CH",
    "austria": "AT",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "poland": "PL",
    "polska": "PL",
    "greece": "GR",
    "turkey": "TR",
    "türkiye": "TR",
    "ukraine": "UA",
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u.s.a.": "US",
    "us": "US",
    "canada": "CA",
    "can": "CA",
    "australia": "AU",
    "aus": "AU",
    "new zealand": "NZ",
    "nzl": "NZ",
}


def address_fields(address: dict, region: str, location_kind: str | None, notes: Notes, path: str) -> None:
    country = address.get("country")
    if country is None:
        if region:
            address["country"] = region.upper()
            notes.warn(path, f"no country; taken as {region.upper()}")
    else:
        key = str(country).strip().casefold()
        if key in COUNTRIES:
            address["country"] = COUNTRIES[key]
        elif re.fullmatch(r"[a-z]{2}", key):
            address["country"] = key.upper()
        else:
            notes.warn(path, f"country {shown(country)} is not an ISO 3166 code; kept as sent")
    kind = address.get("address_type")
    found = vocabulary_word(kind, ADDRESS_TYPES)
    if found:
        address["address_type"] = found
        return
    guess = location_kind if location_kind in ("physical", "postal") else "physical"
    address["address_type"] = guess
    if kind is None:
        notes.warn(path, f"no address_type; taken as {guess}")
    else:
        notes.warn(path, f"address_type {shown(kind)} is not physical, postal or virtual; taken as {guess}")
