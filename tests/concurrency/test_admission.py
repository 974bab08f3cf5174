"""Public reads take turns a few at a time when they crowd the server; staff requests never queue."""

from __future__ import annotations

import asyncio
import threading

from directory.web.admission import ReaderTurns


def scope(path: str, method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "headers": []}


def test_a_reader_waits_for_a_slot_until_the_one_ahead_starts_answering_and_staff_go_straight_through():
    async def scenario() -> list[str]:
        events: list[str] = []
        gates = {"/services": asyncio.Event(), "/hsds/services": asyncio.Event()}

        async def app(scope, receive, send):
            events.append(f"start {scope['method']} {scope['path']}")
            if scope["path"] in gates:
                await gates[scope["path"]].wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        async def send(message):
            pass

        turns = ReaderTurns(app, at_once=1)
        first = asyncio.create_task(turns(scope("/services"), None, send))
        await asyncio.sleep(0)
        second = asyncio.create_task(turns(scope("/hsds/services"), None, send))
        await asyncio.sleep(0)
        await turns(scope("/api/services/x", "PATCH"), None, send)  # a save: not queued behind readers
        await turns(scope("/staff/"), None, send)
        assert "start GET /hsds/services" not in events  # the second reader still waits for its slot
        gates["/services"].set()
        await first
        gates["/hsds/services"].set()
        await second
        return events

    # In a thread of its own: a browser test earlier in the session may leave an event loop running in this one.
    result: list = []
    runner = threading.Thread(target=lambda: result.append(asyncio.run(scenario())))
    runner.start()
    runner.join(timeout=30)
    assert result == [
        ["start GET /services", "start PATCH /api/services/x", "start GET /staff/", "start GET /hsds/services"],
    ]
