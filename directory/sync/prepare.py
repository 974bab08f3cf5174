"""Preparing a feed's next page on the machine's other core while this one is written.

Landing a record needs its fingerprint and, unless it is unchanged, its clean form
(`merge.prepare_records`): pure work that touches no database and no network, and
most of a large first sync. Python runs one thread at a time, so a run hands that
work to a helper process (`python -m directory.sync.prepare`) over a pipe, one page
ahead, and writes the current page meanwhile; pages still land one by one, in order,
in the run's own transaction, and nothing the helper does is stored without the run
deciding so.

A run starts the helper only when a page brings `HELPER_THRESHOLD` records or more to
prepare (a feed of a few hundred services is prepared in-process, as is everything a
helper cannot do: if it fails in any way, the run goes on without it). The helper
reads pages until its input closes, so it ends with the run, or with the process that
started it, however that ends.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from directory.sync.merge import Prepared, prepare_records
from directory.sync.normalise import InvalidRecord, NormaliseContext, Normalised

HELPER_THRESHOLD = 200  # records to prepare in one page before a run starts a helper process


class Pending:
    """A page's preparation: in-process (done when asked) or in the helper (read when asked)."""

    def __init__(self, preparer: Preparer, raws: list, hints: dict[str, str], remote: bool):
        self.preparer, self.raws, self.hints, self.remote = preparer, raws, hints, remote
        self.done: list[Prepared] | None = None

    def result(self) -> list[Prepared] | None:
        if self.done is None:
            if self.remote:
                self.done = self.preparer.receive(len(self.raws))
            if self.done is None:  # in-process, or the helper failed
                self.done = prepare_records(self.raws, self.preparer.ctx, self.hints)
        return self.done


class Preparer:
    """Prepares pages for `land_records`, in a helper process when a page is large enough."""

    def __init__(self, ctx: NormaliseContext, threshold: int | None = None):
        self.ctx = ctx
        self.threshold = HELPER_THRESHOLD if threshold is None else threshold
        self.helper: subprocess.Popen | None = None
        self.failed = False
        self.waiting = False  # the helper owes the answer to the last page sent

    def submit(self, raws: list, hints: dict[str, str]) -> Pending:
        """Start preparing `raws` (`hints`: {source id: stored content hash}, see `prepare_records`)."""
        assert not self.waiting, "collect a page's preparation before sending the next"
        to_prepare = len(raws) - len(hints)
        if not self.failed and (self.helper is not None or to_prepare >= self.threshold):
            if self._send(raws, hints):
                return Pending(self, raws, hints, remote=True)
        return Pending(self, raws, hints, remote=False)

    def receive(self, count: int) -> list[Prepared] | None:
        self.waiting = False
        try:
            answer = pickle.load(self.helper.stdout)
            if not isinstance(answer, list) or len(answer) != count:
                raise ValueError(f"the helper answered {type(answer).__name__} for {count} records")
            return [_prepared(item) for item in answer]
        except Exception:  # noqa: BLE001 - any failure of the helper: prepare in-process instead
            self._fail()
            return None

    def close(self) -> None:
        helper, self.helper = self.helper, None
        if helper is None:
            return
        for stream in (helper.stdin, helper.stdout):  # its input ends; an answer no one reads fails to write
            try:
                stream.close()
            except OSError:
                pass
        try:
            helper.wait(timeout=5)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, raws: list, hints: dict[str, str]) -> bool:
        try:
            if self.helper is None:
                self.helper = _start_helper()
                pickle.dump(self.ctx, self.helper.stdin, pickle.HIGHEST_PROTOCOL)
            pickle.dump((raws, hints), self.helper.stdin, pickle.HIGHEST_PROTOCOL)
            self.helper.stdin.flush()
        except Exception:  # noqa: BLE001 - an unpicklable record, no process to start: go on in-process
            self._fail()
            return False
        self.waiting = True
        return True

    def _fail(self) -> None:
        self.failed, self.waiting = True, False
        helper, self.helper = self.helper, None
        if helper is not None:
            helper.kill()
            helper.wait()
            for stream in (helper.stdin, helper.stdout):
                try:
                    stream.close()
                except OSError:
                    pass


def _start_helper() -> subprocess.Popen:
    root = str(Path(__file__).resolve().parents[2])  # where the `directory` package is found
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.Popen(
        [sys.executable, "-m", "directory.sync.prepare"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=root,
    )


def _prepared(item: tuple) -> Prepared:
    digest, kind, *rest = item
    if kind == "ok":
        record, warnings, unmapped, source_id, problems, references = rest
        return Prepared(digest, Normalised(record, warnings, unmapped, source_id, problems, references))
    if kind == "invalid":
        reasons, warnings, source_id, problems = rest
        return Prepared(digest, InvalidRecord(reasons, warnings=warnings, source_id=source_id, problems=problems))
    return Prepared(digest, None)


def _wire(prepared: Prepared) -> tuple:
    """A Prepared as plain data (an exception does not pickle with its reasons)."""
    found = prepared.normalised
    if isinstance(found, Normalised):
        return (
            prepared.digest, "ok", found.record, found.warnings, found.unmapped_terms, found.source_id, found.problems,
            found.organization_references,
        )
    if isinstance(found, InvalidRecord):
        return (prepared.digest, "invalid", found.reasons, found.warnings, found.source_id, found.problems)
    return (prepared.digest, None)


def serve(stdin=None, stdout=None) -> None:
    """The helper: read the context, then pages, answering each; stop when the input ends."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    try:
        ctx = pickle.load(stdin)
    except EOFError:
        return
    while True:
        try:
            raws, hints = pickle.load(stdin)
        except EOFError:
            return
        pickle.dump([_wire(p) for p in prepare_records(raws, ctx, hints)], stdout, pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":
    import gc

    gc.set_threshold(50_000)
    serve()
