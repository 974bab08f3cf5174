"""Sign-in and sign-out pages, the staff home page and the staff stylesheet.

- GET /staff/login: the form, with a pre-session CSRF token (double submit: the same
  random value in a hidden field and in a cookie scoped to `Path=/staff`).
- POST /staff/login: `email`, `password`, `csrf_token`. Success rotates the session
  (a new id; the old one, if any, ends) and redirects to /staff/. Ten failures for one
  account from one address within 15 minutes answer 429 until they age out.
- POST /staff/logout: ends the session server-side and clears the cookie.
- GET /staff/: the home page (anonymous visitors are sent to the sign-in form).
- GET /staff/static/staff.css: the one stylesheet.

Cookies are `Secure` when the request came over https (the connection's scheme; an
`X-Forwarded-Proto` header only when `trust_proxy` is on, see policy.py).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from directory.instance import Instance
from directory.staff.accounts import lockout
from directory.staff.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from directory.staff.accounts.policy import (
    COOKIE_PATH,
    LOGIN_CSRF_COOKIE,
    MAX_PASSWORD_LENGTH,
    SESSION_COOKIE,
    Policy,
    load_policy,
)
from directory.staff.accounts.sessions import end_session, prune_sessions, start_session
from directory.staff.accounts.templating import STATIC_DIR, render
from directory.staff.accounts.users import find_user, password_hash_of, set_password_hash
from directory.staff.auth import ROLES, check_csrf, current_actor, writes

WRONG = "The e-mail address or the password is not right."
LOGIN_CSRF_SECONDS = 2 * 3600


def routes(instance: Instance) -> list:
    policy = load_policy(instance.data_dir)

    async def login_form(request: Request) -> Response:
        return _login_page(request, policy)

    @writes(roles=(), anonymous=True)
    async def login(request: Request) -> Response:
        form = await request.form()
        email = str(form.get("email") or "").strip()[:320]
        password = str(form.get("password") or "")[:MAX_PASSWORD_LENGTH]
        sent = str(form.get("csrf_token") or "")
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            return _login_page(
                request, policy, "The form has expired. Please try again.", status=403, email=email
            )
        if not email or not password:
            return _login_page(request, policy, "Enter your e-mail address and your password.", status=400, email=email)
        address = client_address(request, policy)
        old = request.cookies.get(SESSION_COOKIE)
        outcome, value = await run_in_threadpool(_authenticate, instance, policy, email, password, address, old)
        if outcome == "locked":
            minutes = max(1, (int(value) + 59) // 60)
            page = _login_page(
                request,
                policy,
                f"Too many attempts. Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again.",
                status=429,
                email=email,
            )
            page.headers["Retry-After"] = str(value)
            return page
        if outcome == "wrong":
            return _login_page(request, policy, WRONG, status=401, email=email)
        response = RedirectResponse(_next(form.get("next")), status_code=303)
        response.set_cookie(
            SESSION_COOKIE, str(value), path=COOKIE_PATH, httponly=True, samesite="lax", secure=is_https(request, policy)
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


def _authenticate(
    instance: Instance, policy: Policy, email: str, password: str, address: str, old: str | None
) -> tuple[str, object]:
    """("locked", seconds) | ("wrong", None) | ("ok", session cookie value)."""
    db = instance.private()
    try:
        wait = lockout.retry_after(db, email, address)
        if wait:
            return "locked", wait
        user = find_user(db, email)
        if user is None or user.disabled:
            burn_time(password)  # the same work, so the timing does not tell
            ok = False
        else:
            stored = password_hash_of(db, user.id)
            ok = verify_password(stored, password)
        if not ok or user is None:
            lockout.record_failure(db, email, address)
            return "wrong", None
        lockout.clear_failures(db, email, address)
        if needs_rehash(stored):
            set_password_hash(db, user.id, hash_password(password))
        prune_sessions(db, policy)
        return "ok", start_session(db, user.id, replacing=old)
    finally:
        db.close()


def _end(instance: Instance, secret: str) -> None:
    db = instance.private()
    try:
        end_session(db, secret)
    finally:
        db.close()


def _login_page(request: Request, policy: Policy, error: str = "", status: int = 200, email: str = "") -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if len(token) != 43:
        token = secrets.token_urlsafe(32)
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
        max_age=LOGIN_CSRF_SECONDS,
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


def is_https(request: Request, policy: Policy) -> bool:
    if request.url.scheme == "https":
        return True
    if policy.trust_proxy:
        return request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
    return False


def client_address(request: Request, policy: Policy) -> str:
    if policy.trust_proxy:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.client.host if request.client else "unknown"
