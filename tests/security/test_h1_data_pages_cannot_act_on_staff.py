"""H1: SQL anyone may run at /data/ must never act as the member of staff who opens it.

A query's popup link (datasette-cluster-map escapes HTML, not URL schemes) or a column
name that smuggles a <script> used to run on the staff origin: it read /staff/notices,
took the CSRF token and posted an urgent notice to every phone. The data pages are now
a sandboxed, opaque origin under a strict script policy, and popup links stay links only
when they are http(s) (directory/web/datasette_policy.py, datasette_plugins/harbour_guard.py).
"""

from __future__ import annotations

import json

from tests.security.data_helpers import keep_requests_local, problems_of, sign_in, sql_page
from tests.test_datasette import query

TITLE = "Evacuate your homes now"
# What the link runs: read the notices form for its CSRF token, post an urgent notice to everyone.
ATTACK = (
    'javascript:void fetch("/staff/notices").then(r => r.text()).then(page => fetch("/staff/notices", {'
    'method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: new URLSearchParams({'
    'csrf_token: page.match(/name="csrf_token" value="([^"]+)"/)[1], title: "' + TITLE + '", '
    'body: "Leave everything.", severity: "urgent", target: "everyone"})})).finally(() => {'
    'document.title = "attack finished"})'
)
ATTACK_SQL = (
    "SELECT 51.5 AS latitude, -0.12 AS longitude, "
    f"json_object('title', 'Free legal advice today', 'link', '{ATTACK.replace(chr(39), chr(39) * 2)}') AS popup"
)
SMUGGLED_SQL = (
    "SELECT latitude AS \"</script><script>document.title='smuggled'</script>_lat\", longitude AS x_lng "
    "FROM locations LIMIT 1"
)


def notices_titled(server, title: str) -> int:
    return query(server.data_dir, "SELECT count(*) FROM notices WHERE title = ?", [title])[0][0]


def test_a_popup_link_with_a_script_posts_no_notice_for_a_signed_in_admin(admin_server, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        keep_requests_local(context)
        sign_in(context, admin_server)
        page = context.new_page()
        page.goto(sql_page(admin_server, ATTACK_SQL))
        page.locator(".leaflet-marker-icon").first.click()
        link = page.locator(".leaflet-popup-content a")
        link.wait_for()
        link.click()
        # Either the script ran to its end, or the link was defused before it could be clicked.
        page.wait_for_function(
            """() => document.title === "attack finished"
                 || !document.querySelector('.leaflet-popup-content a[href^="javascript:"]')"""
        )
        href = link.get_attribute("href")
    finally:
        context.close()
    assert notices_titled(admin_server, TITLE) == 0
    assert href is None, "a javascript: link in a popup keeps no href"


def test_a_script_on_a_data_page_can_neither_read_nor_post_to_the_staff_pages(admin_server, browser):
    context = browser.new_context()
    try:
        sign_in(context, admin_server)
        page = context.new_page()
        page.goto(admin_server.url + "/data/directory")
        # Whatever a query manages to run there, it runs as this.
        outcome = page.evaluate(
            """async () => {
                const outcome = {origin: window.origin};
                try {
                    const answer = await fetch("/staff/notices", {credentials: "include"});
                    outcome.read = (await answer.text()).includes("csrf_token");
                } catch (error) {
                    outcome.read = "refused";
                }
                try {
                    await fetch("/staff/notices", {method: "POST", credentials: "include", mode: "no-cors",
                        body: new URLSearchParams({title: "posted blind", body: "x", severity: "urgent"})});
                    outcome.posted = "sent";
                } catch (error) {
                    outcome.posted = "refused";
                }
                return outcome;
            }"""
        )
    finally:
        context.close()
    assert outcome == {"origin": "null", "read": "refused", "posted": "refused"}
    assert notices_titled(admin_server, "posted blind") == 0


def test_a_column_name_carrying_a_script_does_not_run(admin_server, browser):
    context = browser.new_context()
    try:
        keep_requests_local(context)
        page = context.new_page()
        page.goto(sql_page(admin_server, SMUGGLED_SQL))
        page.locator("table.rows-and-columns").wait_for()
        assert page.locator("table.rows-and-columns th").first.inner_text().startswith("</script>"), "shown as text"
        assert page.title() != "smuggled"
    finally:
        context.close()


def test_the_data_pages_still_work_in_the_browser_under_the_policy(admin_server, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        outside = keep_requests_local(context)
        page = context.new_page()
        problems = problems_of(page)
        # The map of locations draws its markers and our own tiles.
        page.goto(admin_server.url + "/data/directory/locations")
        page.locator(".leaflet-tile-loaded").first.wait_for()
        page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
        assert page.evaluate("window.origin") == "null", "the page runs in an opaque origin"
        # The SQL page: its editor, its results, and the map of a query with coordinates.
        page.goto(sql_page(admin_server, "SELECT name, latitude, longitude FROM locations"))
        page.locator(".CodeMirror").wait_for()
        page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
        assert page.locator("table.rows-and-columns tbody tr").count() > 0
        # Facets: following one narrows the table.
        page.goto(admin_server.url + "/data/directory/service_directory")
        facet = page.locator(".facet-info[data-column='status'] li a").first
        facet.click()
        page.wait_for_url("**status=*")
        assert page.locator("table.rows-and-columns tbody tr").count() > 0
        # The JSON link answers JSON.
        href = page.locator("a[href*='.json']").first.get_attribute("href")
        answer = page.goto(admin_server.url + href if href.startswith("/") else href)
        assert answer.status == 200 and "rows" in json.loads(answer.text())
    finally:
        context.close()
    assert problems == [], problems
    assert outside == [], outside
