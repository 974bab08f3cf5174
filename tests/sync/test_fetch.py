"""fetch(): guarded, pinned, capped, time-limited HTTP against a real server on 127.0.0.1."""

import gzip
import json
import socket
import ssl
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest

from directory.sync.errors import FetchError, UnsafeAddress
from directory.sync.fetch import fetch, make_fetcher
from tests.sync.feed_server import FeedServer, Reply, json_body, raw, redirect, stall

DOC = {"contents": [{"id": "s1", "name": "Legal advice clinic"}]}


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def resolve_names(monkeypatch, answers: dict[str, list[str]]):
    """Make socket.getaddrinfo answer `answers[name]`, one address per call (the last one repeats)."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(host)
        queue = answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


# --- what comes back -------------------------------------------------------------------------


def test_fetch_returns_body_status_type_and_validators_and_names_harbour(server):
    server.route(
        "/services",
        json_body(DOC, headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Jun 2025 08:00:00 GMT"}),
    )
    result = fetch(server.url + "/services", allow_private=True)
    assert (result.status, json.loads(result.body), result.url) == (200, DOC, server.url + "/services")
    assert result.content_type == "application/json"
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 02 Jun 2025 08:00:00 GMT")
    assert not result.not_modified
    sent = server.requests[0].headers
    assert "Harbour" in sent["user-agent"]
    assert sent["accept"].startswith("application/json")
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_an_html_error_page_with_status_502_raises_naming_status_and_url(server):
    server.route("/services", raw("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"))
    with pytest.raises(FetchError) as caught:
        fetch(server.url + "/services", allow_private=True)
    message = str(caught.value)
    assert "502" in message and server.url + "/services" in message
    assert "<html" not in message


def test_a_missing_page_raises_naming_404(server):
    with pytest.raises(FetchError, match="answered 404"):
        fetch(server.url + "/nothing-here", allow_private=True)


def test_a_closed_port_raises_one_clear_fetch_error():
    with socket.socket() as probe:  # find a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        fetch(f"http://127.0.0.1:{port}/feed", allow_private=True)
    message = str(caught.value)
    assert message.startswith(f"could not fetch http://127.0.0.1:{port}/feed") and "\n" not in message


def test_proxy_settings_in_the_environment_are_ignored(server, monkeypatch):
    # A proxy would open the connection for us, to wherever it likes: past the guard and the pin.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    server.route("/services", json_body(DOC))
    assert json.loads(fetch(server.url + "/services", allow_private=True, deadline_seconds=5).body) == DOC


# --- the guard -------------------------------------------------------------------------------


def test_loopback_is_refused_without_allow_private_and_no_request_is_made(server):
    server.route("/services", json_body(DOC))
    with pytest.raises(UnsafeAddress, match="127.0.0.1, a loopback address"):
        fetch(server.url + "/services")
    assert server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.csv", "gopher://127.0.0.1:70/1"])
def test_non_http_schemes_are_refused(url):
    with pytest.raises(UnsafeAddress, match="only http and https"):
        fetch(url, allow_private=True)


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/latest/meta-data/"],
)
def test_a_redirect_to_the_metadata_address_is_refused_even_with_allow_private(server, location):
    server.route("/services", redirect(location))
    with pytest.raises(UnsafeAddress, match="169.254.169.254.*link-local"):
        fetch(server.url + "/services", allow_private=True)
    assert [r.path for r in server.requests] == ["/services"]


# --- redirects -------------------------------------------------------------------------------


def test_a_redirect_chain_is_followed_and_the_final_url_reported(server):
    server.route("/a", redirect("/b", 301))  # absolute path
    server.route("/b", redirect("c", 302))  # relative to /b
    server.route("/c", redirect(server.url + "/d?page=1", 307))  # absolute URL
    server.route("/d", json_body(DOC))
    result = fetch(server.url + "/a", allow_private=True)
    assert result.url == server.url + "/d?page=1"
    assert json.loads(result.body) == DOC
    assert [r.path for r in server.requests] == ["/a", "/b", "/c", "/d"]


def test_more_redirects_than_allowed_are_refused(server):
    server.route("/loop", redirect("/loop"))
    with pytest.raises(FetchError, match="redirected more than 3 times"):
        fetch(server.url + "/loop", allow_private=True, max_redirects=3)
    assert len(server.requests) == 4  # the URL and three redirects, no more


def test_exactly_max_redirects_is_still_followed(server):
    server.route("/1", redirect("/2"))
    server.route("/2", redirect("/3"))
    server.route("/3", json_body(DOC))
    assert fetch(server.url + "/1", allow_private=True, max_redirects=2).url == server.url + "/3"


# --- conditional requests --------------------------------------------------------------------


def etag_route(request):
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(304, b"", {"ETag": '"v1"'})
    return Reply(200, json.dumps(DOC).encode(), {"Content-Type": "application/json", "ETag": '"v1"'})


LAST_MODIFIED = "Mon, 02 Jun 2025 08:00:00 GMT"


def last_modified_route(request):
    if request.headers.get("if-modified-since") == LAST_MODIFIED:
        return Reply(304, b"")
    return Reply(200, json.dumps(DOC).encode(), {"Last-Modified": LAST_MODIFIED})


def test_an_etag_is_sent_as_if_none_match_and_a_304_comes_back_empty(server):
    server.route("/services", etag_route)
    result = fetch(server.url + "/services", allow_private=True, etag='"v1"')
    assert result.status == 304 and result.not_modified and result.body == b""
    assert result.etag == '"v1"'
    assert server.requests[0].headers["if-none-match"] == '"v1"'


def test_a_changed_etag_gets_the_whole_body(server):
    server.route("/services", etag_route)
    result = fetch(server.url + "/services", allow_private=True, etag='"v0"')
    assert result.status == 200 and json.loads(result.body) == DOC and result.etag == '"v1"'


def test_last_modified_is_sent_as_if_modified_since_and_a_304_keeps_it(server):
    server.route("/services", last_modified_route)
    result = fetch(server.url + "/services", allow_private=True, last_modified=LAST_MODIFIED)
    assert result.not_modified and result.body == b""
    assert result.last_modified == LAST_MODIFIED  # the server sent none back: we keep ours
    assert server.requests[0].headers["if-modified-since"] == LAST_MODIFIED


def test_make_fetcher_asks_conditionally_for_the_feed_url_only(server):
    server.route("/services", etag_route)
    server.route("/services-page-2", etag_route)
    feed = server.url + "/services"
    fetcher = make_fetcher(True, conditional={feed: ('"v1"', None)})
    assert fetcher(feed).not_modified
    page = fetcher(server.url + "/services-page-2")
    assert page.status == 200 and json.loads(page.body) == DOC
    assert [r.headers.get("if-none-match") for r in server.requests] == ['"v1"', None]


def test_make_fetcher_applies_its_guard_and_limits_to_every_call(server):
    server.route("/big", raw(b"x" * 2000))
    with pytest.raises(UnsafeAddress):
        make_fetcher(False)(server.url + "/big")
    with pytest.raises(FetchError, match="over the limit of 1,000"):
        make_fetcher(True, max_bytes=1000)(server.url + "/big")


# --- byte cap --------------------------------------------------------------------------------


def test_a_body_at_the_cap_is_accepted(server):
    server.route("/exact", raw(b"x" * 1000))
    assert len(fetch(server.url + "/exact", allow_private=True, max_bytes=1000).body) == 1000


def test_a_body_over_the_cap_is_refused_from_its_content_length(server):
    server.route("/big", raw(b"x" * 1001))
    with pytest.raises(FetchError, match="declares 1,001 bytes, over the limit of 1,000"):
        fetch(server.url + "/big", allow_private=True, max_bytes=1000)


def test_a_body_with_no_content_length_is_cut_off_once_past_the_cap(server):
    server.route("/stream", lambda request: Reply(200, b"x" * 200_000, chunked=True))
    with pytest.raises(FetchError, match="sent more than the limit of 10,000 bytes"):
        fetch(server.url + "/stream", allow_private=True, max_bytes=10_000)


def test_a_lying_content_length_above_the_cap_is_refused_before_reading(server):
    # It claims a gigabyte and sends two bytes: waiting for the rest would stall; we stop at the header.
    server.route("/liar", lambda request: Reply(200, b"{}", content_length=1_000_000_000))
    with pytest.raises(FetchError, match="declares 1,000,000,000 bytes"):
        fetch(server.url + "/liar", allow_private=True, max_bytes=1000, deadline_seconds=5)


def test_a_small_gzip_body_that_unpacks_past_the_cap_is_refused(server):
    bomb = gzip.compress(b"0" * 500_000)
    server.route("/bomb", lambda request: Reply(200, bomb, {"Content-Encoding": "gzip"}))
    assert len(bomb) < 10_000
    with pytest.raises(FetchError, match="sent more than the limit of 10,000 bytes"):
        fetch(server.url + "/bomb", allow_private=True, max_bytes=10_000)


# --- deadline --------------------------------------------------------------------------------


def test_a_server_that_stalls_mid_body_hits_the_deadline(server):
    server.route("/slow", stall(seconds=20))
    with pytest.raises(FetchError, match=r"/slow did not answer within 1\.5 s"):
        fetch(server.url + "/slow", allow_private=True, deadline_seconds=1.5)
    assert len(server.requests) == 1


def test_a_server_that_never_sends_its_headers_hits_the_deadline():
    with socket.socket() as silent:  # accepts the connection (backlog) and says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(FetchError, match="did not answer within 1 s"):
            fetch(f"http://127.0.0.1:{port}/feed", allow_private=True, deadline_seconds=1)


@contextmanager
def trickling_server(in_headers: bool):
    """A raw server that answers one byte every 0.1 s, forever: each read is quick, the whole never ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\n" if in_headers else b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
            )
            try:
                while not stop.is_set():
                    connection.sendall(b"X-Slow: y\r\n" if in_headers else b"x")
                    time.sleep(0.1)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.mark.parametrize("in_headers", [True, False], ids=["headers", "body"])
