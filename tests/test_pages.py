"""The no-JavaScript `/services` pages, against a real `harbour serve` and a browser with scripts off."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from directory.config import UI_LANGUAGES
from directory.store import Source, save_record
from directory.web.pages.format import tel_href
from directory.web.pages.strings import choose_language, plural_category, strings

ROOT = Path(__file__).resolve().parent.parent
PAGE_STRINGS = ROOT / "directory" / "web" / "i18n"
PWA_STRINGS = ROOT / "pwa" / "i18n"
TEMPLATES = ROOT / "directory" / "web" / "templates" / "public"
TEL = re.compile(r"^tel:\+?[0-9]+(,[0-9]+)?$")
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
HOSTILE_NAME = 'Zebracorn <script>alert("name")</script><img src=x onerror=alert(1)> & "friends"'


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "directory.db")


def _category_services(db: sqlite3.Connection, code: str) -> set[str]:
    """Active services filed under the category or any category beneath it, straight from SQL."""
    rows = db.execute(
        """WITH RECURSIVE family(id) AS (
               SELECT t.id FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id
               WHERE t.code = ? AND d.kind = 'category'
               UNION SELECT t.id FROM taxonomy_terms t JOIN family f ON t.parent_id = f.id)
           SELECT DISTINCT s.id FROM services s JOIN attributes a ON a.link_id = s.id
           WHERE a.link_entity = 'service' AND a.taxonomy_term_id IN (SELECT id FROM family)
             AND s.status = 'active'""",
        [code],
    ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context
    context.close()


def _service_ids(page) -> list[str]:
    hrefs = page.locator("ol.results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [re.match(r"^/services/([^?]+)\?", h).group(1) for h in hrefs]


# --- search, categories and a service, with JavaScript off -------------------------------------


def test_search_without_javascript_finds_a_demo_service_by_a_word_of_its_name(demo_server, no_js):
    db = _db(demo_server)
    names = dict(db.execute("SELECT id, name FROM services WHERE status = 'active'").fetchall())
    # The rarest long word among the names, so the service is surely on the first page.
    words = {w: [i for i, n in names.items() if w in n.lower().split()] for n in names.values() for w in n.lower().split()}
    word = min((w for w in words if w.isalpha() and len(w) >= 6), key=lambda w: (len(words[w]), w))
    page = no_js.new_page()
    page.goto(f"{demo_server.url}/services?lang=en")
    page.fill("#q", word.capitalize())
    page.click("form.search button")
    page.wait_for_url(re.compile(r"/services\?q="))
    found = _service_ids(page)
    assert set(words[word]) <= set(found)
    assert page.locator("ol.results a", has_text=names[words[word][0]]).count() >= 1


def test_arabic_category_page_is_rtl_and_shows_arabic_names(demo_server, no_js):
    db = _db(demo_server)
    page = no_js.new_page()
    page.goto(f"{demo_server.url}/services?lang=ar")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    health_ar = db.execute(
        "SELECT tr.text FROM translations tr JOIN taxonomy_terms t ON t.id = tr.record_id"
        " WHERE t.code = 'health' AND tr.table_name = 'taxonomy_terms' AND tr.field = 'name' AND tr.language = 'ar'"
    ).fetchone()[0]
    page.click(f"ul.categories a:text-is('{health_ar}')")
    assert page.locator("h1").inner_text() == health_ar
    assert page.locator("html").get_attribute("dir") == "rtl"
    arabic_names = dict(
        db.execute(
            "SELECT record_id, text FROM translations WHERE table_name = 'services' AND field = 'name' AND language = 'ar'"
        ).fetchall()
    )
    links = page.locator("ol.results a")
    shown = dict(zip(_service_ids(page), links.all_inner_texts()))
    translated = {sid: text for sid, text in shown.items() if sid in arabic_names}
    assert translated, "no listed service has an Arabic name"
    assert all(text == arabic_names[sid] and ARABIC_LETTER.search(text) for sid, text in translated.items())


def test_category_page_lists_exactly_the_services_of_that_category_per_the_database(demo_server, no_js):
    expected = _category_services(_db(demo_server), "health")
    assert len(expected) > 30  # more than one page, so paging is part of what is proved
    page = no_js.new_page()
    page.goto(f"{demo_server.url}/services?category=health&lang=en")
    listed = _service_ids(page)
    while page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
        listed += _service_ids(page)
    assert len(listed) == len(set(listed))
    assert set(listed) == expected


def test_detail_page_has_ascii_tel_links_a_week_table_and_a_geo_link(demo_server, no_js):
    db = _db(demo_server)
    service_id, opens = db.execute(
        "SELECT s.id, sc.opens_at FROM services s JOIN phones p ON p.service_id = s.id"
        " JOIN schedules sc ON sc.service_id = s.id"
        " WHERE sc.freq = 'WEEKLY' AND sc.byday LIKE '%MO%' AND sc.opens_at IS NOT NULL ORDER BY s.id LIMIT 1"
    ).fetchone()
    days = json.loads((PWA_STRINGS / "ar.json").read_text(encoding="utf-8"))
    page = no_js.new_page()
    page.goto(f"{demo_server.url}/services/{service_id}?lang=ar")
    tels = page.locator("a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert tels and all(TEL.match(href) for href in tels)
    rows = page.locator("table.week tbody tr")
    assert rows.count() == 7
    assert rows.nth(0).locator("th").inner_text() == days["day_MO"]
    assert rows.nth(6).locator("th").inner_text() == days["day_SU"]
    assert str(opens)[:5] in rows.nth(0).locator("td").inner_text()
    assert page.locator("a[href^='geo:']").count() >= 1


def test_pages_fit_a_small_phone_screen_without_sideways_scrolling(demo_server, browser):
    # An element parked off-screen widens a right-to-left page, and the phone opens it scrolled to blank.
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    db = _db(demo_server)
    # The longest web address and email are the likeliest to push a page wider than the screen.
    longest = [db.execute(f"SELECT id FROM services ORDER BY length({column}) DESC LIMIT 1").fetchone()[0] for column in ("url", "email")]
    for path in ["/services?lang=ar", "/services?category=health&lang=prs", "/guide/ar/legal"] + [
        f"/services/{service_id}?lang=ps" for service_id in longest
    ]:
        page.goto(demo_server.url + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
    context.close()


def test_a_phone_written_in_arabic_indic_digits_dials_ascii_digits():
    assert tel_href("٠١٦٣٢ ٩٦٠٢٨٤") == "tel:01632960284"
    assert tel_href("+44 (0)1632 960284", "۱۲") == "tel:+4401632960284,12"
    assert tel_href("call us") is None


def test_search_normalises_like_the_bundle_so_article_and_spelling_variants_meet(demo_server):
    def ids(query: str) -> list[str]:
        body = httpx.get(f"{demo_server.url}/services", params={"lang": "ar", "q": query}).text
        return re.findall(r'href="/services/([0-9a-f-]{36})\?', body)

    with_article, without = ids("الصحة"), ids("صحه")
    assert with_article and with_article == without


def test_a_search_within_a_category_returns_only_that_categorys_services(demo_server):
    def ids(params: dict) -> set[str]:
        body = httpx.get(f"{demo_server.url}/services", params={"lang": "en", **params}).text
        return set(re.findall(r'href="/services/([0-9a-f-]{36})\?', body))

    # "rights" finds fewer services than fill a page, some of them legal help and some not.
    everywhere, in_legal = ids({"q": "rights"}), ids({"q": "rights", "category": "legal"})
    assert in_legal and in_legal < everywhere
    assert in_legal <= _category_services(_db(demo_server), "legal")


# --- privacy, weight and safety ------------------------------------------------------------------


LIGHT_PAGES = ["/services?lang=en", "/services?lang=ar", "/services?lang=ti&q=health", "/services?category=community&lang=ar"]


def test_pages_set_no_cookies_and_load_nothing_from_another_host(demo_server, no_js):
    requested: list[str] = []
    page = no_js.new_page()
    page.on("request", lambda request: requested.append(request.url))
    service_id = _db(demo_server).execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
    for path in [*LIGHT_PAGES, f"/services/{service_id}?lang=prs", "/guide/en", "/guide/ar/health"]:
        response = page.goto(demo_server.url + path)
        assert response.status == 200
        assert "set-cookie" not in response.headers
        assert "default-src 'none'" in response.headers["content-security-policy"]
    assert requested and all(url.startswith(demo_server.url + "/") for url in requested)
    assert no_js.cookies() == []


def test_pages_are_under_30_kb_with_no_script_and_no_inline_style(demo_server):
    top = [r[0] for r in _db(demo_server).execute(
        "SELECT t.code FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
        " WHERE d.kind = 'category' AND t.parent_id IS NULL"
    )]
    for path in LIGHT_PAGES + [f"/services?category={code}&lang=ar" for code in top]:
        response = httpx.get(demo_server.url + path)
        assert response.status_code == 200
        assert len(response.content) < 30 * 1024, path
        html = response.text.lower()
        assert "<script" not in html and "<style" not in html and " style=" not in html, path
        assert '<link rel="stylesheet" href="/services.css">' in html


def test_language_comes_from_query_then_accept_language_then_english(demo_server):
    def page_lang(params: dict, accept: str | None = None) -> str:
        headers = {"Accept-Language": accept} if accept else {}
        body = httpx.get(f"{demo_server.url}/services", params=params, headers=headers).text
        return re.search(r'<html lang="([^"]+)" dir="(rtl|ltr)"', body).group(1)

    assert page_lang({"lang": "so"}, "uk") == "so"
    assert page_lang({}, "de-DE, uk;q=0.8, en;q=0.5") == "uk"
    assert page_lang({}, "fa-AF") == "prs"
    assert page_lang({"lang": "xx"}, "de") == "en"
    assert choose_language(None, "ar;q=0, fr;q=0.4", ["en", "ar", "fr"]) == "fr"


def test_language_picker_links_name_each_language_in_its_own_script(demo_server, no_js):
    page = no_js.new_page()
    page.goto(f"{demo_server.url}/services?category=health&lang=uk")
    links = page.locator("nav.languages a")
    assert links.all_inner_texts() == list(UI_LANGUAGES.values())
    arabic = page.locator("nav.languages a[lang=ar]")
    assert arabic.get_attribute("href") == "/services?category=health&lang=ar"
    assert arabic.get_attribute("dir") == "rtl"


def test_a_hostile_service_name_and_description_are_shown_as_text(demo_instance, server_for, browser):
    db = demo_instance.directory()
    organization = db.execute("SELECT id FROM organizations ORDER BY id LIMIT 1").fetchone()[0]
    service_id = str(uuid.uuid4())
    record = {
        "id": service_id,
        "organization_id": organization,
        "name": HOSTILE_NAME,
        "status": "active",
        "url": "javascript:alert(4)",
        "description": '<p>Safe <strong>words</strong></p><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">go</a>',
        "phones": [{"id": str(uuid.uuid4()), "number": "٠١٦٣٢ ٩٦٠٢٨٤"}],
    }
    save_record(db, "services", record, Source("feed:hostile"))
    db.close()
    server = server_for(demo_instance)
    search = httpx.get(f"{server.url}/services", params={"q": "zebracorn", "lang": "en"}).text
    detail = httpx.get(f"{server.url}/services/{service_id}?lang=en").text
    for html in (search, detail):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    assert 'src="x"' not in detail and "javascript:" not in detail
    context = browser.new_context()  # scripts on: nothing of the feed's may run or become markup
    page = context.new_page()
    page.goto(f"{server.url}/services/{service_id}?lang=en")
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert page.locator("script, img[onerror], a[href^='javascript:']").count() == 0
    assert page.locator("div.text strong").inner_text() == "words"
    assert page.locator("a[href='tel:01632960284']").count() == 1
    context.close()


def test_current_notices_show_on_the_list_and_on_their_service_but_not_future_or_ended_ones(
    demo_instance, server_for
):
    from directory.staff.notices.store import NoticeInput, create_notice

    now = datetime.now(UTC)
    db = demo_instance.directory()
    service_id = db.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
    create_notice(db, NoticeInput("Flooding: <b>avoid</b> Mill Lane", "Buses are diverted.", "urgent"))
    create_notice(db, NoticeInput("Closed on Friday", "Staff training.", "info", "service", service_id))
    later = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with closing(demo_instance.private()) as private:  # one that starts later waits in private.db
        create_notice(db, NoticeInput("Not yet", "Starts later.", "warning", starts=later), private)
    ended = [(now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")]
    create_notice(db, NoticeInput("Already over", "Ended.", "info", starts=ended[0], ends=ended[1]))
    db.close()
    server = server_for(demo_instance)
    listing = httpx.get(f"{server.url}/services?lang=en").text
    detail = httpx.get(f"{server.url}/services/{service_id}?lang=en").text
    # Markup in a notice is taken out where it is stored, never rendered.
    assert "<strong>Urgent:</strong> <span>Flooding: avoid Mill Lane</span>" in listing
    assert "<b>avoid" not in listing and "&lt;b&gt;" not in listing
    assert "Closed on Friday" in detail and "Closed on Friday" not in listing
    assert "Not yet" not in listing + detail and "Already over" not in listing + detail


def test_an_unknown_service_or_category_is_a_404_page_in_the_readers_language(demo_server):
    missing = httpx.get(f"{demo_server.url}/services/{uuid.uuid4()}?lang=ar")
    assert missing.status_code == 404
    assert strings("ar")["not_found"] in missing.text and 'dir="rtl"' in missing.text
    assert httpx.get(f"{demo_server.url}/services?category=no-such-thing").status_code == 404


# --- strings ---------------------------------------------------------------------------------------


ENGLISH = json.loads((PAGE_STRINGS / "en.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", list(UI_LANGUAGES))
def test_page_strings_have_every_english_key_and_no_other(code):
    table = json.loads((PAGE_STRINGS / f"{code}.json").read_text(encoding="utf-8"))
    assert sorted(ENGLISH.keys() - table.keys()) == []
    assert sorted(table.keys() - ENGLISH.keys()) == []
    assert all(isinstance(v, str) and v.strip() for v in table.values())
    for key, text in table.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", ENGLISH[key])), (code, key)


def test_every_string_the_templates_use_exists_in_every_language():
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", template.read_text(encoding="utf-8")))
    # Keys made up at run time, in the templates and in format.py.
    used |= {f"month_{m}" for m in range(1, 13)} | {f"day_{d}" for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")}
    used |= {"notice_urgent", "notice_warning", "notice_info", "rule_nth_day", "rule_monthly", "nth_1", "nth_-1"}
    assert "search_label" in used
    for code in UI_LANGUAGES:
        own = json.loads((PAGE_STRINGS / f"{code}.json").read_text(encoding="utf-8"))
        own |= json.loads((PWA_STRINGS / f"{code}.json").read_text(encoding="utf-8"))
        assert sorted(used - own.keys()) == [], code


def test_plural_categories_follow_cldr_for_counts():
    assert [plural_category("ar", n) for n in (0, 1, 2, 3, 11, 100)] == ["zero", "one", "two", "few", "many", "other"]
    assert [plural_category("uk", n) for n in (1, 2, 5, 11, 21, 22)] == ["one", "few", "many", "many", "one", "few"]
    assert [plural_category("fr", n) for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [plural_category("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]
