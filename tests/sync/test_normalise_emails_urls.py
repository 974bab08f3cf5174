"""E-mails and URLs: fixed when the intent is clear, dropped with a warning when not."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.emails_urls import clean_email, clean_url


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("help@refugee.org.uk", "help@refugee.org.uk"),
        ("mailto:Info@Example.ORG", "Info@example.org"),
        ("MAILTO:advice@Kingsmere.example?subject=Hello", "advice@kingsmere.example"),
        ("<help@refugee.org.uk>", "help@refugee.org.uk"),
        ("First.Last@Sub.Example.CO.UK", "First.Last@sub.example.co.uk"),
        ("  team+intake@example.org  ", "team+intake@example.org"),
        ("info@exämple.de", "info@exämple.de"),
    ],
)
def test_emails_lose_mailto_and_get_a_lowercase_domain_keeping_the_local_part(raw, expected):
    assert clean_email(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "a@b",
        "x@@y.org",
        "no-at-sign.org",
        "a..b@c.org",
        "user@[127.0.0.1]",
        "name@-bad-.org",
        "@example.org",
        "call us",
    ],
)
def test_malformed_emails_are_refused_with_the_reason(raw):
    assert clean_email(raw) == (None, f"{raw!r} is not an e-mail address; dropped")


def test_the_first_of_several_emails_is_kept_with_a_note():
    assert clean_email("a@b.org; c@d.org") == (
        "a@b.org",
        "kept the first of several e-mail addresses in 'a@b.org; c@d.org'",
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("example.org", "https://example.org"),
        ("www.Example.ORG/Path?a=1&b=2", "https://www.example.org/Path?a=1&b=2"),
        ("http://example.org/counselling", "http://example.org/counselling"),
        ("HTTPS://EXAMPLE.ORG/A", "https://example.org/A"),
        ("//cdn.example.org/logo.png", "https://cdn.example.org/logo.png"),
        ("example.org:8080/x", "https://example.org:8080/x"),
        ("https://münchen.de/x", "https://münchen.de/x"),
        ("https://example.org/#hours", "https://example.org/#hours"),
    ],
)
def test_urls_get_https_when_bare_and_a_lowercase_scheme_and_host(raw, expected):
    assert clean_url(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<b>hi</b>",
        "ftp://example.org/f",
        "mailto:a@b.org",
        "vbscript:x",
        "file:///etc/passwd",
    ],
)
def test_urls_other_than_http_and_https_are_dropped(raw):
    url, problem = clean_url(raw)
    assert url is None
    assert problem is not None and "dropped" in problem


@pytest.mark.parametrize(
    "raw", ["Call us", "localhost", "x.org/a b", "http://user:pw@example.org", "https://", "http://-x-.org"]
)
def test_text_that_is_not_a_usable_web_address_is_dropped(raw):
    url, problem = clean_url(raw)
    assert url is None
    assert problem is not None


def _ctx() -> NormaliseContext:
    return NormaliseContext("mail-feed", "GB", "Europe/London", CategoryMapper([]))


def test_a_bad_email_is_dropped_with_a_warning_and_the_record_is_kept():
    record = {
        "id": "s1",
        "name": "Advice",
        "status": "active",
        "email": "not-an-address",
        "url": "javascript:alert(1)",
        "organization": {"id": "o1", "name": "Org", "description": "D", "website": "org.example"},
    }
    result = normalise_service(record, _ctx())
    assert "email" not in result.record and "url" not in result.record
    assert result.record["organization"]["website"] == "https://org.example"
    assert result.warnings == [
        "service: email: 'not-an-address' is not an e-mail address; dropped",
        "service: url: 'javascript:alert(1)' is not an http or https address; dropped",
    ]


def test_email_and_url_fields_of_nested_records_are_cleaned_too():
    record = {
        "id": "s1",
        "name": "Advice",
        "organization_id": "o1",
        "contacts": [{"id": "c1", "email": "mailto:Ann@Example.ORG"}],
        "service_areas": [{"id": "a1", "uri": "example.org/areas/km1"}],
        "schedules": [{"id": "h1", "schedule_link": "www.example.org/book"}],
    }
    clean = normalise_service(record, _ctx()).record
    assert clean["contacts"][0]["email"] == "Ann@example.org"
    assert clean["service_areas"][0]["uri"] == "https://example.org/areas/km1"
    assert clean["schedules"][0]["schedule_link"] == "https://www.example.org/book"