def test_a_server_that_trickles_forever_hits_the_deadline_for_the_whole_fetch(in_headers):
    with trickling_server(in_headers) as url:
        with pytest.raises(FetchError, match=r"did not answer within 1\.2 s"):
            fetch(url, allow_private=True, deadline_seconds=1.2)


# --- pinning: connect to the address that was checked ----------------------------------------


def test_the_connection_goes_to_the_checked_address_despite_dns_rebinding(server, monkeypatch):
    server.route("/services", json_body(DOC))
    with socket.socket() as attacker:  # where the second DNS answer points
        attacker.bind(("127.0.0.2", server.port))
        attacker.listen()
        attacker.setblocking(False)
        calls = resolve_names(monkeypatch, {"feed.example": ["127.0.0.1", "127.0.0.2"]})

        result = fetch(f"http://feed.example:{server.port}/services", allow_private=True, deadline_seconds=5)

        assert json.loads(result.body) == DOC
        assert result.url == f"http://feed.example:{server.port}/services"
        assert server.requests[0].headers["host"] == f"feed.example:{server.port}"
        assert calls == ["feed.example"]  # resolved once, by the guard
        with pytest.raises(BlockingIOError):
            attacker.accept()  # nobody connected to the rebound address
        # The rebinding is real: an unpinned client resolving again lands on the attacker.
        socket.create_connection(("feed.example", server.port), timeout=2).close()
        attacker.accept()[0].close()


