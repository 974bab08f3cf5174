"""Languages: whatever a feed calls a language, an ISO 639 code and an English name.

"Arabic", "arabic", "العربية", "ar", "ara" and "ar-SY" are all `ar`; "Dari" and
"fa-AF" are `prs`; "BSL" is `bfi`. A record with only a code gets its name from the
table. A language Harbour does not know is kept as sent, with a warning.
"""

from __future__ import annotations

import re
import unicodedata

from directory.sync.normalise.context import Notes, shown
from directory.sync.normalise.language_names import LANGUAGES, REFINES

NAMES: dict[str, str] = {code: english for code, english, _, _ in LANGUAGES}  # code → English name

_SPLIT = re.compile(r"\s*(?:,|;|/|\||&|\+|\band\b|\bor\b|،|、)\s*", re.I)
_PARENS = re.compile(r"^(.*?)\s*\((.*?)\)\s*$")
_CODE_LIKE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_SUFFIX = re.compile(r"\s+(?:language|languages|speakers?|spoken)$", re.I)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return re.sub(r"[\s_]+", " ", text)


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, english, natives, aliases in LANGUAGES:
        for name in (code, english, *natives, *aliases):
            index.setdefault(_key(name), code)
    return index


_INDEX = _build_index()


def language_code(text: object) -> str | None:
    """The code Harbour uses for a language name or code, or None when it is not known."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = _key(text)
    if key in _INDEX:
        return _INDEX[key]
    key = _SUFFIX.sub("", key)
    if key in _INDEX:
        return _INDEX[key]
    tag = re.match(r"^([a-z]{2,3})[- ]([a-z0-9]{2,8})(?:[- ][a-z0-9]{1,8})*$", key)
    if tag:
        if f"{tag.group(1)}-{tag.group(2)}" in _INDEX:  # fa-af is Dari
            return _INDEX[f"{tag.group(1)}-{tag.group(2)}"]
        return _INDEX.get(tag.group(1))
    parens = _PARENS.match(key)
    if parens:  # "Kurdish (Sorani)": the part in brackets is the more precise one
        return language_code(parens.group(2)) or language_code(parens.group(1))
    return None


def split_languages(text: str) -> list[str] | None:
    """["Arabic", "French"] for "Arabic, French" when every part is a known language; else None."""
    if language_code(text):
        return None
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) < 2 or not all(language_code(p) for p in parts):
        return None
    return parts


def normalise_language(language: dict, notes: Notes, path: str) -> dict:
    """Set `code` to Harbour's code and fill `name` when the feed sent only a code."""
    language = dict(language)
    name, code = language.get("name"), language.get("code")
    from_name, from_code = language_code(name), language_code(code)
    if from_code and from_name and from_code != from_name:
        if (from_code, from_name) in REFINES:
            from_code = from_name
        else:
            notes.warn(
                path, f"code {shown(code)} and name {shown(name)} name different languages; kept the code"
            )
    chosen = from_code or from_name
    if chosen:
        if code is not None and from_code is None:
            notes.warn(
                path, f"language code {shown(code)} is not known; used {chosen!r} from the name {shown(name)}"
            )
        language["code"] = chosen
        if not name or (from_name and _CODE_LIKE.fullmatch(str(name).strip())):
            language["name"] = NAMES[chosen]  # "uk" or "ara" sent as the name is a code, not a name
    elif name or code:
        notes.warn(path, f"language {shown(name or code)} is not one Harbour knows; kept as sent")
    return language
