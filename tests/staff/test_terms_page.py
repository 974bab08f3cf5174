"""The feed page's "Terms to map": each unmapped term with its suggestion, accepted in one step."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.staff.workflow_helpers import close_all, one, org_with_services, sign_in
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services
from tests.sync.test_taxonomy_mapping import harbour_codes, services_211

FEED = "kingsmere-211"
BANCO = {"feed": FEED, "scheme": "kingsmere-211-taxonomy", "code": "K-LOCAL-7", "label": "Banco de alimentos"}


@pytest.fixture
def synced(demo_instance):
    """The demo city with the 211 feed, published by one of its organizations, synced once."""
    org = org_with_services(demo_instance)
    with FeedServer() as feeds:
        with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
            add_feed(db, private, Feed(FEED, serve_services(feeds, services_211()), "hsds-json",
                                       allow_private=True, publisher_id=org))  # fmt: skip
        sync_feed(demo_instance, FEED)
        yield demo_instance, org


def section(page: str) -> str:
    return page.split('id="terms"')[1].split("</section>")[0]


def mappings(instance) -> int:
    return one(instance, "SELECT count(*) FROM taxonomy_mappings")


def test_the_feed_page_shows_each_unmapped_term_with_its_suggestion_and_an_accept_button(synced, server_for):
    instance, org = synced
    people = sign_in(instance, server_for(instance), pub=("publisher", [org]))
    client, _ = people["pub"]
    try:
        terms = section(client.get(f"/staff/feeds/{FEED}").text)
    finally:
        close_all(people)
    assert "Terms to map (2)" in terms
    assert "Banco de alimentos" in terms and "suggested: Food banks and parcels" in terms
    assert "استشارات اللجوء" in terms and "suggested: Asylum and immigration advice" in terms
    assert terms.count(">Accept</button>") == 2 and "Accept all suggestions (2)" in terms
    assert '<option value="food-banks" selected>' in terms


def test_accept_maps_the_term_and_its_services_move_into_the_category_at_once(synced, server_for):
    instance, org = synced
    people = sign_in(instance, server_for(instance), pub=("publisher", [org]))
    client, csrf = people["pub"]
    try:
        done = client.post("/staff/terms/map", data={**BANCO, "category": "food-banks", "csrf_token": csrf})
        assert done.status_code == 303 and done.headers["location"] == f"/staff/feeds/{FEED}?terms=mapped#terms"
        after = section(client.get(done.headers["location"]).text)
    finally:
        close_all(people)
    assert harbour_codes(instance, "svc-3") == harbour_codes(instance, "svc-5") == ["food-banks"]
    assert "Banco de alimentos" not in after and "The term is mapped" in after and "Terms to map (1)" in after
    assert one(instance, "SELECT count(*) FROM audit_log WHERE table_name = 'taxonomy_mappings'", private=True) == 1


def test_accept_all_suggestions_maps_every_suggested_term(synced, server_for):
    instance, org = synced
    other = org_with_services(instance, skip=1)  # an editor maps any feed's terms, not only its organizations'
    people = sign_in(instance, server_for(instance), ed=("editor", [other]))
    client, csrf = people["ed"]
    try:
        done = client.post("/staff/terms/accept", data={"feed": FEED, "csrf_token": csrf})
    finally:
        close_all(people)
    assert done.status_code == 303
    assert harbour_codes(instance, "svc-4") == ["legal-immigration"]
    assert harbour_codes(instance, "svc-3") == ["food-banks"]


def test_a_map_without_the_csrf_token_or_by_whoever_may_not_is_refused_and_changes_nothing(synced, server_for):
    instance, org = synced
    other = org_with_services(instance, skip=1)
    server = server_for(instance)
    before = mappings(instance)
    form = {**BANCO, "category": "food-banks"}
    assert httpx.post(server.url + "/staff/terms/map", data=form).status_code == 401
    people = sign_in(instance, server, pub=("publisher", [org]), stranger=("publisher", [other]),
                     viewer=("viewer", ()))  # fmt: skip
    try:
        client, _ = people["pub"]
        assert client.post("/staff/terms/map", data=form).status_code == 403  # no token
        assert client.post("/staff/terms/map", data={**form, "csrf_token": "forged"}).status_code == 403
        stranger, stranger_csrf = people["stranger"]
        assert stranger.post("/staff/terms/map", data={**form, "csrf_token": stranger_csrf}).status_code == 403
        viewer, viewer_csrf = people["viewer"]
        assert viewer.post("/staff/terms/accept", data={"feed": FEED, "csrf_token": viewer_csrf}).status_code == 403
    finally:
        close_all(people)
    assert mappings(instance) == before
    assert harbour_codes(instance, "svc-3") == []


@pytest.mark.parametrize(
    "changes, status, sentence",
    [
        ({"category": "<script>alert(1)</script>"}, 400, "is not a Harbour category or attribute code"),
        ({"category": "snacks"}, 400, "is not a Harbour category or attribute code"),
        ({"code": "K-LOCAL-0"}, 400, "unmapped terms any more"),
        ({"feed": "no-such-feed"}, 404, "find that page"),
    ],
)
def test_a_hostile_or_unknown_category_or_term_is_refused_with_a_sentence(synced, server_for, changes, status, sentence):
    instance, org = synced
    before = mappings(instance)
    people = sign_in(instance, server_for(instance), pub=("publisher", [org]))
    client, csrf = people["pub"]
    try:
        refused = client.post("/staff/terms/map", data={**BANCO, "category": "food", **changes, "csrf_token": csrf})
    finally:
        close_all(people)
    assert refused.status_code == status and sentence in refused.text
    assert "<script>alert" not in refused.text
    assert mappings(instance) == before
