"""The HSDS 3.0 API at /hsds/ as a Datasette plugin.

Being a plugin, the API is published wherever this Datasette is: inside `harbour
serve`, or standalone with `datasette directory.db --plugins-dir datasette_plugins`.
It only routes; the queries live in `directory/hsds/api.py`.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import unquote

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import Response

from directory.hsds.api import answer, error

DATABASE = "directory"  # directory.db; any other name falls back to the first database served
COLLECTION = r"(?P<collection>[A-Za-z_]+)"

log = logging.getLogger(__name__)


@hookimpl
def register_routes():
    return [
        (r"^/hsds/?$", hsds),
        (rf"^/hsds/{COLLECTION}/?$", hsds),
        (rf"^/hsds/{COLLECTION}/(?P<record_id>[^/]+)/?$", hsds),
        (r"^/hsds/.+$", unknown),  # anything else under /hsds/ is a JSON 404, not an HTML page
    ]


async def hsds(datasette, request):
    if request.method not in ("GET", "HEAD"):
        return json_response(*error(405, "the HSDS API is read-only: use GET"))
    route = request.url_vars
    collection = route.get("collection")
    record_id = unquote(route["record_id"]) if route.get("record_id") else None
    params = {key: request.args.get(key) for key in request.args}
    database = datasette.databases.get(DATABASE) or datasette.get_database()
    # Datasette's own limit on a query (`--setting sql_time_limit_ms`, 1 s by default), and ten
    # times it for the whole request: the HSDS API shares Datasette's few threads with every reader.
    time_limit_ms = datasette.setting("sql_time_limit_ms")

    def run(conn):
        db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
        return answer(db, collection, record_id, params, time_limit_ms)

    try:
        status, body = await database.execute_fn(run)
    except Exception:  # a JSON 500 for machines; the traceback goes to the log
        log.exception("HSDS API failed on %s", request.path)
        status, body = error(500, "the HSDS API failed; the error is logged on the server")
    return json_response(status, body)


async def unknown(request):
    return json_response(*error(404, f"no such HSDS endpoint '{request.path}'"))


def json_response(status: int, body: dict) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
        # Open data: other Harbours and web apps may read it from any origin.
        headers={"Access-Control-Allow-Origin": "*"},
    )
