"""A generated HSDS 3 API on loopback for benchmarks, or the same services as a CSV datapackage.

Every service is generated and encoded once, before the server says it is ready, so
a sync is timed against a server that answers as fast as a real API serving stored
records, not against this script generating them.

    python -m bench.feed_server --services 50000 --port 8765 [--csv]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from bench.csv_package import package_files
from bench.generate import generate_one


def serve(services: int, port: int, neighbours: bool = False, package: bool = False) -> None:
    if package:  # /datapackage.json and a CSV per table
        files = package_files(services)
        encoded = []
    else:
        files = {}
        encoded = [json.dumps(generate_one(n, neighbours=neighbours)).encode() for n in range(services)]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path.lstrip("/") in files:
                name = parts.path.lstrip("/")
                self._send(files[name], "application/json" if name.endswith(".json") else "text/csv")
                return
            if parts.path.rstrip("/") == "":
                body = {"version": "3.0", "profile": "https://docs.openreferral.org/en/3.0/"}
            elif parts.path == "/services":
                per_page = min(int(query.get("per_page", ["500"])[0]), 1000)
                page = int(query.get("page", ["1"])[0])
                pages = math.ceil(services / per_page)
                start = (page - 1) * per_page
                contents = encoded[max(start, 0) : max(start + per_page, 0)]
                head = {"total_items": services, "total_pages": pages, "page_number": page, "size": len(contents),
                        "first_page": page == 1, "last_page": page >= pages, "empty": not contents}
                data = json.dumps(head).encode()[:-1] + b', "contents": [' + b", ".join(contents) + b"]}"
                self._send(data)
                return
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(json.dumps(body).encode())

        def _send(self, data: bytes, content_type: str = "application/json") -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    httpd.serve_forever()


@contextmanager
def feed_in_its_own_process(services: int, neighbours: bool = False, package: bool = False) -> Iterator[str]:
    """The generated feed served by a child process on loopback; yields its `/services` URL once ready.

    `neighbours`: the feed overlaps the demo city (bench/generate.py). `package`: the services as a
    CSV datapackage instead; yields its `/datapackage.json` URL."""
    from bench.measure import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.feed_server", "--services", str(services),
                               "--port", str(port), *(["--neighbours"] if neighbours else []),
                               *(["--csv"] if package else [])],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        server.stdout.readline()  # "ready": every service is encoded
        yield f"http://127.0.0.1:{port}/" + ("datapackage.json" if package else "services")
    finally:
        server.terminate()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--neighbours", action="store_true", help="services overlapping the demo city's")
    parser.add_argument("--csv", action="store_true", help="serve the services as an HSDS 3.0 CSV datapackage")
    args = parser.parse_args()
    serve(args.services, args.port, args.neighbours, args.csv)
