"""The demo city is big, varied and translated enough to show Harbour honestly."""

from __future__ import annotations

import re

import pytest

from directory.db import open_directory
from directory.stats import directory_stats

REQUIRED_CATEGORIES = ["Health", "Psychosocial support", "Legal help", "Employment and skills"]
TRANSLATED = ["ar", "prs", "uk", "fr", "es"]


@pytest.fixture(scope="module")
def db(demo_template):
    return open_directory(demo_template / "directory.db")


def test_the_demo_has_enough_services_organizations_and_located_places(db):
    stats = directory_stats(db)
    assert stats["services"] >= 200
    assert stats["organizations"] >= 80
    assert stats["locations_with_coordinates"] >= 150


@pytest.mark.parametrize("category", REQUIRED_CATEGORIES)
def test_each_main_category_has_thirty_services(db, category):
    assert directory_stats(db)["categories"].get(category, 0) >= 30


def test_every_top_category_name_begins_with_the_agreed_words(db):
    names = {
        row[0]
        for row in db.execute(
            "SELECT t.name FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
            " WHERE d.kind = 'category' AND t.parent_id IS NULL"
        )
    }
    for expected in REQUIRED_CATEGORIES + ["Housing and shelter", "Food", "Education and language classes",
                                           "Documents and registration", "Family and children",
                                           "Community and peer support"]:
        assert any(name.startswith(expected) for name in names), expected


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_service_name_and_description_is_translated(db, language):
    missing = db.execute(
        """SELECT count(*) FROM services s, (SELECT 'name' AS field UNION SELECT 'description') f
           WHERE NOT EXISTS (SELECT 1 FROM translations t WHERE t.table_name = 'services'
                             AND t.record_id = s.id AND t.field = f.field AND t.language = ?)""",
        [language],
    ).fetchone()[0]
    assert missing == 0


def test_every_taxonomy_term_has_a_name_in_every_ui_language(db, demo_template):
    from directory.config import UI_LANGUAGES

    terms = db.execute("SELECT count(*) FROM taxonomy_terms").fetchone()[0]
    for language in UI_LANGUAGES:
        if language == "en":
            continue
        named = db.execute(
            "SELECT count(*) FROM translations WHERE table_name = 'taxonomy_terms' AND field = 'name' AND language = ?",
            [language],
        ).fetchone()[0]
        assert named == terms, language


def test_the_text_reads_like_real_listings(db):
    names = [row[0] for row in db.execute("SELECT name FROM services")]
    assert len(set(names)) == len(names), "service names repeat"
    text = " ".join(row[0] or "" for row in db.execute("SELECT description FROM services"))
    assert not re.search(r"lorem|ipsum|Service \d+|TODO", text, re.I)
    assert "vulnerable" not in text.lower()


def test_arabic_translations_are_in_arabic_script(db):
    sample = [row[0] for row in db.execute(
        "SELECT text FROM translations WHERE language = 'ar' AND table_name = 'services' LIMIT 50")]
    assert sample and all(re.search(r"[\u0600-\u06FF]", text) for text in sample)


def test_safety_attributes_are_used(db):
    used = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT t.code FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id"
            " JOIN term_details d ON d.term_id = t.id WHERE d.kind = 'attribute'"
        )
    }
    assert {"free", "no-id-needed", "no-status-check", "interpreters", "walk-in", "peer-led"} <= used