def test_a_redirect_hop_is_pinned_to_its_own_checked_address(server, monkeypatch):
    server.route("/old", redirect(f"http://next.example:{server.port}/new"))
    server.route("/new", json_body(DOC))
    resolve_names(monkeypatch, {"feed.example": ["127.0.0.1"], "next.example": ["127.0.0.1"]})
    result = fetch(f"http://feed.example:{server.port}/old", allow_private=True)
    assert result.url == f"http://next.example:{server.port}/new"
    assert [r.headers["host"] for r in server.requests] == [
        f"feed.example:{server.port}",
        f"next.example:{server.port}",
    ]


@pytest.fixture
def tls(tmp_path):
    """A self-signed certificate for feed.example, a server context using it and a client context trusting it."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=feed.example", "-addext", "subjectAltName=DNS:feed.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, context: names.append(name)
    client_context = ssl.create_default_context(cafile=str(cert))
    return server_context, client_context, names


def test_https_keeps_sni_and_certificate_check_on_the_hostname_while_connecting_to_the_ip(tls, monkeypatch):
    server_context, client_context, names = tls
    resolve_names(monkeypatch, {"feed.example": ["127.0.0.1"]})
    with FeedServer(ssl_context=server_context) as server:
        server.route("/services", json_body(DOC))
        result = fetch(
            f"https://feed.example:{server.port}/services", allow_private=True, ssl_context=client_context
        )
    assert json.loads(result.body) == DOC
    assert names == ["feed.example"]
    assert server.requests[0].headers["host"] == f"feed.example:{server.port}"


def test_https_refuses_a_certificate_for_another_name_at_the_same_address(tls, monkeypatch):
    server_context, client_context, names = tls
    resolve_names(monkeypatch, {"other.example": ["127.0.0.1"]})
    with FeedServer(ssl_context=server_context) as server:
        server.route("/services", json_body(DOC))
        with pytest.raises(FetchError, match="certificate") as caught:
            fetch(
                f"https://other.example:{server.port}/services",
                allow_private=True,
                ssl_context=client_context,
            )
        assert "other.example" in str(caught.value)
        # The bare IP is not a name on the certificate either.
        with pytest.raises(FetchError, match="certificate"):
            fetch(f"https://127.0.0.1:{server.port}/services", allow_private=True, ssl_context=client_context)
    assert server.requests == []
