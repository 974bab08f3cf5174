"""The words on the server pages, and which language a request gets.

Strings come from two places, merged in this order (later wins):
English PWA strings, English page strings, then the same two in the reader's
language. So a shared word (a day, a section heading) is translated once, in
`pwa/i18n/`, and a key missing in one language shows in English, never blank.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from directory.config import RTL_LANGUAGES, UI_LANGUAGES
from directory.paths import PWA_DIR

PWA_STRINGS = PWA_DIR / "i18n"
PAGE_STRINGS = Path(__file__).resolve().parent.parent / "i18n"
FALLBACK = "en"
# Tags a browser may send for a language we offer under another code.
ALIASES = {"fa-af": "prs", "fa": "prs", "prs-af": "prs", "ps-af": "ps", "ti-er": "ti", "ti-et": "ti"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _read(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@functools.lru_cache(maxsize=len(UI_LANGUAGES))
def strings(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for code in dict.fromkeys((FALLBACK, language)):
        merged |= _read(PWA_STRINGS / f"{code}.json")
        merged |= _read(PAGE_STRINGS / f"{code}.json")
    return merged


class Translator:
    """`t("key", n=3)`: the string in the page's language with its {placeholders} filled."""

    def __init__(self, language: str):
        self.language = language
        self.table = strings(language)

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key, key)
        if isinstance(text, dict):  # a plural: {one, few, many, other…} as the PWA's strings have them
            text = plural_form(text, self.language, values.get("n", 0))
        # Not str.format: a stray brace in a translation must not break the page.
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def plural_form(forms: dict[str, str], language: str, n: object) -> str:
    try:
        category = plural_category(language, int(n))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        category = "other"
    return forms.get(category) or forms.get("other") or next(iter(forms.values()), "")


def plural_category(language: str, n: int) -> str:
    """CLDR plural category of a whole number, as Intl.PluralRules gives it in the PWA."""
    if language == "ar":
        if n in (0, 1, 2):
            return ("zero", "one", "two")[n]
        return "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"
    if language == "uk":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"
    if language in ("fr", "es") and n != 0 and n % 1_000_000 == 0:
        return "many"
    if language in ("fr", "prs", "fa", "ti"):  # 0 counts as one in these
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def choose_language(query_lang: str | None, accept_language: str | None, offered: list[str]) -> str:
    """`?lang=` first, then the browser's Accept-Language, then English (or the first offered)."""
    if query_lang and query_lang in offered:
        return query_lang
    for tag in _ranked_tags(accept_language or ""):
        for candidate in (ALIASES.get(tag, tag), ALIASES.get(tag.split("-")[0], tag.split("-")[0])):
            if candidate in offered:
                return candidate
    return FALLBACK if FALLBACK in offered else offered[0]


def _ranked_tags(header: str) -> list[str]:
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]
