"""Sign-in and sign-out pages, the staff home page and the staff stylesheet.

- GET /staff/login: the form, with a pre-session CSRF token: a value this server
  signed, in a hidden field and in a cookie scoped to `Path=/staff` (signin_token.py).
- POST /staff/login: `email`, `password`, `csrf_token`. Refused (403) when posted
  from another site or with a token this server did not issue. Success rotates
  the session (a new id; the old one, if any, ends), remembers the browser as a
  known device of the account (devices.py) and redirects to /staff/. Too many
  failures answer 429 (lockout.py): a stranger's guesses hold back strangers,
  never the worker's own browser.
- POST /staff/logout: ends the session server-side and clears the cookie.
- GET /staff/: the home page (anonymous visitors are sent to the sign-in form).
- GET /staff/static/staff.css: the one stylesheet.

Cookies are `Secure` when the request came over https (the connection's scheme; an
`X-Forwarded-Proto` header only when `trust_proxy` is on, see client.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from directory.instance import Instance
from directory.staff.accounts import lockout, signin_token
from directory.staff.accounts.client import client_address, is_https
from directory.staff.accounts.devices import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_SECONDS,
    known_device,
    remember_device,
)
from directory.staff.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from directory.staff.accounts.policy import (
    COOKIE_PATH,
    LOGIN_CSRF_COOKIE,
    MAX_PASSWORD_LENGTH,
    SESSION_COOKIE,
    Policy,
    load_policy,
)
from directory.staff.accounts.secret import instance_key
from directory.staff.accounts.sessions import end_session, prune_sessions, start_session
from directory.staff.accounts.templating import STATIC_DIR, render
from directory.staff.accounts.users import find_user, password_hash_of, set_password_hash
from directory.staff.auth import ROLES, check_csrf, current_actor, writes

WRONG = "The e-mail address or the password is not right."
EXPIRED = "The form has expired. Please try again."


def routes(instance: Instance) -> list:
    policy = load_policy(instance.data_dir)

    async def login_form(request: Request) -> Response:
        return _login_page(request, policy, instance_key(instance.data_dir))

    @writes(roles=(), anonymous=True)
    async def login(request: Request) -> Response:
        key = instance_key(instance.data_dir)  # made on first use: serving alone needs no writable data dir
        form = await request.form()
        email = str(form.get("email") or "").strip()[:320]
        password = str(form.get("password") or "")[:MAX_PASSWORD_LENGTH]
        sent = str(form.get("csrf_token") or "")
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
        if signin_token.from_another_site(request.headers) or not signin_token.accepted(key, cookie, sent):
            return _login_page(request, policy, key, EXPIRED, status=403, email=email)
        if not email or not password:
            return _login_page(request, policy, key, "Enter your e-mail address and your password.", status=400, email=email)
        outcome, value = await run_in_threadpool(
            _authenticate,
            instance,
            policy,
            key,
            Credentials(email, password, client_address(request, policy), request.cookies.get(DEVICE_COOKIE)),
            request.cookies.get(SESSION_COOKIE),
        )
        if outcome == "locked":
            minutes = max(1, (int(value) + 59) // 60)
            page = _login_page(
                request,
                policy,
                key,
                f"Too many attempts. Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again.",
                status=429,
                email=email,
            )
            page.headers["Retry-After"] = str(value)
            return page
        if outcome == "wrong":
            return _login_page(request, policy, key, WRONG, status=401, email=email)
        session, device = value
        secure = is_https(request, policy)
        response = RedirectResponse(_next(form.get("next")), status_code=303)
        response.set_cookie(SESSION_COOKIE, session, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure)
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_SECONDS, path=COOKIE_PATH, httponly=True, samesite="strict",
            secure=secure,
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
        return response

    @writes(roles=ROLES)
    async def logout(request: Request) -> Response:
        await check_csrf(request)
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            await run_in_threadpool(_end, instance, secret)
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")
        return response

    async def home(request: Request) -> Response:
        if current_actor(request) is None:
            return RedirectResponse("/staff/login", status_code=303)
        return render(request, "home.html")

    return [
        Route("/staff", lambda request: RedirectResponse("/staff/", status_code=301), name="staff.root"),
        Route("/staff/", home, name="staff.home"),
        Route("/staff/login", login_form, methods=["GET"], name="accounts.login_form"),
        Route("/staff/login", login, methods=["POST"], name="accounts.login"),
        Route("/staff/logout", logout, methods=["POST"], name="accounts.logout"),
        Mount("/staff/static", app=StaticFiles(directory=str(STATIC_DIR)), name="staff.static"),
    ]


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    address: str  # the client's, as client.py finds it
    device_cookie: str | None


def _authenticate(
    instance: Instance, policy: Policy, key: bytes, given: Credentials, old: str | None
) -> tuple[str, object]:
    """("locked", seconds) | ("wrong", None) | ("ok", (session cookie value, device cookie value))."""
    db = instance.private()
    try:
        user = find_user(db, given.email)
        stored = password_hash_of(db, user.id) if user is not None and not user.disabled else None
        device = known_device(key, given.device_cookie, given.email, stored) if stored else None
        attempt = lockout.attempt(key, given.email, given.address, device)
        wait = lockout.retry_after(db, attempt)
        if wait:
            return "locked", wait
        if stored is None:
            burn_time(given.password)  # the same work, so the timing does not tell
            ok = False
        else:
            ok = verify_password(stored, given.password)
        if not ok or user is None or stored is None:
            lockout.record_failure(db, attempt)
            return "wrong", None
        lockout.record_success(db, attempt)
        if needs_rehash(stored):
            stored = hash_password(given.password)
            set_password_hash(db, user.id, stored)
        prune_sessions(db, policy)
        session = start_session(db, user.id, replacing=old)
        return "ok", (session, remember_device(key, given.device_cookie, user.email, stored))
    finally:
        db.close()


def _end(instance: Instance, secret: str) -> None:
    db = instance.private()
    try:
        end_session(db, secret)
    finally:
        db.close()


def _login_page(
    request: Request, policy: Policy, key: bytes, error: str = "", status: int = 200, email: str = ""
) -> Response:
    token = signin_token.for_form(key, request.cookies.get(LOGIN_CSRF_COOKIE))
    nxt = request.query_params.get("next", "")
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "error": error, "email": email, "next": nxt if _is_staff_page(nxt) else ""},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=signin_token.TOKEN_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request, policy),
    )
    return response


def _is_staff_page(target: object) -> bool:
    return isinstance(target, str) and target.startswith("/staff/") and "//" not in target and "\\" not in target


def _next(target: object) -> str:
    return str(target) if _is_staff_page(target) and target != "/staff/login" else "/staff/"
