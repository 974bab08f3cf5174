"""guard.check_url: only http(s) to public addresses; allow_private admits loopback and private, never link-local."""

import socket

import pytest

from directory.sync.errors import FetchError, UnsafeAddress
from directory.sync.guard import Target, address_problem, check_url, is_safe_url

REFUSED_ALWAYS = [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),  # AWS, GCP, Azure metadata
    ("http://169.254.0.1/", "169.254.0.1", "link-local"),
    ("http://[fe80::1]/", "fe80::1", "link-local"),
    ("http://[fe80::a9fe:a9fe%25eth0]/", "fe80::a9fe:a9fe", "link-local"),
    ("http://0.0.0.0:8000/", "0.0.0.0", "unspecified"),
    ("http://[::]/", "::", "unspecified"),
    ("http://224.0.0.1/", "224.0.0.1", "multicast"),
    ("http://239.255.255.250:1900/", "239.255.255.250", "multicast"),
    ("http://[ff02::1]/", "ff02::1", "multicast"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254", "link-local"),  # mapped metadata
    ("http://[64:ff9b::a9fe:a9fe]/", "64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of the metadata address
    ("http://100.64.0.1/", "100.64.0.1", "shared"),
    ("http://240.0.0.1/", "240.0.0.1", "reserved"),
    ("http://255.255.255.255/", "255.255.255.255", "reserved"),
    ("http://192.0.2.10/", "192.0.2.10", "non-public"),  # documentation range
    ("http://0.1.2.3/", "0.1.2.3", "non-public"),  # "this network"
]

REFUSED_UNLESS_PRIVATE = [
    ("http://127.0.0.1:8080/feed", "127.0.0.1", "loopback"),
    ("http://127.8.9.10/", "127.8.9.10", "loopback"),
    ("http://[::1]/", "::1", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "loopback"),  # IPv4-mapped loopback
    ("http://[::ffff:7f00:1]/", "::ffff:7f00:1", "loopback"),  # the same, in hex
    ("http://10.0.0.5/", "10.0.0.5", "private"),
    ("http://172.16.3.4/", "172.16.3.4", "private"),
    ("http://192.168.1.1/", "192.168.1.1", "private"),
    ("http://[::ffff:192.168.1.1]/", "::ffff:192.168.1.1", "private"),
    ("http://[fd12:3456::1]/", "fd12:3456::1", "private"),
]


@pytest.mark.parametrize("url, address, problem", REFUSED_ALWAYS + REFUSED_UNLESS_PRIVATE)
def test_non_public_addresses_are_refused_naming_url_and_address(url, address, problem):
    with pytest.raises(UnsafeAddress) as caught:
        check_url(url)
    message = str(caught.value)
    assert url in message and address in message and problem in message
    assert "\n" not in message


@pytest.mark.parametrize("url, address, problem", REFUSED_ALWAYS)
def test_allow_private_still_refuses_link_local_unspecified_multicast_and_reserved(url, address, problem):
    with pytest.raises(UnsafeAddress, match=problem):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("url, address, problem", REFUSED_UNLESS_PRIVATE)
def test_allow_private_admits_loopback_and_private_ranges(url, address, problem):
    target = check_url(url, allow_private=True)
    assert target.addresses == (address,)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed.csv",
        "gopher://127.0.0.1:6379/_INFO",
        "data:,{}",
        "//example.org/x",
    ],
)
def test_schemes_other_than_http_and_https_are_refused(url):
    with pytest.raises(UnsafeAddress, match="only http and https"):
        check_url(url, allow_private=True)


def test_a_url_without_a_host_is_refused():
    with pytest.raises(UnsafeAddress, match="no host"):
        check_url("http:///services")


def test_a_url_with_a_bad_port_is_refused():
    with pytest.raises(UnsafeAddress, match="refusing http://8.8.8.8:99999/"):
        check_url("http://8.8.8.8:99999/")


def test_public_ip_literals_pass_with_scheme_host_and_default_port():
    assert check_url("https://8.8.8.8/services") == Target("https", "8.8.8.8", 443, ("8.8.8.8",))
    assert check_url("HTTP://[2606:4700::1111]:8080/x") == Target(
        "http", "2606:4700::1111", 8080, ("2606:4700::1111",)
    )


def test_ipv4_mapped_and_nat64_public_addresses_are_judged_as_their_ipv4_and_pass():
    assert address_problem("::ffff:8.8.8.8") is None
    assert address_problem("64:ff9b::808:808") is None  # what DNS64 answers for 8.8.8.8


def test_localhost_resolves_to_loopback_and_is_refused_by_default():
    with pytest.raises(UnsafeAddress, match="localhost resolves to .*loopback"):
        check_url("http://localhost:8000/feed")


def test_localhost_is_admitted_with_allow_private_and_reports_its_addresses():
    target = check_url("http://localhost:8000/feed", allow_private=True)
    assert target.host == "localhost" and target.port == 8000
    assert "127.0.0.1" in target.addresses or "::1" in target.addresses


def test_a_name_is_refused_when_any_of_its_addresses_is_private(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 80)) for ip in ("93.184.215.14", "10.1.2.3")]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(UnsafeAddress, match="feed.example resolves to 10.1.2.3, a private address"):
        check_url("http://feed.example/")


def test_a_name_resolving_only_to_public_addresses_passes_with_all_of_them(monkeypatch):
    answers = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:2800:220:1::1", 443, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    target = check_url("https://Feed.Example/services")
    assert target == Target("https", "feed.example", 443, ("2606:2800:220:1::1", "93.184.215.14"))


def test_an_unresolvable_name_is_a_fetch_error_not_a_crash(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(FetchError, match="cannot resolve nowhere.example"):
        check_url("http://nowhere.example/")


def test_legacy_ipv4_spellings_are_resolved_then_judged():
    # "127.1" and "2130706433" are 127.0.0.1 to the resolver: judged by what they resolve to.
    for url in ("http://127.1/", "http://2130706433/", "http://0x7f000001/"):
        with pytest.raises(UnsafeAddress, match="resolves to 127.0.0.1, a loopback"):
            check_url(url)


def test_is_safe_url_answers_true_or_false():
    assert is_safe_url("https://8.8.8.8/feed") is True
    assert is_safe_url("http://127.0.0.1/feed") is False
    assert is_safe_url("http://127.0.0.1/feed", allow_private=True) is True
    assert is_safe_url("http://169.254.169.254/", allow_private=True) is False
    assert is_safe_url("file:///etc/passwd", True) is False
