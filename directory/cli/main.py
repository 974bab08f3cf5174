"""`harbour` — argument parsing and the one-line error contract.

Every command takes --data-dir, prints --help, and on bad input exits non-zero
with one line on stderr, leaving the data as it was.
"""

from __future__ import annotations

import argparse
import sys

from directory.cli import commands, users
from directory.cli import notices as notices_cli
from directory.cli import ops as ops_cli
from directory.cli import push as push_cli
from directory.cli import terms as terms_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harbour", description="Harbour: an offline-first directory of community services (HSDS 3.0)."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", help="folder holding directory.db, private.db and harbour.toml"
        " (default: $HARBOUR_DATA_DIR or ./var)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create the databases and settings")
    p.add_argument("--demo", action="store_true", help="load the demo city (Kingsmere) from data/")
    p.add_argument("--name", help="the authority's name, e.g. 'City of Kingsmere'")
    p.add_argument("--country", help="ISO 3166 country code, the default region for phone numbers")
    p.add_argument("--timezone", help="IANA time zone, e.g. Europe/London")
    p.set_defaults(handler=commands.init)

    p = sub.add_parser("serve", parents=[common], help="serve the PWA, Datasette, the HSDS API and more")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-store", action="store_true", help="send Cache-Control: no-store everywhere (for tests)")
    p.add_argument("--replicate", metavar="URL",
                   help="replicate both databases continuously with Litestream to file:///PATH or s3://BUCKET/PATH"
                   " (default: the 'replicate' setting of harbour.toml)")
    p.set_defaults(handler=commands.serve)

    p = sub.add_parser("import", parents=[common], help="import a feed once: a file, folder, zip or URL",
                       description="A one-off sync: the same formats, repairs and report as 'harbour sync'."
                                   " Good records land; bad ones are set aside and reported.")
    p.add_argument("source", metavar="PATH_OR_URL",
                   help="HSDS JSON (a service, a list, a page, an API), a datapackage folder, datapackage.json"
                        " or zip, an ORUK page, an HXL or mapped spreadsheet, or an http(s) URL of one")
    p.add_argument("--format", help="hsds-json, hsds-csv, oruk, hxl or csv (default: told from the content)")
    p.add_argument("--mapping", metavar="FILE", help="YAML mapping of spreadsheet columns (csv format)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts and problems")
    p.add_argument("--allow-private", action="store_true",
                   help="allow a URL on a loopback or private-network address (a feed inside your own network)")
    p.set_defaults(handler=commands.import_)

    p = sub.add_parser("export", parents=[common], help="export the directory")
    p.add_argument("format", choices=["hsds", "json"], help="hsds: CSV datapackage folder; json: list of services")
    p.add_argument("out", metavar="OUT", help="folder (hsds) or file (json) to write")
    p.set_defaults(handler=commands.export)

    feeds = sub.add_parser("feeds", parents=[common], help="register, list and remove feeds")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    p = feeds_sub.add_parser("add", parents=[common], help="register a feed (the URL is checked at once)")
    p.add_argument("name", metavar="NAME", help="a short name: lowercase letters, digits, - and _")
    p.add_argument("url", metavar="URL")
    p.add_argument("--format", required=True, help="hsds-json, hsds-csv, oruk, hxl or csv")
    p.add_argument("--publisher", metavar="ORG_ID", help="the organization that publishes this feed")
    p.add_argument("--mapping", metavar="FILE", help="YAML mapping of spreadsheet columns (csv format)")
    p.add_argument("--every", metavar="INTERVAL", help="sync automatically inside 'harbour serve', e.g. 6h")
    p.add_argument("--allow-private", action="store_true",
                   help="allow a loopback or private-network address (for feeds inside your own network)")
    p.set_defaults(handler=commands.feeds_add)
    p = feeds_sub.add_parser("list", parents=[common], help="feeds with their last run and counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=commands.feeds_list)
    p = feeds_sub.add_parser("remove", parents=[common], help="forget a feed (its records stay)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=commands.feeds_remove)

    p = sub.add_parser("sync", parents=[common], help="sync feeds now")
    p.add_argument("names", nargs="*", metavar="NAME", help="feeds to sync (or --all)")
    p.add_argument("--all", action="store_true", help="sync every registered feed")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts as the last line")
    p.set_defaults(handler=commands.sync)

    p = sub.add_parser("publish", parents=[common], help="write an immutable snapshot and the static PWA to OUT",
                       description="Write the directory as of now to a new folder OUT: a read-only copy of"
                                   " directory.db with its Datasette metadata, and the offline app with its"
                                   " bundles as static files for any web host. Nothing private is copied.")
    p.add_argument("out", metavar="OUT", help="a folder that does not exist yet (or is empty)")
    p.add_argument("--json", action="store_true", help="print one JSON object with what was published")
    p.set_defaults(handler=commands.publish)

    p = sub.add_parser("stats", parents=[common], help="counts of services, categories and translations")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=commands.stats)

    notices_cli.add_parser(sub, common)
    push_cli.add_parser(sub, common)
    terms_cli.add_parser(sub, common)
    users.add_parsers(sub, common)
    ops_cli.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args) or 0
    except commands.UserError as error:
        print(f"harbour {args.command}: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # FeedError, UnsafeAddress and other one-line input errors
        print(f"harbour {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"harbour {args.command}: interrupted", file=sys.stderr)
        return 130
