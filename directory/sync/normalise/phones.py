"""Phone numbers: E.164 where possible, short numbers and helplines as dialled.

The instance's country is the default region, so "01632 960123" in a GB feed is
"+441632960123". Emergency numbers, helplines and other short codes of that region
("111", "116 123") stay as people dial them, digits only. An extension goes into
`extension`. A number with no digits at all is dropped; one that cannot be read is
kept as sent, with a warning.
"""

from __future__ import annotations

import functools

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from directory.sync.normalise.context import Notes, shown

PHONE_TYPES = {
    "voice": "voice",
    "phone": "voice",
    "tel": "voice",
    "telephone": "voice",
    "landline": "voice",
    "main": "voice",
    "office": "voice",
    "work": "voice",
    "helpline": "voice",
    "cell": "cell",
    "cellular": "cell",
    "mobile": "cell",
    "cell phone": "cell",
    "mobile phone": "cell",
    "text": "text",
    "sms": "text",
    "fax": "fax",
    "facsimile": "fax",
    "video": "video",
    "pager": "pager",
    "textphone": "textphone",
    "tty": "textphone",
    "minicom": "textphone",
    "text relay": "textphone",
    "relay": "textphone",
}
_QUOTES = "\"'“”‘’`"


def normalise_phone(phone: dict, region: str, notes: Notes, path: str) -> dict | None:
    """The phone with its number cleaned, or None when it has no number to keep."""
    phone = dict(phone)
    number = phone.get("number")
    if isinstance(number, str):
        cleaned = number.strip().strip(_QUOTES).strip()
        if cleaned.lower().startswith("tel:"):
            cleaned = cleaned[4:].strip()
        if not any(map(str.isdigit, cleaned)):
            notes.warn(path, f"number {shown(number)} has no digits; phone dropped")
            return None
        formatted, extension, problem = format_number(cleaned, region)
        phone["number"] = formatted
        if problem:
            notes.warn(path, problem)
        if extension is not None:
            existing = phone.get("extension")
            if existing is None:
                phone["extension"] = extension
            elif existing != extension:
                notes.warn(
                    path,
                    f"extension {extension} in the number differs from extension {existing}; kept {existing}",
                )
    kind = phone.get("type")
    if isinstance(kind, str):
        key = kind.strip().lower().replace("_", " ").replace("-", " ")
        if key in PHONE_TYPES:
            phone["type"] = PHONE_TYPES[key]
        else:
            notes.warn(
                path,
                f"phone type {shown(kind)} is not one of voice, cell, text, fax, video, pager, textphone",
            )
    return phone


@functools.lru_cache(maxsize=16_384)
def format_number(text: str, region: str) -> tuple[str, int | None, str | None]:
    """(number, extension, problem): E.164, a short number's digits, or the text as sent."""
    region = (region or "").upper()
    international = text.startswith("+") or text.startswith("00")
    try:
        parsed = phonenumbers.parse(text, region or None)
    except NumberParseException:
        parsed = _first_number_in(text, region)
        if parsed is None:
            return text, None, f"could not read phone number {shown(text)}; kept as sent"
        problem: str | None = f"kept the first phone number found in {shown(text)}"
    else:
        problem = None
    extension = int(parsed.extension) if parsed.extension and parsed.extension.isdigit() else None
    if (
        not international
        and not parsed.extension
        and phonenumbers.region_code_for_country_code(parsed.country_code) == region
        and phonenumbers.is_valid_short_number_for_region(parsed, region)
    ):
        return phonenumbers.national_significant_number(parsed), None, problem
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible == ValidationResult.IS_POSSIBLE:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.E164), extension, problem
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY and problem is None:
        problem = f"{shown(text)} is a local number without its area code; kept as sent"
    if problem is None:
        problem = f"{shown(text)} is not a possible phone number for {region or 'any region'}; kept as sent"
    return text, None, problem


def _first_number_in(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The first number in text such as "01632 960123 or 01632 960124"."""
    if not region:
        return None
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        return match.number
    return None
