"""The PWA's results a page at a time: the first page drawn, the whole count announced,
a real "Show more" button that reveals every other service, in every language; typing
faster than the search answers draws only the last query, and an answer the list
already shows is not drawn again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from directory.bundle.snapshot import active_service_ids
from tests.pwa_helpers import (
    PAGE_SIZE,
    Watch,
    bundle,
    context_maker,
    directory_db,
    listed_ids,
    result_total,
    search_for,
    show_all,
    wait_until,
)

I18N = Path(__file__).resolve().parent.parent / "pwa" / "i18n"
ALL_SHOWN = "#results[data-query='']"  # the whole list answered (not the page kept from a last visit)
SEARCH_READY = "async () => (await import('/search.js')).indexStats.source !== null"


@pytest.fixture
def new_context(browser):
    yield from context_maker(browser)


def strings(code: str) -> dict:
    return json.loads((I18N / f"{code}.json").read_text(encoding="utf-8"))


def test_first_page_is_drawn_and_show_more_reveals_every_active_service_in_order(new_context, demo_server):
    db = sqlite_utils.Database(directory_db(demo_server))
    try:
        active = active_service_ids(db)
    finally:
        db.close()
    order = [s["id"] for s in bundle(demo_server, "en")["services"]]
    assert len(active) > 2 * PAGE_SIZE, "the demo should need several pages"
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector(ALL_SHOWN, state="attached")

    # One page drawn, every service counted and announced.
    assert listed_ids(page) == order[:PAGE_SIZE]
    assert result_total(page) == len(active)
    status = page.locator("#status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"{len(active)} services"
    assert page.locator("#results-shown").inner_text() == f"Showing {PAGE_SIZE} of {len(active)}"

    # "Show more": a real button, a full tap target, that draws the next page and takes
    # the focus to its first service.
    more = page.get_by_role("button", name="Show more")
    assert more.count() == 1 and more.evaluate("el => el.tagName") == "BUTTON"
    box = more.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48, box
    more.click()
    wait_until(page, f"() => document.querySelectorAll('#results li').length > {PAGE_SIZE}", "the second page")
    assert listed_ids(page) == order[: 2 * PAGE_SIZE]
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == f"#/service/{order[PAGE_SIZE]}"
    assert page.locator("#results-shown").inner_text() == f"Showing {2 * PAGE_SIZE} of {len(active)}"

    # To the end: everything the database lists, in the bundle's order, then no button.
    every = show_all(page)
    assert every == order and set(every) == active
    assert page.locator("#results-shown").is_hidden()
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []


@pytest.mark.parametrize("locale, code", [("ar", "ar"), ("ti", "ti"), ("uk-UA", "uk")])
def test_show_more_and_the_count_shown_speak_the_page_language(new_context, demo_server, locale, code):
    words = strings(code)
    context = new_context(locale)
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.wait_for_selector(ALL_SHOWN, state="attached")
    more = page.locator("#show-more")
    assert more.inner_text() == words["show_more"] != strings("en")["show_more"]
    shown = page.locator("#results-shown").inner_text()
    prefix = words["results_shown"].split("{")[0].strip()
    assert prefix in shown, (prefix, shown)


def test_keystrokes_overtaken_by_newer_ones_are_never_drawn(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    word = next(w for s in services for w in s["name"].lower().split() if w.isalpha() and len(w) >= 7)
    context = new_context("en-GB")
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.wait_for_selector(ALL_SHOWN, state="attached")
    wait_until(page, SEARCH_READY, "the search index")
    # Every query the list says it answers, from here on.
    page.evaluate(
        """() => {
            window.answered = [];
            const list = document.getElementById("results");
            new MutationObserver(() => window.answered.push(list.dataset.query))
              .observe(list, { attributes: true, attributeFilter: ["data-query"] });
        }"""
    )
    # Typed faster than any search can answer: all keystrokes before the first answer.
    page.evaluate(
        """(word) => {
            const input = document.getElementById("q");
            for (let i = 1; i <= word.length; i++) {
                input.value = word.slice(0, i);
                input.dispatchEvent(new Event("input", { bubbles: true }));
            }
        }""",
        word,
    )
    page.wait_for_selector(f"#results[data-query={json.dumps(word)}]", state="attached")
    page.wait_for_timeout(300)  # room for a late answer to a dropped keystroke to show itself
    assert page.evaluate("() => window.answered") == [word]
    typed_fast = (result_total(page), listed_ids(page))
    assert typed_fast[0] > 0
    # The answer is the one the last query gets on its own.
    search_for(page, "")
    search_for(page, word)
    assert (result_total(page), listed_ids(page)) == typed_fast


def test_an_answer_the_list_already_shows_is_not_drawn_again(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    word = next(w for s in services for w in s["name"].lower().split() if w.isalpha() and len(w) >= 6)
    context = new_context("en-GB")
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2027, 7, 5, 10, 0, tzinfo=UTC))  # one minute: "open now" cannot change
    page.goto(demo_server.url + "/")
    page.wait_for_selector(ALL_SHOWN, state="attached")
    search_for(page, word)
    page.evaluate("() => { document.querySelector('#results li').kept = true; }")
    search_for(page, word + " ")  # the same words: the same answer
    assert page.evaluate("() => document.querySelector('#results li').kept === true")
    answer = listed_ids(page)
    # Another answer is drawn: the whole list's first page.
    search_for(page, "")
    assert listed_ids(page) == [s["id"] for s in services][:PAGE_SIZE] != answer
