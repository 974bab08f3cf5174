"""The printable pocket guide at /guide: printed to PDF by Chromium and read back with poppler."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from directory.config import DEMO_SETTINGS
from directory.web.pages.strings import Translator
from tests.test_pages import _category_services

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: install poppler-utils (apt-get install -y poppler-utils)"
    return path


def _pdf_text(path) -> str:
    text = subprocess.run([_poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    # Arabic comes back in presentation forms wrapped in bidi controls: fold both away.
    return " ".join(BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text)).split())


def _pdf_info(path) -> dict[str, str]:
    out = subprocess.run([_poppler("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _top_categories(db: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT t.code FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
            " WHERE d.kind = 'category' AND t.parent_id IS NULL ORDER BY d.sort_order"
        )
    ]


@pytest.fixture
def db(demo_server):
    connection = sqlite3.connect(demo_server.data_dir / "directory.db")
    yield connection
    connection.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_guide_prints_every_top_category_to_a4_with_its_services(demo_server, browser, db, tmp_path, language):
    categories = _top_categories(db)
    assert len(categories) >= 5
    context = browser.new_context()
    page = context.new_page()
    for code in categories:
        ids = _category_services(db, code)
        # A short name and a phone of one of the category's services must reach the paper.
        name, phone = db.execute(
            f"SELECT s.name, p.number FROM services s JOIN phones p ON p.service_id = s.id"
            f" WHERE s.id IN ({','.join('?' * len(ids))}) ORDER BY length(s.name), s.id LIMIT 1",
            sorted(ids),
        ).fetchone()
        response = page.goto(f"{demo_server.url}/guide/{language}/{code}")
        assert response.status == 200
        pdf = tmp_path / f"{language}-{code}.pdf"
        # No format given: A4 must come from the guide's own `@page { size: A4 }`.
        pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
        info = _pdf_info(pdf)
        pages = int(info["Pages"])
        assert 1 <= pages <= 1 + len(ids) // 4, (code, pages)
        assert "(A4)" in info["Page size"], info["Page size"]
        text = _pdf_text(pdf)
        assert phone in text, (code, phone)
        assert f"{demo_server.url}/services" in text
        if language == "en":
            assert name in text, (code, name)
        else:
            assert "دليل الجيب" in text
    context.close()


def test_guide_print_layout_has_two_columns_unbroken_entries_and_large_phones(demo_server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.url}/guide/en/health")
    page.emulate_media(media="print")
    style = page.evaluate(
        """() => {
            const css = (selector) => getComputedStyle(document.querySelector(selector));
            return {
                columns: css('.columns').columnCount,
                breakInside: css('.service').breakInside,
                phone: parseFloat(css('.phone').fontSize),
                text: parseFloat(css('.service p').fontSize),
                bar: css('.bar').display,
                findMore: css('.find-more').display,
            };
        }"""
    )
    assert style["columns"] == "2"
    assert style["breakInside"] == "avoid"
    assert style["phone"] >= 1.3 * style["text"]
    assert style["bar"] == "none" and style["findMore"] != "none"
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('.columns')).columnCount") == "auto"
    context.close()


def test_guide_lists_each_service_of_the_category_and_its_subcategories_once(demo_server, db):
    body = httpx.get(f"{demo_server.url}/guide/en/psychosocial").text
    listed = re.findall(r'<article class="service" id="([^"]+)">', body)
    assert len(listed) == len(set(listed))
    assert set(listed) == _category_services(db, "psychosocial")


def test_guide_shows_the_directory_name_the_print_date_and_where_to_find_more(demo_server):
    body = httpx.get(f"{demo_server.url}/guide/en/legal").text
    today = datetime.now(ZoneInfo(DEMO_SETTINGS.timezone))
    t = Translator("en")
    date = t("date_format", day=today.day, month=t(f"month_{today.month}"), year=today.year)
    assert t("printed_on", name=DEMO_SETTINGS.name, date=date) in body
    assert re.search(rf'Find more: <a href="/services\?lang=en"><bdi dir="ltr">{re.escape(demo_server.url)}/services</bdi>', body)


def test_guide_index_links_every_top_category_in_the_readers_language(demo_server, db):
    body = httpx.get(f"{demo_server.url}/guide/ar").text
    assert '<html lang="ar" dir="rtl">' in body
    for code in _top_categories(db):
        name = db.execute(
            "SELECT tr.text FROM translations tr JOIN taxonomy_terms t ON t.id = tr.record_id"
            " WHERE t.code = ? AND tr.table_name = 'taxonomy_terms' AND tr.field = 'name' AND tr.language = 'ar'",
            [code],
        ).fetchone()[0]
        assert f'<a href="/guide/ar/{code}">{name}</a>' in body


def test_guide_follows_the_browsers_language_and_refuses_unknown_ones(demo_server):
    response = httpx.get(f"{demo_server.url}/guide", headers={"Accept-Language": "ti-ER,en;q=0.5"})
    assert response.status_code == 302 and response.headers["location"] == "/guide/ti"
    assert httpx.get(f"{demo_server.url}/guide/xx/health").status_code == 404
    assert httpx.get(f"{demo_server.url}/guide/en/no-such-category").status_code == 404
