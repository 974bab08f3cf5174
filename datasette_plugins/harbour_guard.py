"""Datasette's public pages made safe to serve beside the staff workspace.

A plugin, so the standalone `datasette … --plugins-dir datasette_plugins` and every
replica are guarded as `harbour serve` is:

- every answer carries the sandboxing Content-Security-Policy of
  `directory/web/datasette_policy.py`, `nosniff` and a frame policy;
- Datasette's introspection pages (`/-/databases`, `/-/settings`, `/-/versions`…) are 404;
- every connection gets the authorizer and limits of `directory/web/datasette_guard.py`;
- links in map popups stay links only when they are http(s) (`popup-links.js`);
- a failing query is not written to the log with its parameters.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import datasette.handle_exception as datasette_errors
from datasette import hookimpl
from datasette.database import Database
from datasette.plugins import pm
from datasette.utils import await_me_maybe
from datasette.utils.asgi import Response

from directory.web.datasette_guard import guard_connection
from directory.web.datasette_policy import content_security_policy, is_hidden, script_hash

# Where `rich` is installed, Datasette prints every error page's traceback with its locals —
# a reader's SQL and its parameters among them — and a stuck log pipe then stalls the server.
# Without it Datasette prints nothing for a 4xx and a plain traceback for a real 500.
datasette_errors.rich = None

POPUP_LINKS = Path(__file__).with_name("popup-links.js")
POPUP_LINKS_ROUTE = "/-/static-plugins/harbour_guard/popup-links.js"
# Datasette's own inline scripts: the two templates that hold one, and table.html's line.
SCRIPT_TEMPLATES = ("_close_open_menus.html", "_codemirror_foot.html")
FACET_SCRIPTS = ("DATASETTE_ALLOW_FACET = true;", "DATASETTE_ALLOW_FACET = false;")
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
MAP_COLUMNS = ["latitude", "longitude"]
FIXED_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # a query's SQL is in the URL; it goes nowhere else
    "access-control-allow-origin": "*",  # the sandboxed pages fetch their scripts and JSON cross-origin
}


@hookimpl
def prepare_connection(conn):
    guard_connection(conn)


@hookimpl
def startup(datasette):
    for name, database in list(datasette.databases.items()):
        if type(database) is Database and database.path:
            datasette.remove_database(name)
            quiet = QuietDatabase(datasette, path=database.path, is_mutable=database.is_mutable)
            datasette.add_database(quiet, name=name, route=database.route)


class QuietDatabase(Database):
    """Datasette prints a failing query with its parameters to stderr: what a reader typed
    is theirs, and the reader already sees the error on the page."""

    async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                      log_sql_errors=True):  # fmt: skip
        return await super().execute(sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                                     page_size=page_size, log_sql_errors=False)  # fmt: skip


@hookimpl
def extra_js_urls(datasette):
    return [{"url": datasette.urls.path(POPUP_LINKS_ROUTE)}]


@hookimpl
def register_routes():
    return [(rf"^{re.escape(POPUP_LINKS_ROUTE)}$", popup_links)]


async def popup_links():
    return Response(POPUP_LINKS.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})  # fmt: skip


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        hashes: list[str] = []

        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if not hashes:  # once, on the first request: the plugins' scripts need the database's tables
                computed = await allowed_script_hashes(datasette)
                hashes[:] = computed
            headers = {b"content-security-policy": content_security_policy(
                _host(scope), datasette.setting("base_url"), hashes).encode()}  # fmt: skip
            headers.update({name.encode(): value.encode() for name, value in FIXED_HEADERS.items()})
            send = _with_headers(send, headers)
            if is_hidden(scope["path"]):
                await Response.text("Not found", status=404).asgi_send(send)
                return
            await app(scope, receive, send)

        return guarded

    return wrap


async def allowed_script_hashes(datasette) -> list[str]:
    """Hashes of every inline script Datasette and its plugins write on our pages, and no other."""
    scripts = list(FACET_SCRIPTS)
    for name in SCRIPT_TEMPLATES:
        scripts += INLINE_SCRIPT.findall(await datasette.jinja_env.get_template(name).render_async())
    for database in datasette.databases.values():
        if database.name.startswith("_"):
            continue  # Datasette's own _internal
        tables = await database.table_names()
        for table, columns in itertools.product([None, *tables], [MAP_COLUMNS, []]):
            for script in pm.hook.extra_body_script(
                template="table.html" if table else "query.html", database=database.name, table=table,
                columns=columns, view_name="table" if table else "database", request=None, datasette=datasette,
            ):  # fmt: skip
                script = await await_me_maybe(script)
                # As Datasette writes it: str() of whatever came back (the map plugin's "nothing" is []).
                scripts.append(str(script["script"] if isinstance(script, dict) else script))
    return sorted({script_hash(script) for script in scripts})


def _host(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value.decode("latin-1")
    return None


def _with_headers(send, headers: dict[bytes, bytes]):
    async def wrapped(message):
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in headers]
            message = {**message, "headers": kept + list(headers.items())}
        await send(message)

    return wrapped
