"""The PWA for everyone: small screens (320 and 360 px), text at 200 %, right-to-left
pages, 48-pixel tap targets, AA colour contrast, visible focus, real controls with
names and states, and a strict CSP the page never works around."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.pwa_helpers import OUTSIDE_SCREEN, Watch, context_maker


@pytest.fixture
def new_context(browser):
    yield from context_maker(browser)

# Visible controls smaller than 48×48 CSS pixels.
SMALL_TARGETS = """() => [...document.querySelectorAll("a[href], button, select, input")]
  .filter((el) => !el.closest("[hidden], .visually-hidden, .skip"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width && box.height && (box.width < 48 || box.height < 48))
  .map(([el, box]) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`)"""

# Text whose contrast with the background behind it is under WCAG AA (4.5:1, 3:1 when large).
LOW_CONTRAST = """() => {
  const parse = (c) => { const p = c.match(/[\\d.]+/g).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("[hidden], .visually-hidden, .skip, option")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(el);
    const [a, b] = [luminance(parse(style.color)), luminance(behind(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) low.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def open_list(new_context, server, locale: str, width: int):
    context = new_context(locale, width=width)
    watch = Watch(context)
    page = watch.page(context)
    page.goto(server.url + "/")
    page.wait_for_selector("#results li")
    return context, watch, page


def open_rich_detail(page):
    """The first listed service with a phone, a place and hours: the fullest page."""
    index = page.evaluate(
        """() => [...document.querySelectorAll('#results li a')].findIndex((a) => a.querySelector('.fact.open, .fact.closed'))"""
    )
    page.locator("#results li a").nth(max(index, 0)).click()
    page.get_by_role("heading", level=1).wait_for()


@pytest.mark.parametrize("locale", ["en-GB", "ar", "ti"])
@pytest.mark.parametrize("width", [320, 360])
def test_list_and_service_fit_the_screen_with_48px_tap_targets(new_context, demo_server, locale, width):
    context, watch, page = open_list(new_context, demo_server, locale, width)
    page.locator("#more-button").click()  # every filter on screen
    assert page.evaluate(OUTSIDE_SCREEN) == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SMALL_TARGETS) == []
    open_rich_detail(page)
    assert page.evaluate(OUTSIDE_SCREEN) == []
    assert page.evaluate(SMALL_TARGETS) == []
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []


@pytest.mark.parametrize("locale", ["en-GB", "ar"])
def test_text_at_200_percent_still_fits_a_320px_screen(new_context, demo_server, locale):
    context, watch, page = open_list(new_context, demo_server, locale, 320)
    # What a phone's "largest text" setting does to rem-based pages.
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert page.evaluate(OUTSIDE_SCREEN) == []
    open_rich_detail(page)
    assert page.evaluate(OUTSIDE_SCREEN) == []
    assert watch.errors == []


@pytest.mark.parametrize("locale", ["en-GB", "ar"])
def test_text_meets_aa_contrast_on_the_list_the_filters_and_a_service(new_context, demo_server, locale):
    context, watch, page = open_list(new_context, demo_server, locale, 360)
    page.locator("#more-button").click()
    page.locator("#filters [data-filter='free']").click()  # a pressed toggle too
    page.wait_for_selector("#results[data-filters='free']", state="attached")
    assert page.evaluate(LOW_CONTRAST) == []
    open_rich_detail(page)
    assert page.evaluate(LOW_CONTRAST) == []


def test_controls_are_real_buttons_with_names_and_states_and_focus_is_visible(new_context, demo_server):
    context, watch, page = open_list(new_context, demo_server, "en-GB", 360)
    assert page.get_by_role("searchbox").count() == 1
    results = page.locator("#results")
    items = results.get_by_role("listitem")
    assert items.count() == results.locator("li").count() > 0
    first = items.first.get_by_role("link")
    assert first.count() == 1
    assert page.locator("#results li .result-name").first.inner_text() in first.inner_text()

    open_now = page.get_by_role("button", name="Open now", pressed=False)
    assert open_now.count() == 1
    category = page.locator("#filters [data-category]").first
    category.click()
    assert category.get_attribute("aria-pressed") == "true"
    assert page.locator("#filters [data-category][aria-pressed='true']").count() == 1
    page.locator("#more-button").click()
    assert page.get_by_label("Language spoken").evaluate("el => el.tagName") == "SELECT"

    # Keyboard focus shows: an outline on the focused control.
    page.get_by_role("searchbox").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
    assert watch.errors == []


def test_page_keeps_a_strict_csp_and_uses_no_inline_script_or_style(new_context, demo_server):
    html = httpx.get(demo_server.url + "/").text
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script in index.html"
    assert " style=" not in html and "<style" not in html
    context, watch, page = open_list(new_context, demo_server, "ar", 360)
    open_rich_detail(page)
    assert page.evaluate("() => document.querySelectorAll('[style]').length") == 0
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []
