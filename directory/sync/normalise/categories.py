"""Categories: the terms feeds tag services with, mapped onto the Harbour taxonomy.

A feed's term is looked up by (scheme, code) in `taxonomy_mappings`, then by
(scheme, label) ignoring case, then as a Harbour code or a Harbour term name
("Legal help" → legal), then by the longest known prefix of a hierarchical code
(`BD-1800.2000-620` → `BD-1800.2000`, else `BD-1800`, `BD`, `B`). A code shaped like
an AIRS / 211 code is looked up as AIRS whatever the feed calls its vocabulary
("Kingsmere 211 Taxonomy", "airs", ""): publishers name their copy of it freely.
A mapped attribute points at the Harbour term; an unmapped one is dropped from the
record and reported, so staff can add a mapping (suggest.py proposes one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from directory.ids import is_uuid

# Spellings of the schemes `taxonomy_mappings` knows.
SCHEME_ALIASES = {
    "open eligibility": "open-eligibility",
    "openeligibility": "open-eligibility",
    "oe": "open-eligibility",
    "hxl": "hxl-sector",
    "#sector": "hxl-sector",
    "hxl sector": "hxl-sector",
    "211 la": "211la",
    "211-la": "211la",
    "211la county": "211la",
    "211 la county": "211la",
    "airs": "211la",
    "airs/211 la county": "211la",
    "open referral uk": "oruk",
    "openreferraluk": "oruk",
}
AIRS = "211la"
# Vocabularies of their own: a code of theirs that happens to look like AIRS is not AIRS.
NOT_AIRS = frozenset({"open-eligibility", "hxl-sector", "oruk"})
# AIRS: a top level letter, a two-letter section, then -dddd, .dddd, -ddd, .dd levels.
AIRS_CODE = re.compile(r"[A-Z]{1,2}(?:-\d{4}(?:\.\d{4}(?:-\d{3}(?:\.\d{2,3})?)?)?)?")
# The last level of a hierarchical code: "-620" of "BD-1800.2000-620", ".2" of "1.2".
LAST_LEVEL = re.compile(r"^(.+?)[-.][^-.]+$")


@dataclass(frozen=True)
class Term:
    id: str
    code: str
    name: str
    kind: str  # "category" | "attribute"


def _key(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold().strip())


def is_airs_code(code: str) -> bool:
    return AIRS_CODE.fullmatch(code) is not None


def code_prefixes(code: str, airs: bool = False) -> list[str]:
    """The ancestors of a hierarchical code, nearest first: `BD-1800.2000-620` → BD-1800.2000, BD-1800, BD, B."""
    found = []
    while (match := LAST_LEVEL.match(code)) is not None:
        code = match.group(1)
        found.append(code)
    if airs and len(code) == 2 and code.isalpha():
        found.append(code[0])  # BD is a section of B
    return found


def scheme_of(text: object) -> str:
    key = _key(text).replace("_", " ")
    if not key:
        return "feed"
    return SCHEME_ALIASES.get(key, key.replace(" ", "-"))


class CategoryMapper:
    """Looks up feed terms; built once per run from the directory's taxonomy tables."""

    def __init__(
        self,
        terms: Iterable[Term],
        mappings: Iterable[tuple[str, str, str | None, str]] = (),
        names: Iterable[tuple[str, str]] = (),
    ):
        self._by_id = {t.id: t for t in terms}
        self._by_code = {_key(t.code): t for t in self._by_id.values()}
        self._by_name: dict[str, Term] = {}
        for term in self._by_id.values():
            self._by_name.setdefault(_key(term.name), term)
        for name, term_id in names:  # names in other languages, after the source names
            if term_id in self._by_id:
                self._by_name.setdefault(_key(name), self._by_id[term_id])
        self._mapped: dict[tuple[str, str], Term] = {}
        self._mapped_folded: dict[tuple[str, str], Term] = {}
        self._labelled: dict[tuple[str, str], Term] = {}
        for scheme, code, label, term_id in mappings:
            term = self._by_id.get(term_id)
            if term is None:
                continue
            scheme = scheme_of(scheme)
            self._mapped.setdefault((scheme, str(code)), term)
            self._mapped_folded.setdefault((scheme, _key(code)), term)
            if label:
                self._labelled.setdefault((scheme, _key(label)), term)

    @classmethod
    def from_db(cls, db) -> CategoryMapper:
        """From directory.db: Harbour's terms (those with term_details), mappings and translated names."""
        terms = [
            Term(term_id, code or "", name or "", kind)
            for term_id, code, name, kind in db.execute(
                "SELECT t.id, t.code, t.name, d.kind FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
                " ORDER BY d.sort_order"
            ).fetchall()
        ]
        mappings = db.execute(
            "SELECT scheme, code, label, term_id FROM taxonomy_mappings ORDER BY scheme, code"
        ).fetchall()
        names = db.execute(
            "SELECT text, record_id FROM translations WHERE table_name = 'taxonomy_terms' AND field = 'name'"
            " ORDER BY language = 'en' DESC, language, record_id"
        ).fetchall()
        return cls(terms, [tuple(m) for m in mappings], [tuple(n) for n in names])

    @classmethod
    def from_taxonomy(cls, data: dict) -> CategoryMapper:
        """From the shape of data/taxonomy.json, for tools and tests without a database."""
        terms = [
            Term(t["id"], t["code"], t["names"].get("en") or next(iter(t["names"].values())), t["kind"])
            for t in data["terms"]
        ]
        ids = {t["code"]: t["id"] for t in data["terms"]}
        mappings = [
            (m["scheme"], m["code"], m.get("label"), ids[m["term"]]) for m in data.get("mappings", [])
        ]
        names = [(name, t["id"]) for t in data["terms"] for lang, name in t["names"].items() if lang != "en"]
        return cls(terms, mappings, names)

    def term(self, term_id: str) -> Term | None:
        return self._by_id.get(term_id)

    def terms(self) -> list[Term]:
        return list(self._by_id.values())

    def by_code(self, code: object) -> Term | None:
        """The Harbour term with this code ("food-banks"), or None."""
        return self._by_code.get(_key(code))

    def named_terms(self) -> list[tuple[str, Term]]:
        """Every Harbour term's name in every language (folded), for suggestions."""
        return list(self._by_name.items())

    def lookup(self, scheme: object, code: object, label: object) -> Term | None:
        scheme = scheme_of(scheme)
        code_text = str(code).strip() if isinstance(code, (str, int)) and not isinstance(code, bool) else ""
        code_key, label_key = _key(code_text), _key(label)
        airs = scheme == AIRS or (scheme not in NOT_AIRS and is_airs_code(code_text))
        return (
            self._mapped.get((scheme, code_text))
            or self._mapped_folded.get((scheme, code_key))
            or self._labelled.get((scheme, label_key))
            or (self._as_airs(code_key, label_key) if airs else None)
            or self._by_code.get(code_key)
            or self._by_code.get(label_key)
            or self._by_name.get(label_key)
            or self._by_name.get(code_key)
            or self._by_prefix(AIRS if airs else scheme, code_text, airs)
        )

    def _as_airs(self, code_key: str, label_key: str) -> Term | None:
        return self._mapped_folded.get((AIRS, code_key)) or self._labelled.get((AIRS, label_key))

    def _by_prefix(self, scheme: str, code: str, airs: bool) -> Term | None:
        for prefix in code_prefixes(code.upper() if airs else code, airs):
            term = self._mapped_folded.get((scheme, _key(prefix)))
            if term is not None:
                return term
        return None


def map_attribute(attribute: dict, mapper: CategoryMapper) -> tuple[Term | None, tuple[str, str, str] | None]:
    """(Harbour term, None) when the attribute's term maps; (None, (scheme, code, label)) when not."""
    nested = attribute.get("taxonomy_term")
    if isinstance(nested, dict):
        detail = nested.get("taxonomy_detail")
        scheme = nested.get("taxonomy") or (detail.get("name") if isinstance(detail, dict) else None)
        code, label = nested.get("code"), nested.get("name")
        nested_id = nested.get("id")
        known = mapper.term(str(nested_id)) if isinstance(nested_id, str) and is_uuid(nested_id) else None
        term = known or mapper.lookup(scheme, code, label)
        if term is None:
            return None, (scheme_of(scheme), _text(code), _text(label))
        return term, None
    term_id = attribute.get("taxonomy_term_id")
    if isinstance(term_id, str) and term_id.strip():
        term = (
            mapper.term(term_id.strip())
            if is_uuid(term_id.strip())
            else mapper.lookup("feed", term_id, term_id)
        )
        if term is None:
            return None, ("feed", term_id.strip(), "")
        return term, None
    return None, None


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()
