"""`harbour terms list|map|accept`: map the terms feeds use onto the Harbour taxonomy.

The same functions as the feed's staff page (directory.taxonomy.feed_terms). A mapping
applies at once to the services already synced that carry the term.
"""

from __future__ import annotations

import argparse
import json

from directory.cli.commands import UserError, _instance
from directory.sync.normalise.categories import scheme_of

APPLIED = "A mapping applies at once to the services already synced that carry the term, and to every later sync."


def add_parser(sub, common: argparse.ArgumentParser) -> None:
    terms = sub.add_parser("terms", parents=[common], help="map feeds' unmapped terms onto Harbour categories",
                           description="The terms feeds tag services with that map to no Harbour category or"
                                       " attribute, each with a suggestion. " + APPLIED)
    actions = terms.add_subparsers(dest="terms_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", parents=[common], help="Harbour's terms and the feeds' unmapped terms")
    p.add_argument("--unmapped", action="store_true", help="only the feeds' unmapped terms")
    p.add_argument("--feed", metavar="NAME", help="only this feed's terms")
    p.add_argument("--json", action="store_true", help='print {"unmapped": [...], "harbour": [...]} as one object')
    p.set_defaults(handler=list_)
    p = actions.add_parser("map", parents=[common], help="map a feed's term onto a Harbour term", description=APPLIED)
    p.add_argument("term", metavar="TERM", help="the feed's code or label for the term")
    p.add_argument("harbour_code", metavar="CATEGORY_CODE", help="a Harbour category or attribute code, e.g. food-banks")
    p.add_argument("--feed", metavar="NAME", help="the feed whose term it is (default: any feed that sent it)")
    p.add_argument("--scheme", metavar="S", help="the term's vocabulary, when TERM is ambiguous or no feed sent it yet")
    p.set_defaults(handler=map_)
    p = actions.add_parser("accept", parents=[common], help="accept suggested mappings", description=APPLIED)
    p.add_argument("--all-suggested", action="store_true", required=True, help="every unmapped term's suggestion")
    p.add_argument("--feed", metavar="NAME", help="only this feed's terms")
    p.set_defaults(handler=accept)


def list_(args: argparse.Namespace) -> int:
    from directory.taxonomy.feed_terms import unmapped_terms

    db = _open(args)
    try:
        found = unmapped_terms(db, args.feed)
        harbour = [] if args.unmapped else db.execute(
            "SELECT t.code, d.kind, t.name FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id"
            " ORDER BY d.sort_order").fetchall()  # fmt: skip
    finally:
        db.close()
    if args.json:
        out: dict = {"unmapped": [t.as_json() for t in found]}
        if not args.unmapped:
            out["harbour"] = [{"code": c, "kind": k, "name": n} for c, k, n in harbour]
        print(json.dumps(out, ensure_ascii=False))
        return 0
    for code, kind, name in harbour:
        print(f"{code:28} {kind:10} {name}")
    if harbour:
        print()
    if not found:
        print("no unmapped terms")
    for t in found:
        suggestion = f"suggested: {t.suggested.code} ({t.suggested.name})" if t.suggested else "no suggestion"
        print(f"{t.feed}: {t.shown}: {t.services} service{'' if t.services == 1 else 's'}; {suggestion}")
    return 0


def map_(args: argparse.Namespace) -> int:
    from directory.taxonomy.feed_terms import find_terms, map_term

    db = _open(args)
    try:
        scheme = scheme_of(args.scheme) if args.scheme else None
        matches = {(t.scheme, t.code, t.label) for t in find_terms(db, args.term, args.feed, scheme)}
        if not matches:
            if scheme is None:
                raise UserError(f"no feed sent an unmapped term {args.term!r} (see 'harbour terms list --unmapped');"
                                " give --scheme to map it before any feed sends it")
            matches = {(scheme, args.term.strip(), "")}
        if len(matches) > 1:
            shown = "; ".join(f"{s}: {c or lb}" for s, c, lb in sorted(matches))
            raise UserError(f"{args.term!r} names {len(matches)} terms ({shown}); say which with --scheme")
        [(term_scheme, code, label)] = matches
        changed = map_term(db, term_scheme, code, label, args.harbour_code, args.feed)
    finally:
        db.close()
    print(f"mapped {code or label} ({term_scheme}) to {args.harbour_code}: {changed} service"
          f"{'' if changed == 1 else 's'} got it at once")
    return 0


def accept(args: argparse.Namespace) -> int:
    from directory.taxonomy.feed_terms import accept_suggestions

    db = _open(args)
    try:
        accepted, changed = accept_suggestions(db, args.feed)
    finally:
        db.close()
    print(f"accepted {accepted} suggestion{'' if accepted == 1 else 's'}: {changed} service"
          f"{'' if changed == 1 else 's'} got a Harbour term at once")
    return 0


def _open(args: argparse.Namespace):
    db = _instance(args).directory()
    if args.feed and db.execute("SELECT 1 FROM feeds WHERE name = ?", [args.feed]).fetchone() is None:
        db.close()
        raise UserError(f"no feed named {args.feed!r} (see 'harbour feeds list')")
    return db
