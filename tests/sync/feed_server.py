"""A real HTTP server on 127.0.0.1 for feed tests, with the faults real feeds have.

    with FeedServer() as server:
        server.route("/services", json_body({...}))
        server.route("/slow", stall(seconds=30))
        url = server.url + "/services"

A route is a function (request) -> Reply; `request` has .path, .query (dict of
lists), .headers. Routes can be changed while the server runs (a record renamed
between two syncs). Every request is recorded in `server.requests`.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall_seconds: float = 0.0  # sleep after the headers and half the body: a server that stalls
    delay_seconds: float = 0.0  # sleep before answering at all: a slow server
    content_length: int | None = None  # send this Content-Length instead of the true one: a server that lies
    chunked: bool = False  # send the body chunked, with no Content-Length: its size is known only at the end


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Route = Callable[[Request], Reply]


def json_body(document: object, status: int = 200, headers: dict | None = None) -> Route:
    body = json.dumps(document).encode()
    return lambda request: Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def raw(body: bytes | str, status: int = 200, content_type: str = "application/octet-stream") -> Route:
    data = body.encode() if isinstance(body, str) else body
    return lambda request: Reply(status, data, {"Content-Type": content_type})


def stall(seconds: float, body: bytes = b'{"contents": [') -> Route:
    return lambda request: Reply(200, body * 2, {"Content-Type": "application/json"}, stall_seconds=seconds)


def redirect(location: str, status: int = 302) -> Route:
    return lambda request: Reply(status, b"", {"Location": location})


class FeedServer:
    """`ssl_context` (server side) serves https, under any name its certificate bears."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionError:  # the client hung up mid-reply (a byte cap, an error status): fine
                    pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(request)
                route = server.routes.get(parts.path)
                reply = route(request) if route else Reply(404, b'{"error": "not found"}')
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for start in range(0, len(reply.body), 4096):
                            piece = reply.body[start : start + 4096]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.write(b"0\r\n\r\n")
                    except OSError:  # the client hung up (a byte cap): fine
                        pass
                    return
                length = len(reply.body) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if reply.stall_seconds:
                    half = len(reply.body) // 2
                    self.wfile.write(reply.body[:half])
                    self.wfile.flush()
                    time.sleep(reply.stall_seconds)
                    try:
                        self.wfile.write(reply.body[half:])
                    except OSError:
                        pass
                else:
                    self.wfile.write(reply.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # closing must not wait for a stalling reply to wake up
        self.port = self.httpd.server_address[1]
        if ssl_context:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{self.port}"
        # Poll often so that shutdown() returns at once.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def route(self, path: str, handler: Route) -> None:
        self.routes[path] = handler

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
