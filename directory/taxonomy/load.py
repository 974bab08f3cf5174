"""Load `data/taxonomy.json` into directory.db through the store."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from directory.paths import DATA_DIR
from directory.store import Source, save_record, set_translation

TAXONOMY_FILE = DATA_DIR / "taxonomy.json"
SOURCE = Source("harbour-taxonomy")


def read_taxonomy(path: Path = TAXONOMY_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_taxonomy(db: sqlite_utils.Database, path: Path = TAXONOMY_FILE, source_language: str = "en") -> int:
    """Write the taxonomy, its terms, their names in every language, icons and mappings."""
    data = read_taxonomy(path)
    taxonomy = data["taxonomy"]
    codes = {term["code"]: term["id"] for term in data["terms"]}
    with db.atomic():
        save_record(db, "taxonomies", taxonomy, SOURCE)
        for order, term in enumerate(data["terms"]):
            names, descriptions = term["names"], term.get("descriptions", {})
            record = {
                "id": term["id"],
                "code": term["code"],
                "name": names.get(source_language) or names["en"],
                "description": descriptions.get(source_language) or descriptions.get("en") or names["en"],
                "parent_id": codes.get(term.get("parent")) if term.get("parent") else None,
                "taxonomy": taxonomy["name"],
                "taxonomy_id": taxonomy["id"],
                "language": source_language,
            }
            save_record(db, "taxonomy_terms", record, SOURCE)
            db.execute(
                "INSERT INTO term_details (term_id, kind, icon, sort_order) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (term_id) DO UPDATE SET kind = excluded.kind, icon = excluded.icon,"
                " sort_order = excluded.sort_order",
                [term["id"], term["kind"], term.get("icon"), order],
            )
            for field, texts in (("name", names), ("description", descriptions)):
                for language, text in texts.items():
                    if language != source_language and text:
                        set_translation(db, "taxonomy_terms", term["id"], field, language, text, "human")
        for mapping in data.get("mappings", []):
            db.execute(
                "INSERT INTO taxonomy_mappings (scheme, code, label, term_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (scheme, code) DO UPDATE SET label = excluded.label, term_id = excluded.term_id",
                [mapping["scheme"], mapping["code"], mapping.get("label"), codes[mapping["term"]]],
            )
    return len(data["terms"])
