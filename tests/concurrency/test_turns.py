"""Writers of one database take turns: first come, first served, and a transaction that reads
before it writes never fails for another writer's commit in between."""

from __future__ import annotations

import threading
import time
from contextlib import closing

from directory.db.connection import connect
from directory.db.turns import WriteTurns


def test_the_turn_goes_to_waiters_in_the_order_they_came_and_a_timeout_leaves_the_queue():
    turns = WriteTurns()
    assert turns.acquire(timeout=1)
    order: list[int] = []

    def wait(n: int) -> None:
        assert turns.acquire(timeout=30)
        order.append(n)
        turns.release()

    waiters = []
    for n in range(3):
        waiters.append(threading.Thread(target=wait, args=(n,)))
        waiters[-1].start()
        while turns.queued < n + 1:  # each is queued before the next comes
            time.sleep(0.001)
    assert not turns.acquire(timeout=0.01)  # gives up, and is not left in the queue
    assert turns.queued == 3
    turns.release()
    for waiter in waiters:
        waiter.join(timeout=30)
    assert order == [0, 1, 2]
    assert turns.acquire(timeout=0)  # free again


def test_a_transaction_that_reads_then_writes_keeps_its_turn_while_another_writer_waits(tmp_path):
    path = tmp_path / "turns.db"
    with closing(connect(path)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    read_done, errors = threading.Event(), []

    def reader_then_writer() -> None:
        with closing(connect(path)) as db:
            try:
                with db.atomic():
                    count = db.execute("SELECT count(*) FROM notes").fetchone()[0]
                    read_done.set()
                    time.sleep(0.3)  # the other writer comes now
                    db.execute("INSERT INTO notes VALUES (?)", [f"first, after {count}"])
            except Exception as error:  # noqa: BLE001 - what the test looks for
                errors.append(error)

    def other_writer() -> None:
        read_done.wait(timeout=30)
        with closing(connect(path)) as db:
            try:
                db.execute("INSERT INTO notes VALUES ('second')")
            except Exception as error:  # noqa: BLE001
                errors.append(error)

    threads = [threading.Thread(target=reader_then_writer), threading.Thread(target=other_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with closing(connect(path)) as db:
        assert [r[0] for r in db.execute("SELECT text FROM notes ORDER BY rowid")] == ["first, after 0", "second"]
