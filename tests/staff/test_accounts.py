"""Staff accounts: the `harbour users`/`tokens` commands, sign-in, sessions and their end."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from directory.staff.accounts.sessions import digest
from tests.staff.helpers import PASSWORD, login, login_form_token, make_user, session_cookie, session_csrf

STAFF = "@accounts.staff.test"


def harbour(instance, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def org_ids(instance, n: int = 2) -> list[str]:
    db = instance.directory()
    try:
        return [r[0] for r in db.execute("SELECT id FROM organizations ORDER BY id LIMIT ?", [n])]
    finally:
        db.close()


def users_table(instance) -> list[tuple]:
    db = instance.private()
    try:
        return db.execute("SELECT email, role, password_hash, disabled_at FROM users ORDER BY email").fetchall()
    finally:
        db.close()


def session_rows(instance) -> list[tuple]:
    db = instance.private()
    try:
        return db.execute("SELECT token_hash, user_id, created, last_seen FROM sessions").fetchall()
    finally:
        db.close()


# --- the command line ---------------------------------------------------------------


def test_users_add_stores_an_argon2id_hash_role_and_organizations(demo_instance):
    org_a, org_b = org_ids(demo_instance)
    done = harbour(
        demo_instance, "users", "add", f"Ed{STAFF}", "--role", "editor", "--org", org_a, "--org", org_b,
        "--password-stdin", stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    [(email, role, password_hash, disabled)] = users_table(demo_instance)
    assert (email, role, disabled) == (f"ed{STAFF}", "editor", None)
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash
    listed = harbour(demo_instance, "users", "list")
    assert f"ed{STAFF}  editor  {', '.join(sorted([org_a, org_b]))}" in listed.stdout


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--role", "admin"], "short\n", "at least 12 characters"),
        (["--role", "editor"], PASSWORD + "\n", "needs at least one --org"),
        (["--role", "viewer", "--org", "ORG"], PASSWORD + "\n", "--org is for editors and publishers"),
        (["--role", "editor", "--org", "no-such-org"], PASSWORD + "\n", "no organization with id no-such-org"),
        (["--role", "admin"], "\n", "no password on standard input"),
    ],
)
def test_users_add_refuses_bad_input_with_one_line_and_changes_nothing(demo_instance, args, stdin, message):
    done = harbour(demo_instance, "users", "add", f"x{STAFF}", *args, "--password-stdin", stdin=stdin)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert users_table(demo_instance) == []


def test_users_add_refuses_a_second_account_with_the_same_email_in_any_case(demo_instance):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    done = harbour(demo_instance, "users", "add", f"ADA{STAFF}", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert done.returncode == 1 and "already exists" in done.stderr
    assert [row[1] for row in users_table(demo_instance)] == ["admin"]


def test_tokens_add_prints_the_token_last_and_stores_only_its_hash(demo_instance):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    done = harbour(demo_instance, "tokens", "add", f"ada{STAFF}")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    assert token.startswith("hb_") and len(token) > 40
    db = demo_instance.private()
    try:
        [(stored, prefix)] = db.execute("SELECT token_hash, prefix FROM api_tokens").fetchall()
    finally:
        db.close()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and prefix == token[:11]
    listed = harbour(demo_instance, "tokens", "list")
    assert prefix in listed.stdout and token not in listed.stdout
    revoked = harbour(demo_instance, "tokens", "revoke", prefix)
    assert revoked.returncode == 0 and prefix in revoked.stdout
    assert "revoked" in harbour(demo_instance, "tokens", "list").stdout
    assert harbour(demo_instance, "tokens", "revoke", "hb_nosuchxx").returncode == 1


def test_tokens_help_explains_prefixes():
    done = subprocess.run(
        [sys.executable, "-m", "directory", "tokens", "revoke", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "hb_XXXXXXXX" in done.stdout


# --- signing in and out over a real server ------------------------------------------------


@pytest.fixture
def server(demo_instance, server_for):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    return server_for(demo_instance)


def test_anonymous_login_form_sets_only_a_staff_scoped_csrf_cookie(server):
    answer = httpx.get(server.url + "/staff/login")
    [cookie] = answer.headers.get_list("set-cookie")
    assert cookie.startswith("harbour_login_csrf=")
    assert "Path=/staff" in cookie and "HttpOnly" in cookie
    for path in ("/", "/data/", "/hsds/services", "/bundle/manifest.json", "/healthz"):
        assert "set-cookie" not in httpx.get(server.url + path).headers, path


def test_login_sets_an_httponly_samesite_lax_session_cookie_scoped_to_staff(server):
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post("/staff/login", data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/staff/"
        [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith("harbour_session=")]
        flags = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "httponly" in flags and "samesite=lax" in flags and "path=/staff" in flags
        assert not any(flag.startswith(("max-age", "expires")) for flag in flags)  # ends with the browser
        secret = session_cookie(client)
        home = client.get("/staff/")
        assert home.status_code == 200 and f"ada{STAFF}" in home.text and "Sign out" in home.text
    # Only a hash of the cookie is stored.
    [(token_hash, *_)] = session_rows(server_instance(server))
    assert token_hash == digest(secret) and token_hash != secret


def server_instance(server):
    from directory.instance import Instance

    return Instance(server.data_dir)


def test_login_rotates_the_session_id_and_ends_the_old_session(server):
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        first = session_cookie(client)
        login(client, server.url, f"ada{STAFF}")
        second = session_cookie(client)
        assert second and second != first
        hashes = [row[0] for row in session_rows(server_instance(server))]
        assert hashes == [digest(second)]
    stale = httpx.get(server.url + "/staff/", cookies={"harbour_session": first})
    assert stale.status_code == 303 and stale.headers["location"] == "/staff/login"


def test_logout_ends_the_session_server_side(server):
    client, csrf = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        secret = session_cookie(client)
        answer = client.post("/staff/logout", data={"csrf_token": csrf})
        assert answer.status_code == 303 and answer.headers["location"] == "/staff/login"
        assert any(c.startswith('harbour_session=""') for c in answer.headers.get_list("set-cookie"))
    assert session_rows(server_instance(server)) == []
    replayed = httpx.get(server.url + "/staff/", cookies={"harbour_session": secret})
    assert replayed.status_code == 303
    again = httpx.post(server.url + "/staff/logout", cookies={"harbour_session": secret}, data={"csrf_token": csrf})
    assert again.status_code == 401


def test_wrong_password_is_refused_without_a_session(server):
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post("/staff/login", data={"email": f"ada{STAFF}", "password": "not it at all", "csrf_token": token})
        assert answer.status_code == 401 and "not right" in answer.text
        assert session_cookie(client) is None
        assert f'value="ada{STAFF}"' in answer.text  # the e-mail is kept in the form, the password is not
        assert "not it at all" not in answer.text


def test_disabled_user_is_signed_out_and_cannot_sign_in(server):
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        assert harbour(server_instance(server), "users", "disable", f"ada{STAFF}").returncode == 0
        assert client.get("/staff/").status_code == 303
        token = login_form_token(client)
        answer = client.post("/staff/login", data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 401
    assert "(disabled)" in harbour(server_instance(server), "users", "list").stdout


def test_reset_password_ends_sessions_and_only_the_new_password_works(server):
    instance = server_instance(server)
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        new = "a brand new passphrase"
        done = harbour(instance, "users", "reset-password", f"ada{STAFF}", "--password-stdin", stdin=new + "\n")
        assert done.returncode == 0, done.stderr
        assert client.get("/staff/").status_code == 303
    with httpx.Client(base_url=server.url) as fresh:
        token = login_form_token(fresh)
        old = fresh.post("/staff/login", data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token})
        assert old.status_code == 401
    login(None, server.url, f"ada{STAFF}", new)[0].close()


def test_login_redirects_only_to_staff_pages(server):
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        )
        assert answer.headers["location"] == "/staff/"
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token, "next": "/staff/services"},
        )
        assert answer.headers["location"] == "/staff/services"


def test_base_page_shows_instance_name_navigation_user_and_logout_form(server):
    client, csrf = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        page = client.get("/staff/").text
    assert "Kingsmere City Council" in page
    for label, href in [("Services", "/staff/services"), ("Translate", "/staff/translate"), ("Verify", "/staff/verify"),
                        ("Review", "/staff/review"), ("Notices", "/staff/notices"), ("Feeds", "/staff/feeds"),
                        ("Audit", "/staff/audit")]:
        assert f'<a href="{href}"' in page and f">{label}</a>" in page
    assert '<form method="post" action="/staff/logout"' in page
    assert f'name="csrf_token" value="{csrf}"' in page
    assert '<html lang="en">' in page and 'name="viewport"' in page


# --- idle and absolute expiry -------------------------------------------------------


def backdate(instance, secret: str, *, idle: timedelta = timedelta(), age: timedelta = timedelta()) -> None:
    now = datetime.now(UTC)
    stamp = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    db = instance.private()
    try:
        db.execute(
            "UPDATE sessions SET last_seen = ?, created = ? WHERE token_hash = ?",
            [stamp(now - idle), stamp(now - age), digest(secret)],
        )
    finally:
        db.close()


@pytest.fixture
def short_sessions(demo_instance, server_for):
    """Sessions that end after 5 idle minutes or 2 hours (set in harbour.toml)."""
    config = demo_instance.data_dir / "harbour.toml"
    config.write_text(config.read_text() + "\n[staff]\nsession_idle_minutes = 5\nsession_max_hours = 2\n")
    make_user(demo_instance, f"ada{STAFF}", "admin")
    return demo_instance, server_for(demo_instance)


def test_session_ends_after_the_configured_idle_time(short_sessions):
    instance, server = short_sessions
    fresh, _ = login(None, server.url, f"ada{STAFF}")
    stale, _ = login(None, server.url, f"ada{STAFF}")
    with closing(fresh), closing(stale):
        backdate(instance, session_cookie(fresh), idle=timedelta(minutes=4), age=timedelta(minutes=4))
        backdate(instance, session_cookie(stale), idle=timedelta(minutes=6), age=timedelta(minutes=6))
        assert fresh.get("/staff/").status_code == 200
        assert stale.get("/staff/").status_code == 303
        assert digest(session_cookie(stale)) not in [row[0] for row in session_rows(instance)]


def test_activity_keeps_a_session_alive_until_its_absolute_limit(short_sessions):
    instance, server = short_sessions
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        secret = session_cookie(client)
        backdate(instance, secret, idle=timedelta(minutes=4), age=timedelta(minutes=100))
        assert client.get("/staff/").status_code == 200  # touched: the idle clock restarts
        [(_, _, _, last_seen)] = session_rows(instance)
        assert datetime.strptime(last_seen, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=1)
        backdate(instance, secret, idle=timedelta(minutes=1), age=timedelta(minutes=121))
        assert client.get("/staff/").status_code == 303


def test_session_csrf_token_is_stable_within_a_session_and_new_for_the_next(server):
    client, csrf = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        assert session_csrf(client) == csrf
        _, second = login(client, server.url, f"ada{STAFF}")
        assert second != csrf
