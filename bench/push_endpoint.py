"""A push service stand-in for the benchmark: answers every POST 201 at once, as fast as it can.

    python -m bench.push_endpoint --port 8090   # prints "ready" when listening
"""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web


async def accept(request: web.Request) -> web.Response:
    await request.read()  # a push service takes the whole body before answering
    return web.Response(status=201)


async def serve(port: int) -> None:
    app = web.Application()
    app.router.add_post("/push/{name}", accept)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)  # only once it listens
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
