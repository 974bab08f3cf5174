"""Duplicate services across sources: keys, name vetoes, the labelled pairs, and directory.db."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from directory.store import Source, save_record, tombstone
from directory.sync.duplicates import candidates, score
from directory.sync.duplicates.evaluate import evaluate, load_pairs, report
from directory.sync.duplicates.keys import (
    domain_of_email,
    domain_of_url,
    keys_from_record,
    normalise_phone,
    normalise_postcode,
)
from directory.sync.duplicates.score import Decision, compare, decide, listing_from_record
from tests.sync.duplicate_helpers import feed_record, new_id

PAIRS_PATH = Path(__file__).with_name("duplicate_pairs.json")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pairs() -> list[dict]:
    return load_pairs(PAIRS_PATH)


def listing(name: str, **details) -> score.Listing:
    """A small feed record, as in duplicate_pairs.json."""
    record: dict = {"name": name}
    if "phone" in details:
        record["phones"] = [{"number": details["phone"]}]
    if "email" in details:
        record["email"] = details["email"]
    if "org" in details:
        record["organization"] = {"name": details["org"]}
    if "postcode" in details:
        record["service_at_locations"] = [{"location": {"addresses": [{"postal_code": details["postcode"]}]}}]
    return listing_from_record(record)


# --- the labelled pairs ------------------------------------------------------------------


def test_labelled_set_has_at_least_60_pairs_of_both_labels_in_both_halves(pairs):
    assert len(pairs) >= 60
    assert len({p["id"] for p in pairs}) == len(pairs)
    for half in (0, 1):
        labels = [p["label"] for p in pairs if p["id"] % 2 == half]
        assert labels.count("same") >= 20 and labels.count("different") >= 20
    assert all(p["label"] in ("same", "different") and p["a"]["name"] and p["b"]["name"] for p in pairs)


def test_same_decision_has_precision_095_and_recall_080_over_labelled_pairs(pairs):
    evaluation = evaluate(pairs)
    print("\n" + report(evaluation))
    assert evaluation.all.pairs == len(pairs)
    assert evaluation.all.precision >= 0.95, evaluation.all.line("all")
    assert evaluation.all.recall >= 0.80, evaluation.all.line("all")


def test_pairs_sharing_no_key_are_never_compared(pairs, monkeypatch):
    compared: list[tuple] = []
    real_compare = score.compare
    monkeypatch.setattr(score, "compare", lambda a, b: compared.append((a, b)) or real_compare(a, b))
    unkeyed = 0
    for pair in pairs:
        a, b = listing_from_record(pair["a"]), listing_from_record(pair["b"])
        before = len(compared)
        verdict = decide(a, b)
        if a.keys.shares_blocking_key(b.keys):
            assert len(compared) == before + 1
        else:
            unkeyed += 1
            assert len(compared) == before, f"pair {pair['id']} shares no key but was compared"
            assert verdict.decision is Decision.DIFFERENT
    assert unkeyed >= 2  # the set holds blocked pairs, a true duplicate among them


def test_identical_names_without_a_shared_key_are_not_compared():
    a = listing("Afghan women's wellbeing circle", phone="+447700900100")
    b = listing("Afghan women's wellbeing circle", phone="+447700900999")
    assert decide(a, b).decision is Decision.DIFFERENT
    assert compare(a, b).decision is Decision.SAME  # the names alone would have matched


# --- name vetoes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name_a", "name_b"),
    [
        ("Clinic 1", "Clinic 2"),
        ("English class level 1", "English class level 2"),
        ("Welcome course: session 3", "Welcome course: session 4"),
        ("Summer holiday club 2024", "Summer holiday club 2025"),
        ("Counselling for young people aged 11 to 25", "Counselling for young people aged 16 to 25"),
    ],
)
def test_names_that_differ_in_a_number_are_different_whatever_the_keys(name_a, name_b):
    shared = {"phone": "+441632960084", "email": "esol@kingsmerecollege.example", "postcode": "KM3 8DW"}
    verdict = compare(listing(name_a, **shared), listing(name_b, **shared))
    assert verdict.decision is Decision.DIFFERENT
    assert any(r.startswith("veto: numbers differ") for r in verdict.reasons)
    assert compare(listing(name_a, **shared), listing(name_a, **shared)).decision is Decision.SAME


@pytest.mark.parametrize(
    ("name_a", "name_b"),
    [
        ("ESOL Entry 3", "Entry Level 3 ESOL"),  # the same number
        ("24-hour crisis line", "Crisis line"),  # a number on one side only
        ("Under-25s sexual health drop-in", "Sexual health drop-in for under 25s"),
    ],
)
def test_numbers_that_agree_or_appear_once_do_not_veto(name_a, name_b):
    shared = {"phone": "+441632960744", "email": "enquiries@kingsmerehealth.example"}
    verdict = compare(listing(name_a, **shared), listing(name_b, **shared))
    assert not any(r.startswith("veto") for r in verdict.reasons)
    assert verdict.decision is Decision.SAME


@pytest.mark.parametrize(
    ("name_a", "name_b", "dimension"),
    [
        ("Women's wellbeing group", "Men's wellbeing group", "gender"),
        ("Food bank - Monday", "Food bank - Thursday", "weekday"),
        ("Morning ESOL class", "Evening ESOL class", "time of day"),
        ("Beginners' English conversation", "Advanced English conversation", "level"),
        (
            "Immigration advice surgery for Arabic speakers",
            "Immigration advice surgery in Dari and Pashto",
            "language",
        ),
    ],
)
def test_sibling_services_told_apart_by_a_closed_word_set_are_different(name_a, name_b, dimension):
    shared = {"phone": "+441632960231", "postcode": "KM2 4DL", "org": "Kingsmere Women's Centre"}
    verdict = compare(listing(name_a, **shared), listing(name_b, **shared))
    assert verdict.decision is Decision.DIFFERENT
    assert any(r.startswith(f"veto: {dimension}") for r in verdict.reasons)


def test_same_name_at_two_postcodes_is_at_most_maybe():
    council = {"phone": "+441632960656", "email": "libraries@kingsmere.example"}
    a = listing("Job club", postcode="KM11 3AB", **council)
    b = listing("Job club", postcode="KM6 7TA", **council)
    verdict = compare(a, b)
    assert verdict.score >= score.SAME_AT  # high enough to link, were it not for the addresses
    assert verdict.decision is Decision.MAYBE
    c = listing("Job club", postcode="km11 3ab", **council)
    assert compare(a, c).decision is Decision.SAME


def test_two_organisations_sharing_only_a_church_halls_details_are_not_linked():
    hall = {"phone": "+441632960310", "postcode": "KM6 1CC"}
    food = listing("Food bank at Ashby Vale Community Church", org="Kingsmere Food Bank", **hall)
    baby = listing("Food bank at Ashby Vale Community Church", org="Little Harbour", **hall)
    assert compare(food, baby).decision is Decision.MAYBE
    same_org = listing("Food bank at Ashby Vale Community Church", org="Kingsmere Food Bank", **hall)
    assert compare(food, same_org).decision is Decision.SAME


def test_a_shared_postcode_alone_never_links():
    a = listing("Immigration advice drop-in", org="Kingsmere Law Centre", postcode="KM1 6AA")
    b = listing("Immigration advice drop-in", org="Kingsmere Refugee and Migrant Centre", postcode="KM1 6AA")
    verdict = compare(a, b)
    assert verdict.score >= score.SAME_AT
    assert verdict.decision is Decision.MAYBE
    with_phone = listing(
        "Immigration advice drop-in", org="Kingsmere Law Centre", postcode="KM1 6AA", phone="+441632960579"
    )
    assert compare(with_phone, with_phone).decision is Decision.SAME


# --- keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["+441632960579", "+44 1632 960579", "01632 960579", "0044 1632 960579", "+44 (0)1632-960579"]
)
def test_phone_numbers_in_any_format_give_one_e164_key(number):
    assert normalise_phone(number) == "441632960579"


def test_short_codes_are_not_keys():
    assert normalise_phone("111") is None
    assert normalise_phone("116 123") is None
    assert keys_from_record({"name": "NHS 111", "phones": [{"number": "111"}]}).phones == frozenset()


def test_website_domains_drop_www_and_ignore_shared_hosts():
    assert domain_of_url("https://WWW.KingsmereLawCentre.example/advice/") == "kingsmerelawcentre.example"
    assert domain_of_url("kingsmerelawcentre.example") == "kingsmerelawcentre.example"
    assert domain_of_url("https://law-clinic.kingsmere-uni.example/x") == "kingsmere-uni.example"
    assert domain_of_url("https://www.facebook.com/kingsmerefoodbank") is None
    assert domain_of_url("https://m.facebook.com/kingsmerefoodbank") is None
    assert domain_of_url("https://www.nhs.uk/services/gp-surgery/x") is None
    assert domain_of_url("https://www.kingsmerehealth.nhs.uk/clinic") == "kingsmerehealth.nhs.uk"
    assert domain_of_url("https://www.kingsmere.gov.uk/housing") == "kingsmere.gov.uk"


def test_email_addresses_are_keys_but_free_mail_domains_are_not():
    keys = keys_from_record({"name": "x", "email": "kingsmere.sewing@gmail.com"})
    assert keys.emails == {"kingsmere.sewing@gmail.com"}
    assert keys.domains == frozenset()
    assert domain_of_email("advice@kingsmerelawcentre.example") == "kingsmerelawcentre.example"
    assert domain_of_email("someone@nhs.net") is None


def test_postcodes_are_uppercased_without_spaces():
    assert normalise_postcode(" km1  3sx ") == "KM13SX"
    assert normalise_postcode("KM1 3SX") == normalise_postcode("km13sx")
    assert normalise_postcode("") is None


def test_website_on_one_side_and_email_on_the_other_share_a_domain():
    a = listing_from_record({"name": "Hope Kitchen: free hot lunch", "email": "hello@hopekitchen.example"})
    b = listing_from_record(
        {"name": "Free Hot Lunch at Hope Kitchen", "url": "https://hopekitchen.example/meals"}
    )
    assert a.keys.shared(b.keys) == {"domains": frozenset({"hopekitchen.example"})}
    assert decide(a, b).decision is Decision.SAME


# --- find_duplicates against directory.db ------------------------------------------------


def test_find_duplicates_links_another_feeds_listing_of_the_same_service(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    save_record(db, "services", incoming, Source("feed:b"))
    matches = candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    assert matches, "the law centre's own listing of the drop-in was not found"
    assert matches[0].service_id == drop_in["id"]
    assert matches[0].decision is Decision.SAME
    assert any(r.startswith("same phone") for r in matches[0].reasons)
    assert incoming["id"] not in {m.service_id for m in matches}
    assert all(m.decision in (Decision.SAME, Decision.MAYBE) for m in matches)
    assert housing["id"] not in {m.service_id for m in matches}  # scored "different": left out


def test_a_different_service_at_the_same_address_sharing_the_phone_is_not_same(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    matches = {m.service_id: m for m in candidates.find_duplicates(db, incoming, exclude_source="feed:b")}
    assert drop_in["id"] in matches
    assert housing["id"] not in matches or matches[housing["id"]].decision is not Decision.SAME


def test_find_duplicates_leaves_out_the_records_own_source_and_withdrawn_services(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    assert candidates.find_duplicates(db, incoming, exclude_source="feed:a") == []
    assert tombstone(db, "services", drop_in["id"], Source("feed:a"))
    assert drop_in["id"] not in {
        m.service_id for m in candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    }


def test_find_duplicates_only_scores_services_that_share_a_key(two_feeds, monkeypatch):
    db, drop_in, housing, incoming = two_feeds
    # Same name, but only look-alike keys: a French number with the same last nine digits
    # and a website whose domain merely contains the law centre's.
    stranger = feed_record(
        "Kingsmere Law Centre – Asylum & Immigration Advice Drop-In",
        phone="+331632960579",
        postcode="KM9 9ZZ",
        url="https://notkingsmerelawcentre.example/drop-in",
    )
    stranger["organization"]["name"] = "Another Law Centre"
    save_record(db, "services", stranger, Source("feed:c"))
    assert stranger["id"] in candidates.candidate_ids(db, listing_from_record(incoming).keys, "feed:b")
    scored: list[str] = []
    real_compare = candidates.compare
    monkeypatch.setattr(candidates, "compare", lambda a, b: scored.append(b.names[0]) or real_compare(a, b))
    matches = candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    assert sorted(scored) == sorted([drop_in["name"], housing["name"]])
    assert stranger["id"] not in {m.service_id for m in matches}


def test_find_duplicates_returns_same_before_maybe_and_higher_scores_first(two_feeds, monkeypatch):
    db, drop_in, housing, incoming = two_feeds
    # Ids in the opposite order to the expected ranking, so an unsorted result shows.
    ranked = {
        "Asylum clinic C": (Decision.SAME, 99.0),
        "Asylum clinic B": (Decision.SAME, 92.0),
        "Asylum clinic A": (Decision.MAYBE, 105.0),
    }  # capped: a high score, still maybe
    ids = {}
    for n, name in enumerate(sorted(ranked)):
        record = feed_record(name, phone="+441632960579", postcode="KM1 3SX")
        record["id"] = ids[name] = f"00000000-0000-4000-8000-00000000000{n}"
        save_record(db, "services", record, Source("feed:c"))
    monkeypatch.setattr(
        candidates,
        "compare",
        lambda a, b: (
            score.Verdict(ranked[b.names[0]][1], ranked[b.names[0]][0], ())
            if b.names[0] in ranked
            else score.Verdict(0.0, Decision.DIFFERENT, ())
        ),
    )
    matches = candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    assert [m.service_id for m in matches] == [
        ids["Asylum clinic C"],
        ids["Asylum clinic B"],
        ids["Asylum clinic A"],
    ]


def test_find_duplicates_does_not_write_to_the_database(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    before = db.conn.total_changes
    assert candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    assert db.conn.total_changes == before


def test_find_duplicates_finds_a_demo_service_a_feed_rewrites(demo_instance):
    db = demo_instance.directory()
    try:
        original = db.execute(
            "SELECT id FROM services WHERE name = 'Immigration and asylum advice drop-in'"
        ).fetchone()[0]
        stored_number = db.execute("SELECT number FROM phones WHERE service_id = ?", [original]).fetchone()[0]
        assert stored_number != "+441632960579"  # the demo stores it spaced; the feed sends E.164
        incoming = {
            "id": new_id(),
            "name": "Kingsmere Law Centre: immigration & asylum advice (drop-in)",
            "organization": {"id": new_id(), "name": "Kingsmere Law Centre", "description": "Legal advice."},
            "phones": [{"id": new_id(), "number": "+441632960579"}],
        }
        matches = candidates.find_duplicates(db, incoming, exclude_source="feed:ngo")
        assert matches[0].service_id == original
        assert matches[0].decision is Decision.SAME
        others = [m for m in matches[1:] if m.decision is Decision.SAME]
        assert others == [], f"other law centre services linked: {others}"
    finally:
        db.close()


# --- the evaluation command ----------------------------------------------------------------


def test_evaluate_command_prints_the_figures_the_tests_assert(pairs):
    result = subprocess.run(
        [sys.executable, "-m", "directory.sync.duplicates.evaluate", str(PAIRS_PATH)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    evaluation = evaluate(pairs)
    assert f"precision {evaluation.all.precision:.3f}" in result.stdout
    assert f"recall {evaluation.all.recall:.3f}" in result.stdout
    assert "even ids" in result.stdout and "odd ids" in result.stdout


def test_evaluate_command_fails_with_one_line_on_a_bad_file(tmp_path):
    bad = tmp_path / "pairs.json"
    bad.write_text(json.dumps({"not": "a list"}))
    result = subprocess.run(
        [sys.executable, "-m", "directory.sync.duplicates.evaluate", str(bad)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "expected a list of pairs" in result.stderr
