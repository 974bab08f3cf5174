"""Shared by the security tests: a served demo copy with API tokens, and requests sent byte by byte."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from directory.instance import Instance
from tests.conftest import RunningServer
from tests.staff.edit_helpers import a_service_of
from tests.staff.helpers import bearer, make_token, make_user


@dataclass
class StaffApi:
    instance: Instance
    server: RunningServer
    service_id: str
    organization_id: str
    admin: dict[str, str]  # Authorization header of an admin
    publisher: dict[str, str]  # … of a publisher of organization_id

    def etag(self) -> str:
        return httpx.get(f"{self.server.url}/api/services/{self.service_id}", headers=self.admin).headers["etag"]


def staff_api(instance: Instance, server_for) -> StaffApi:
    service_id, organization_id = a_service_of(instance)
    make_user(instance, "admin@security.test", "admin")
    make_user(instance, "pub@security.test", "publisher", [organization_id])
    admin = bearer(make_token(instance, "admin@security.test"))
    publisher = bearer(make_token(instance, "pub@security.test"))
    return StaffApi(instance, server_for(instance), service_id, organization_id, admin, publisher)


def status_before_the_body_ends(url: str, method: str, path: str, headers: dict[str, str], sent: int,
                                chunked: bool = True) -> tuple[int, bytes]:
    """Send `sent` bytes of a body that never ends, then read the server's answer: (status, body).

    A server that waits for the whole body before judging its size never answers:
    the socket's timeout then fails the test.
    """
    parts = urlsplit(url)
    head = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if chunked:
        head.append("Transfer-Encoding: chunked")
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        block = b"[" * 65536
        try:
            for _ in range(0, sent, len(block)):
                conn.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server already answered and closed: read what it said
        answer = b""
        while True:  # Connection: close: the answer ends when the server closes
            try:
                data = conn.recv(4096)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    head_bytes, _, body = answer.partition(b"\r\n\r\n")
    status_line = head_bytes.split(b"\r\n", 1)[0].decode()
    assert status_line.startswith("HTTP/1.1 "), f"no answer before the body ended: {answer[:200]!r}"
    return int(status_line.split()[1]), body
