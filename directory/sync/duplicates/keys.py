"""Blocking keys: the contact details two listings of one service are likely to share.

Two listings are only ever compared when they share at least one key (a phone
number, an e-mail address, a website domain or a postcode), so a feed of a few
thousand services never means millions of name comparisons. The same functions
normalise a nested record and rows read back from directory.db, so both sides
always agree on what a key looks like.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

import phonenumbers

# Numbers too short to tell services apart: 111, 999, 116 123 and other short codes.
MIN_PHONE_DIGITS = 7

EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*\d+\s*$", re.IGNORECASE)

# Hosts that many unrelated organisations share: a page there says nothing about who
# runs a service. Subdomains count too (m.facebook.com, uk.linkedin.com).
SHARED_HOSTS = frozenset(
    {
        "facebook.com",
        "fb.com",
        "fb.me",
        "instagram.com",
        "twitter.com",
        "x.com",
        "tiktok.com",
        "youtube.com",
        "youtu.be",
        "linkedin.com",
        "linktr.ee",
        "wa.me",
        "whatsapp.com",
        "t.me",
        "bit.ly",
        "tinyurl.com",
        "goo.gl",
        "forms.gle",
        "google.com",
        "eventbrite.com",
        "eventbrite.co.uk",
        "meetup.com",
        "justgiving.com",
        "gofundme.com",
        "wordpress.com",
        "blogspot.com",
        "wixsite.com",
        "squarespace.com",
        "weebly.com",
        "sites.google.com",
    }
)
# Umbrella hosts that are shared when used bare but whose subdomains each belong to one
# body: www.nhs.uk lists every GP in England, kingsmerehealth.nhs.uk is one trust.
SHARED_EXACT_HOSTS = frozenset({"nhs.uk", "gov.uk", "org.uk", "ac.uk", "police.uk", "nhs.net"})
# Second-level suffixes under which each registered name is one body (kingsmere.gov.uk).
SECOND_LEVEL_SUFFIXES = frozenset(
    {
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "nhs.uk",
        "police.uk",
        "sch.uk",
        "ltd.uk",
        "plc.uk",
        "me.uk",
        "net.uk",
        "com.au",
        "org.au",
        "gov.au",
        "co.nz",
        "org.nz",
        "co.za",
        "org.za",
        "com.br",
        "org.br",
        "co.in",
        "org.in",
        "co.jp",
        "com.tr",
        "gov.ie",
        "com.mx",
        "org.mx",
    }
)
# Free mail providers: the address is someone's, its domain is everyone's.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "aol.co.uk",
        "btinternet.com",
        "protonmail.com",
        "proton.me",
        "mail.com",
        "gmx.com",
        "gmx.co.uk",
        "virginmedia.com",
        "sky.com",
        "talktalk.net",
        "nhs.net",
    }
)


@dataclass(frozen=True)
class Keys:
    """Normalised contact details of one listing; every field is a set of strings."""

    phones: frozenset[str] = frozenset()  # E.164 digits, no "+": "441632960579"
    emails: frozenset[str] = frozenset()  # lowercased addresses
    domains: frozenset[str] = frozenset()  # registrable domains of sites and e-mails
    postcodes: frozenset[str] = frozenset()  # "KM13SX"
    pages: frozenset[str] = frozenset()  # deep links, "kingsmerehealth.example/drop-in-gp"

    # The kinds that block; a shared page always implies a shared domain.
    BLOCKING = ("phones", "emails", "domains", "postcodes")

    def shared(self, other: Keys) -> dict[str, frozenset[str]]:
        """Each kind of key both listings carry, with the values they share."""
        result = {}
        for kind in fields(self):
            common = getattr(self, kind.name) & getattr(other, kind.name)
            if common:
                result[kind.name] = common
        return result

    def shares_blocking_key(self, other: Keys) -> bool:
        return any(getattr(self, kind) & getattr(other, kind) for kind in self.BLOCKING)

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in self.BLOCKING)


def normalise_phone(number: object, region: str = "GB") -> str | None:
    """E.164 digits without the "+", or None for short codes and things that are not numbers.

    Feeds send E.164 already; rows typed by staff may hold "+44 1632 960579" or
    "01632 960579", which `region` (the instance's country) resolves.
    """
    if not isinstance(number, str | int):
        return None
    text = EXTENSION.sub("", str(number).strip().strip('"').strip()).replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    if text.startswith("+"):
        return digits
    if text.startswith("00"):
        return digits[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def normalise_email(address: object) -> str | None:
    if not isinstance(address, str):
        return None
    address = address.strip().strip("<>").removeprefix("mailto:").strip().lower()
    if address.count("@") != 1 or not address.split("@")[1] or not address.split("@")[0]:
        return None
    return address


def _host(url: str) -> tuple[str, str] | None:
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    host = unicodedata.normalize("NFKC", host).removeprefix("www.")
    if "." not in host:
        return None
    return host, parts.path


def _is_shared_host(host: str) -> bool:
    if host in SHARED_EXACT_HOSTS:
        return True
    labels = host.split(".")
    return any(".".join(labels[i:]) in SHARED_HOSTS for i in range(len(labels) - 1))


def registrable_domain(host: str) -> str:
    """The name an organisation registers: "law-clinic.kingsmere-uni.example" → "kingsmere-uni.example",
    "www.kingsmerehealth.nhs.uk" → "kingsmerehealth.nhs.uk" (a short list of second-level suffixes,
    not the full public suffix list)."""
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def domain_of_url(url: object) -> str | None:
    """The website's registrable domain, lowercased; None for shared hosts (facebook.com, www.nhs.uk…)."""
    if not isinstance(url, str):
        return None
    found = _host(url)
    if found is None or _is_shared_host(found[0]):
        return None
    domain = registrable_domain(found[0])
    return None if _is_shared_host(domain) else domain


def page_of_url(url: object) -> str | None:
    """host/path of a deep link (not a home page), for an exact-page comparison."""
    if not isinstance(url, str):
        return None
    found = _host(url)
    if found is None:
        return None
    host, path = found
    path = path.rstrip("/")
    if not path:
        return None
    return f"{host}{path.lower()}"


def domain_of_email(address: object) -> str | None:
    email = normalise_email(address)
    if email is None:
        return None
    host = email.split("@")[1]
    domain = registrable_domain(host)
    if (
        host in FREE_MAIL_DOMAINS
        or domain in FREE_MAIL_DOMAINS
        or _is_shared_host(host)
        or _is_shared_host(domain)
    ):
        return None
    return domain


def normalise_postcode(postcode: object) -> str | None:
    """Uppercase, no spaces or punctuation: "km1 3sx" → "KM13SX"; None when too short to mean a place."""
    if not isinstance(postcode, str | int):
        return None
    code = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", str(postcode)).upper())
    return code if len(code) >= 3 else None


@dataclass
class KeyBuilder:
    """Collects raw values from wherever they sit in a record or the database."""

    region: str = "GB"
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)

    def phone(self, number: object) -> None:
        if (value := normalise_phone(number, self.region)) is not None:
            self.phones.add(value)

    def email(self, address: object) -> None:
        if (value := normalise_email(address)) is not None:
            self.emails.add(value)
        if (domain := domain_of_email(address)) is not None:
            self.domains.add(domain)

    def website(self, url: object) -> None:
        if (domain := domain_of_url(url)) is not None:
            self.domains.add(domain)
            if (page := page_of_url(url)) is not None:
                self.pages.add(page)

    def postcode(self, code: object) -> None:
        if (value := normalise_postcode(code)) is not None:
            self.postcodes.add(value)

    def build(self) -> Keys:
        return Keys(
            frozenset(self.phones),
            frozenset(self.emails),
            frozenset(self.domains),
            frozenset(self.postcodes),
            frozenset(self.pages),
        )


