"""A run prepares the next page (in a helper process) while it writes this one: the result is the same."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest

from directory.instance import Instance, init_instance
from directory.sync import prepare
from directory.sync.run import sync_feed
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import service
from tests.sync.test_run import content, listed, register
from tests.sync.test_run_pages import serve_pages


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def _feed() -> list[dict]:
    """Pages of good records, one the feed format refuses, one the normaliser refuses, one with a fixable fault."""
    records = [service(n) for n in range(9)]
    records[2] = service(2, name="<p> </p>")  # refused when normalised: no name is left
    records[4] = {k: v for k, v in service(4).items() if k != "id"}  # refused by the format: no id
    records[6] = service(6, email="not an address")  # kept, the e-mail dropped with a warning
    return records


def _started_helpers(monkeypatch) -> list:
    started: list = []
    real = prepare._start_helper

    def counting():
        started.append(1)
        return real()

    monkeypatch.setattr(prepare, "_start_helper", counting)
    return started


def test_a_run_prepared_by_the_helper_process_stores_exactly_what_an_in_process_run_stores(
    tmp_path, server, monkeypatch
):
    url = serve_pages(server, _feed(), size=3)
    in_process = init_instance(tmp_path / "a")
    # The same start for both, to the second (the taxonomy's translations carry when they were loaded).
    shutil.copytree(in_process.data_dir, tmp_path / "b")
    helped = Instance(tmp_path / "b")
    register(in_process, "city", url)
    register(helped, "city", url)
    started = _started_helpers(monkeypatch)
    monkeypatch.setattr(prepare, "HELPER_THRESHOLD", 10_000)
    alone = sync_feed(in_process, "city")
    assert started == []
    monkeypatch.setattr(prepare, "HELPER_THRESHOLD", 1)
    with_helper = sync_feed(helped, "city")
    assert started == [1]  # one helper for the run, fed page after page
    counts = ("result", "fetched", "created", "updated", "unchanged", "quarantined")
    assert [getattr(with_helper, k) for k in counts] == [getattr(alone, k) for k in counts]
    assert (with_helper.created, with_helper.quarantined) == (7, 2)
    expected, found = content(in_process), content(helped)
    for volatile in ("changes", "metadata", "provenance", "sync_runs"):  # timestamps and random ids differ
        expected.pop(volatile, None), found.pop(volatile, None)
    # A translation's `updated` is when it was written: compare everything else.
    expected["translations"], found["translations"] = (
        sorted(repr(ast.literal_eval(row)[:-1]) for row in rows)
        for rows in (expected["translations"], found["translations"])
    )
    assert found == expected
    assert listed(helped) == listed(in_process)


def test_a_helper_that_dies_leaves_the_run_to_prepare_its_pages_itself(empty_instance, server, monkeypatch):
    register(empty_instance, "city", serve_pages(server, _feed(), size=3))
    monkeypatch.setattr(prepare, "HELPER_THRESHOLD", 1)
    monkeypatch.setattr(
        prepare, "_start_helper",
        lambda: subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE),
    )
    report = sync_feed(empty_instance, "city")
    assert (report.result, report.created, report.quarantined) == ("ok_with_problems", 7, 2)  # two set aside
    assert len(listed(empty_instance)) == 7


def test_the_helper_answers_each_page_as_prepare_records_does_in_process():
    from directory.sync.merge import prepare_records
    from directory.sync.normalise import CategoryMapper, InvalidRecord, NormaliseContext, Normalised

    ctx = NormaliseContext(feed_name="city", region="GB", timezone="Europe/London", categories=CategoryMapper([]))
    raws = [raw for raw in _feed() if "id" in raw]  # what the format passes on
    hints = {"svc-0": prepare_records([raws[0]], ctx, {})[0].digest}  # stored as sent: not normalised again
    with prepare.Preparer(ctx, threshold=1) as preparer:
        remote = preparer.submit(raws, hints).result()
        assert preparer.helper is not None and not preparer.failed
    local = prepare_records(raws, ctx, hints)
    assert [p.digest for p in remote] == [p.digest for p in local]
    assert remote[0].normalised is None
    assert isinstance(remote[2].normalised, InvalidRecord)
    assert remote[2].normalised.reasons == local[2].normalised.reasons
    assert all(isinstance(p.normalised, Normalised) for i, p in enumerate(remote) if i not in (0, 2))
    assert [p.normalised.record for i, p in enumerate(remote) if i not in (0, 2)] == [
        p.normalised.record for i, p in enumerate(local) if i not in (0, 2)
    ]
    assert raws[5]["id"] == "svc-6"
    assert remote[5].normalised.warnings == local[5].normalised.warnings != []


def test_a_recognised_page_is_read_again_when_the_page_before_it_changed_one_of_its_services(
    empty_instance, server
):
    # The feed lists svc-1 twice, differently; the later page wins, on every run. The first page,
    # landing, changes svc-1's stored hash, so the second, identical to last time, is no longer
    # recognised: it must be read again, as it would be had the first landed before it was fetched.
    records = [service(0), service(1, name="Advice drop-in, first mention"),
               service(2), service(1, name="Advice drop-in, second mention")]
    register(empty_instance, "city", serve_pages(server, records, size=2))
    sync_feed(empty_instance, "city")
    assert listed(empty_instance)["svc-1"] == "Advice drop-in, second mention"
    again = sync_feed(empty_instance, "city")
    assert again.result == "ok"
    assert listed(empty_instance)["svc-1"] == "Advice drop-in, second mention"
