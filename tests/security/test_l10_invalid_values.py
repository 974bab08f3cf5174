"""L10: an unusable value typed by a person is refused naming its field; the stored value stays."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.staff.edit_helpers import form_fields
from tests.staff.helpers import bearer, login, make_token, make_user

PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def setup(demo_instance, server_for):
    """A server, a demo service with a url, an e-mail, a phone and an assured date, and its editor."""
    with closing(demo_instance.directory()) as db:
        service_id, org = db.execute(
            "SELECT id, organization_id FROM services WHERE url IS NOT NULL AND email IS NOT NULL"
            " AND id IN (SELECT service_id FROM phones) ORDER BY id LIMIT 1"
        ).fetchone()
        db.execute("UPDATE services SET assured_date = '2026-01-15' WHERE id = ?", [service_id])
    make_user(demo_instance, "ed@l10.test", "editor", [org])
    token = bearer(make_token(demo_instance, "ed@l10.test"))
    return demo_instance, server_for(demo_instance), service_id, token


def stored(instance, service_id: str) -> tuple:
    with closing(instance.directory()) as db:
        row = db.execute("SELECT url, email, assured_date, minimum_age FROM services WHERE id = ?", [service_id]).fetchone()
        phones = sorted(r[0] for r in db.execute("SELECT number FROM phones WHERE service_id = ?", [service_id]))
    return (*row, phones)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "not a web address"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"email": "nobody at all"}, "email"),
        ({"assured_date": "some day soon"}, "assured_date"),
        ({"minimum_age": "eighteen"}, "minimum_age"),
        ({"phones": [{"number": "call us"}]}, "number"),
    ],
)
def test_l10_patch_with_an_unusable_value_answers_422_naming_the_field_and_keeps_the_stored_value(setup, body, field):
    instance, server, service_id, token = setup
    before = stored(instance, service_id)
    etag = httpx.get(f"{server.url}/api/services/{service_id}", headers=token, timeout=30).headers["etag"]
    answer = httpx.patch(
        f"{server.url}/api/services/{service_id}", headers={**token, **PATCH_TYPE, "If-Match": etag}, json=body, timeout=30
    )
    assert answer.status_code == 422, answer.text
    assert any(field in problem for problem in answer.json()["problems"]), answer.json()
    assert stored(instance, service_id) == before


@pytest.mark.parametrize(
    "name, value",
    [("url", "not a web address"), ("email", "nobody at all"), ("phones-0-number", "call us")],
)
def test_l10_the_form_shows_the_error_next_to_the_field_and_keeps_the_stored_value(setup, name, value):
    instance, server, service_id, _ = setup
    before = stored(instance, service_id)
    client, _ = login(None, server.url, "ed@l10.test")
    with closing(client):
        fields = form_fields(client.get(f"/staff/services/{service_id}").text)
        assert fields[name]  # the stored value is on the form
        fields[name] = value
        answer = client.post(f"/staff/services/{service_id}", data=fields)
    assert answer.status_code == 400, answer.text[:500]
    assert f'<p class="field-error" id="e-{name}">' in answer.text
    assert stored(instance, service_id) == before
