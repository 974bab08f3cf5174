"""M2: staff who are not admins (viewers, publishers) never read a feed's credentials."""

from __future__ import annotations

from contextlib import closing

from directory.sync.feeds import Feed, add_feed
from tests.staff.workflow_helpers import close_all, one, org_with_services, sign_in

SECRET_URL = "http://reader:hunter2@93.184.216.34/v1/services.json?api_key=s3cret&page=1"
SHOWN = "http://93.184.216.34/v1/services.json?api_key=…&amp;page=…"  # as the HTML has it


def test_viewers_and_publishers_see_the_address_without_credentials_and_admins_see_it_whole(
    demo_instance, server_for
):
    org = org_with_services(demo_instance)
    with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
        add_feed(db, private, Feed(name="ngo", url=SECRET_URL, format="hsds-json", publisher_id=org))
        private.execute("INSERT INTO quarantine (source, source_id, raw, reasons, at) VALUES ('feed:ngo', 'x-1',"
                        " '{}', ?, '2026-01-01T00:00:00Z')", [f'["{SECRET_URL} did not answer with service x-1"]'])
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, viewer=("viewer", []), pub=("publisher", [org]), admin=("admin", []))
    try:
        for key in ("viewer", "pub"):
            page = people[key][0].get("/staff/feeds/ngo")
            assert page.status_code == 200, key
            assert "hunter2" not in page.text and "s3cret" not in page.text, key
            assert "did not answer with service x-1" in page.text, key
        assert SHOWN in people["pub"][0].get("/staff/feeds/ngo").text  # the form, for the publisher who manages it
        assert "s3cret" in people["admin"][0].get("/staff/feeds/ngo").text

        # The publisher saves the form as shown: the stored address keeps its credentials.
        client, csrf = people["pub"]
        saved = client.post("/staff/feeds/ngo", data={"csrf_token": csrf, "format": "hsds-json",
                                                     "url": SHOWN.replace("&amp;", "&")})  # fmt: skip
        assert saved.status_code == 303 and saved.headers["location"].endswith("saved=unchanged")
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT url FROM feed_settings WHERE name = 'ngo'", private=True) == SECRET_URL