def _dicts(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def keys_from_record(record: dict, region: str = "GB") -> Keys:
    """Keys of a nested HSDS 3.0 service: its own details, its locations' and its organization's."""
    keys = KeyBuilder(region)
    keys.email(record.get("email"))
    keys.website(record.get("url"))
    for phone in _dicts(record.get("phones")):
        keys.phone(phone.get("number"))
    organization = record.get("organization")
    if isinstance(organization, dict):
        keys.email(organization.get("email"))
        keys.website(organization.get("website"))
        for phone in _dicts(organization.get("phones")):
            keys.phone(phone.get("number"))
    for link in _dicts(record.get("service_at_locations")):
        for phone in _dicts(link.get("phones")):
            keys.phone(phone.get("number"))
        location = link.get("location")
        if isinstance(location, dict):
            for phone in _dicts(location.get("phones")):
                keys.phone(phone.get("number"))
            for address in _dicts(location.get("addresses")):
                keys.postcode(address.get("postal_code"))
    return keys.build()


def keys_from_db(db, service_id: str, region: str = "GB") -> Keys:
    """The same keys for a service already in directory.db (read-only queries)."""
    keys = KeyBuilder(region)
    row = db.execute(
        "SELECT s.email, s.url, o.email, o.website FROM services s"
        " LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id = ?",
        [service_id],
    ).fetchone()
    if row is None:
        return Keys()
    keys.email(row[0])
    keys.website(row[1])
    keys.email(row[2])
    keys.website(row[3])
    for (number,) in db.execute(
        "SELECT p.number FROM phones p WHERE p.service_id = :id"
        " OR p.organization_id = (SELECT organization_id FROM services WHERE id = :id)"
        " OR p.service_at_location_id IN (SELECT id FROM service_at_location WHERE service_id = :id)"
        " OR p.location_id IN (SELECT location_id FROM service_at_location WHERE service_id = :id)",
        {"id": service_id},
    ).fetchall():
        keys.phone(number)
    for (code,) in db.execute(
        "SELECT a.postal_code FROM addresses a JOIN service_at_location sal ON sal.location_id = a.location_id"
        " WHERE sal.service_id = ?",
        [service_id],
    ).fetchall():
        keys.postcode(code)
    return keys.build()
