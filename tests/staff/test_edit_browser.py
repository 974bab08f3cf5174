"""In a real Chromium: a member of staff changes opening hours in the week grid, and a phone
that already had the directory sees the new hours after a reload."""

from __future__ import annotations

from contextlib import closing

from playwright.sync_api import expect

from tests.bundle_helpers import wait_for_fresh_bundles
from tests.pwa_helpers import result_link, search_for, wait_until
from tests.staff.edit_helpers import a_service_of
from tests.staff.helpers import PASSWORD, make_user


def a_day_without_hours(instance, service_id: str) -> tuple[str, str]:
    """(day code, day name) of a weekday on which the service has no hours yet."""
    names = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
             "SA": "Saturday", "SU": "Sunday"}
    with closing(instance.directory()) as db:
        taken = {d for (byday,) in db.execute("SELECT byday FROM schedules WHERE service_id = ?", [service_id])
                 for d in str(byday or "").split(",")}
    day = next(d for d in names if d not in taken)
    return day, names[day]


def test_staff_edit_hours_in_the_week_grid_and_the_pwa_shows_them_after_a_reload(demo_instance, server_for, browser):
    service_id, org = a_service_of(demo_instance)
    with closing(demo_instance.directory()) as db:
        name = db.execute("SELECT name FROM services WHERE id = ?", [service_id]).fetchone()[0]
    day, day_name = a_day_without_hours(demo_instance, service_id)
    make_user(demo_instance, "hours@browser.test", "editor", [org])
    server = server_for(demo_instance)

    phone = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    staff = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        # The phone opens the directory first, so it holds the old data.
        pwa = phone.new_page()
        pwa.goto(server.url + "/")
        wait_until(pwa, "() => navigator.serviceWorker.controller !== null", "the service worker to control the page")
        pwa.wait_for_selector("#results li")
        search_for(pwa, name)
        result_link(pwa, {"id": service_id}).click()
        expect(pwa.get_by_role("heading", level=1)).to_have_text(name)
        assert "07:15" not in pwa.locator("#detail").inner_text()
        pwa.locator("#detail a.back").click()
        pwa.wait_for_selector("#results li")

        desk = staff.new_page()
        desk.goto(server.url + "/staff/login")
        desk.get_by_label("E-mail address").fill("hours@browser.test")
        desk.get_by_label("Password").fill(PASSWORD)
        desk.get_by_role("button", name="Sign in").click()
        desk.wait_for_url(server.url + "/staff/")
        desk.goto(f"{server.url}/staff/services/{service_id}")
        desk.get_by_label(f"{day_name}, opens", exact=True).fill("07:15")
        desk.get_by_label(f"{day_name}, closes", exact=True).fill("11:45")
        desk.get_by_role("button", name="Save changes").click()
        expect(desk.locator("#saved-message")).to_have_text("Saved.")
        expect(desk.get_by_label(f"{day_name}, opens", exact=True)).to_have_value("07:15")
        wait_for_fresh_bundles(server)  # the new bundle is built aside, then offered

        pwa.reload()
        pwa.wait_for_selector("#results li")
        search_for(pwa, name)
        result_link(pwa, {"id": service_id}).click()
        expect(pwa.get_by_role("heading", level=1)).to_have_text(name)
        expect(pwa.locator("#detail")).to_contain_text("07:15")
        expect(pwa.locator("#detail")).to_contain_text("11:45")
    finally:
        phone.close()
        staff.close()
