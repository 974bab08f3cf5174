"""`harbour users …` and `harbour tokens …`: staff accounts and API tokens.

    harbour users add EMAIL --role editor --org ORG_ID [--org ORG_ID …] --password-stdin
    harbour users list [--json]
    harbour users disable EMAIL
    harbour users reset-password EMAIL --password-stdin [--keep-tokens]
    harbour tokens add EMAIL              # the new token is the last line printed
    harbour tokens list [EMAIL] [--json]
    harbour tokens revoke PREFIX_OR_TOKEN
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from directory.cli.commands import UserError, _instance
from directory.staff.auth import ROLES


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    users = sub.add_parser("users", parents=[common], help="staff accounts: add, list, disable, reset a password")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser(
        "add",
        parents=[common],
        help="add a staff account",
        description="Add a staff account. Editors and publishers need at least one --org: the organizations"
        " whose records they may change. Passwords need at least 12 characters.",
    )
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--role", required=True, choices=ROLES,
                   help="admin: everything; editor: services, locations and translations of their organizations;"
                   " publisher: its own organization's services and feeds; viewer: read only")
    p.add_argument("--org", action="append", default=[], metavar="ORG_ID",
                   help="an organization id (repeat for several); for editors and publishers")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (otherwise you are asked)")
    p.set_defaults(handler=users_add)

    p = users_sub.add_parser("list", parents=[common], help="every account with its role and organizations")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(handler=users_list)

    p = users_sub.add_parser("disable", parents=[common],
                             help="disable an account: it cannot sign in; its sessions and tokens end now")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(handler=users_disable)

    p = users_sub.add_parser(
        "reset-password",
        parents=[common],
        help="set a new password; every session of the account ends, and its API tokens are revoked",
        description="Set a new password. Every session of the account ends, its API tokens are revoked (a"
        " token made with a password someone else may know is no safer than the password) and its browsers"
        " count as unknown devices again. --keep-tokens keeps the tokens, when the password was only forgotten.",
    )
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    tokens_choice = p.add_mutually_exclusive_group()
    tokens_choice.add_argument("--revoke-tokens", dest="revoke_tokens", action="store_true", default=True,
                               help="revoke the account's API tokens (the default)")
    tokens_choice.add_argument("--keep-tokens", dest="revoke_tokens", action="store_false",
                               help="keep the account's API tokens working")
    p.set_defaults(handler=users_reset_password)

    tokens = sub.add_parser(
        "tokens",
        parents=[common],
        help="API tokens (Authorization: Bearer TOKEN) for the JSON API",
        description="API tokens for /api/. A token looks like hb_XXXXXXXX_… ; its first part, hb_XXXXXXXX,"
        " is its public prefix: 'harbour tokens list' shows it and 'harbour tokens revoke' takes it."
        " Only a hash of each token is kept, so a lost token cannot be shown again: make a new one.",
    )
    tokens_sub = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")
    p = tokens_sub.add_parser("add", parents=[common], help="make a token for a user; printed once, on the last line")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(handler=tokens_add)
    p = tokens_sub.add_parser("list", parents=[common], help="tokens by prefix, with their user and state")
    p.add_argument("email", nargs="?", metavar="EMAIL", help="only this user's tokens")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(handler=tokens_list)
    p = tokens_sub.add_parser(
        "revoke",
        parents=[common],
        help="revoke a token, named by its prefix (hb_XXXXXXXX) or the whole token",
        description="Revoke a token at once. Name it by its prefix, hb_XXXXXXXX (as 'harbour tokens list'"
        " shows), or by the whole token.",
    )
    p.add_argument("token", metavar="PREFIX_OR_TOKEN")
    p.set_defaults(handler=tokens_revoke)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UserError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise UserError("give the password with --password-stdin (standard input is not a terminal)")
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Again: "):
        raise UserError("the two passwords differ")
    return first


def _private(args: argparse.Namespace):
    return _instance(args).private()


def _known_organizations(args: argparse.Namespace) -> set[str]:
    db = _instance(args).directory()
    try:
        return {row[0] for row in db.execute("SELECT id FROM organizations")}
    finally:
        db.close()


def users_add(args: argparse.Namespace) -> int:
    from directory.staff.accounts.users import AccountError, add_user

    password = _read_password(args)
    known = _known_organizations(args)
    db = _private(args)
    try:
        user = add_user(db, args.email, args.role, password, args.org, known_organizations=known)
    except AccountError as error:
        raise UserError(str(error)) from None
    finally:
        db.close()
    orgs = f" for {', '.join(user.organizations)}" if user.organizations else ""
    print(f"Added {user.email} as {user.role}{orgs}")
    return 0


def users_list(args: argparse.Namespace) -> int:
    from directory.staff.accounts.users import list_users

    db = _private(args)
    try:
        users = list_users(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps([
            {"email": u.email, "role": u.role, "organizations": list(u.organizations),
             "disabled": u.disabled, "created": u.created}
            for u in users
        ]))
        return 0
    if not users:
        print("No users yet. Add one with: harbour users add EMAIL --role admin --password-stdin")
    for u in users:
        state = "  (disabled)" if u.disabled else ""
        orgs = f"  {', '.join(u.organizations)}" if u.organizations else ""
        print(f"{u.email}  {u.role}{orgs}{state}")
    return 0


def _account_call(args: argparse.Namespace, action):
    """Run `action(private_db)`; an account error becomes the command's one-line error."""
    from directory.staff.accounts.users import AccountError

    db = _private(args)
    try:
        return action(db)
    except AccountError as error:
        raise UserError(str(error)) from None
    finally:
        db.close()


def users_disable(args: argparse.Namespace) -> int:
    from directory.staff.accounts.users import disable_user

    user = _account_call(args, lambda db: disable_user(db, args.email))
    print(f"Disabled {user.email}; their sessions and tokens have ended")
    return 0


def users_reset_password(args: argparse.Namespace) -> int:
    from directory.staff.accounts.users import reset_password

    password = _read_password(args)
    user, revoked = _account_call(args, lambda db: reset_password(db, args.email, password, args.revoke_tokens))
    tokens = f"{revoked} API token{'s' if revoked != 1 else ''} revoked" if args.revoke_tokens else "API tokens kept"
    print(f"New password set for {user.email}; their sessions have ended; {tokens}")
    return 0


def tokens_add(args: argparse.Namespace) -> int:
    from directory.staff.accounts.tokens import create_token

    token = _account_call(args, lambda db: create_token(db, args.email))
    print(f"New API token for {args.email.strip().lower()} (prefix {token[:11]}); it is shown only now:")
    print(token)
    return 0


def tokens_list(args: argparse.Namespace) -> int:
    from directory.staff.accounts.tokens import list_tokens

    db = _private(args)
    try:
        tokens = list_tokens(db, args.email)
    finally:
        db.close()
    if args.json:
        print(json.dumps([t.__dict__ for t in tokens]))
        return 0
    if not tokens:
        print("No tokens.")
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked_at else f"last used {t.last_used or 'never'}"
        print(f"{t.prefix}  {t.email}  created {t.created}  {state}")
    return 0


def tokens_revoke(args: argparse.Namespace) -> int:
    from directory.staff.accounts.tokens import revoke_token

    info = _account_call(args, lambda db: revoke_token(db, args.token))
    print(f"Revoked {info.prefix} ({info.email})")
    return 0
