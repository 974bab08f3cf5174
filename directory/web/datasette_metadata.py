"""Datasette metadata for directory.db: titles, licence, descriptions, facets, canned queries.

Built from the instance's settings (so the title is the name in harbour.toml) and
written to `DIR/datasette-metadata.json`, so the same publication runs standalone:

    datasette DIR/directory.db --metadata DIR/datasette-metadata.json \
        --plugins-dir datasette_plugins --setting suggest_facets off
"""

from __future__ import annotations

import copy
import html
import json
import os
from pathlib import Path

from directory.config import Settings
from directory.hsds.api_filters import not_withdrawn
from directory.hsds.tables import hsds_tables

DATABASE = "directory"
METADATA_FILE = "datasette-metadata.json"

LICENCE_URLS = {
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "OGL-UK-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}

# Harbour's own tables (HSDS has no place for these); HSDS tables are described by the datapackage.
EXTENSION_TABLES = {
    "service_directory": (
        "Every listed service on one row, with its categories, access attributes and languages: "
        "the place to narrow services by category, language and status.",
        {
            "id": "The service's id (HSDS services.id).",
            "name": "The service's name, in the source language.",
            "organization": "The organization that runs it.",
            "status": "active, temporarily closed, inactive or defunct.",
            "categories": "Its Harbour categories (top level), as a list.",
            "access": "Its safety and access attributes (free, no ID needed, no immigration-status check…).",
            "languages": "The languages the service speaks, as ISO 639 codes.",
            "assured_date": "When its details were last verified.",
            "last_modified": "When the listing last changed at its source.",
        },
    ),
    "feeds": (
        "Harbour extension: the data feeds this directory syncs from municipalities and civil-society groups.",
        {
            "name": "The feed's short name; listings it brings name it as feed:NAME in provenance.",
            "format": "hsds-json, hsds-csv, oruk, hxl or csv (a spreadsheet with a column mapping).",
            "publisher_id": "The organization that publishes the feed.",
            "licence": "The licence the publisher gives its data under.",
            "added": "When the feed was registered (UTC).",
            "last_run": "When it was last synced (UTC).",
            "last_result": "ok, ok_with_problems (landed, but something was set aside), not_modified, flagged"
                           " (a human should look) or failed.",
            "last_success": "When a sync last succeeded (UTC).",
            "services": "How many current services this feed supplies.",
        },
    ),
    "sync_runs": (
        "Harbour extension: one row per sync of a feed (or `harbour import`, as import:NAME), with what it"
        " fetched and what it changed.",
        {
            "id": "The run's number.",
            "feed": "The feed that was synced.",
            "started": "When the run started (UTC).",
            "finished": "When it finished (UTC).",
            "result": "running, ok, ok_with_problems (landed, but something was set aside), not_modified"
                      " (nothing new), flagged (a human should look) or failed.",
            "fetched": "Records read from the feed.",
            "created": "New services.",
            "updated": "Services that changed.",
            "unchanged": "Services that were the same as last time.",
            "deleted": "Services the feed no longer lists, now withdrawn (kept, not shown).",
            "quarantined": "Records set aside because they could not be used; staff see why.",
            "duplicates": "Records found to be another source's service (linked or queued for review).",
            "not_modified": "1 when the feed answered that nothing changed.",
            "errors": "Errors that stopped the run.",
            "message": "What went wrong or needs a look, in plain words.",
            "problems": "Counts by kind of what the run repaired, set aside or could not place (JSON).",
        },
    ),
    "feed_terms": (
        "Harbour extension: terms a feed tags services with that match no Harbour category or attribute yet,"
        " each with a suggested one that staff may accept.",
        {
            "feed": "The feed that sends the term.",
            "scheme": "The term's vocabulary, as the feed names it (normalised).",
            "code": "The term's code in that vocabulary ('' when the feed sends only a label).",
            "label": "The term's name as the feed sends it ('' when it sends only a code).",
            "services": "How many of the feed's current services carry the term.",
            "suggested_term_id": "The Harbour term suggested for it by name (staff decide; never applied alone).",
        },
    ),
    "feed_term_services": (
        "Harbour extension: which of a feed's services carry each of its unmapped terms.",
        {
            "feed": "The feed that sends the term.",
            "scheme": "The term's vocabulary.",
            "code": "The term's code.",
            "label": "The term's name.",
            "service_id": "A service of the feed that carries it.",
        },
    ),
    "notices": (
        "Harbour extension: urgent notices (closures, warnings, new services) shown on top in the app.",
        {
            "id": "The notice's id.",
            "title": "A short title, in the source language (translations in the translations table).",
            "body": "What readers need to know.",
            "severity": "info, warning or urgent.",
            "category_id": "The Harbour category it concerns, if any.",
            "area": "The area it concerns, if any (e.g. a postcode district).",
            "service_id": "The service it concerns, if any.",
            "starts": "When it starts being shown (UTC).",
            "ends": "When it stops being shown (UTC); empty means until withdrawn.",
            "created": "When it was written (UTC).",
            "updated": "When it last changed (UTC).",
            "withdrawn": "When staff withdrew it (UTC).",
        },
    ),
    "service_links": (
        "Harbour extension: listings from different sources found to be the same service, shown once.",
        {
            "service_id": "The service shown.",
            "source": "The other source that lists it (feed:NAME).",
            "source_id": "The id that source uses for it.",
            "score": "How alike the two listings are (0–100).",
            "linked": "When they were linked (UTC).",
            "decided_by": "sync (a sure match) or staff.",
        },
    ),
    "translations": (
        "Harbour extension: the text of a record in other languages, one row per record, field and language.",
        {
            "table_name": "The table of the translated record, e.g. services or taxonomy_terms.",
            "record_id": "The id of the translated record in that table.",
            "field": "The translated column, e.g. name or description.",
            "language": "The language of the text, as an ISO 639 code (ar, prs, uk, fr, es…).",
            "text": "The text in that language.",
            "status": "source (the original text), human or machine (a translation), or outdated "
            "(the original changed since; still shown until a translator updates it).",
            "updated": "When this translation was last written (UTC).",
        },
    ),
    "provenance": (
        (
            "Harbour extension: where each record came from (a feed, an import, the demo or municipal staff), "
            "when it was first and last seen, and whether its source withdrew it."
        ),
        {
            "table_name": "The table of the record.",
            "record_id": "The id of the record in that table.",
            "source": "Who supplied it: feed:NAME, import:FILE, staff:ROLE or demo. Never a person's name.",
            "source_id": "The record's id in the source's own data.",
            "content_hash": "A fingerprint of the record as last received, to notice changes.",
            "first_seen": "When this source first supplied the record (UTC).",
            "last_seen": "When this source last supplied the record (UTC).",
            "deleted_at": "When the source withdrew the record (UTC); empty while it is current. "
            "A record every source withdrew is kept here but left out of the HSDS API.",
        },
    ),
    "changes": (
        (
            "Harbour extension: the change log, one row per change to a record, in order. "
            "It feeds the HSDS API's modified_after filter and the offline updates for phones."
        ),
        {
            "seq": "The position in the log; it only ever grows.",
            "table_name": "The table of the changed record (changes to a phone or schedule are logged "
            "under the service, location or organization they belong to).",
            "record_id": "The id of the changed record.",
            "operation": "insert, update or delete.",
            "at": "When the change was made (UTC).",
        },
    ),
    "term_details": (
        "Harbour extension: what the Harbour taxonomy adds to its terms.",
        {
            "term_id": "The taxonomy term.",
            "kind": "category (what a service is about, e.g. health or legal help) or attribute "
            "(how it can be used, e.g. free, no ID needed, no immigration-status check).",
            "icon": "The name of the icon shown for the term in the app.",
            "sort_order": "The position of the term in menus.",
        },
    ),
    "taxonomy_mappings": (
        (
            "Harbour extension: codes that feeds use (Open Eligibility, HXL #sector, 211 LA…) and the "
            "Harbour term each one is filed under."
        ),
        {
            "scheme": "The coding scheme of the feed, e.g. open-eligibility or hxl-sector.",
            "code": "The code in that scheme.",
            "label": "The code's label in that scheme.",
            "term_id": "The Harbour taxonomy term it maps to.",
        },
    ),
}

# How each table reads best: the column that names a row (so foreign keys show names),
# the order, and the facets that answer the usual questions.
TABLE_OPTIONS: dict[str, dict] = {
    "services": {
        "label_column": "name",
        "sort": "name",
        "facets": ["status"],
        "fts_table": "services_fts",
        "fts_pk": "rowid",
    },
    "service_directory": {
        "sort": "name",
        "facets": [{"array": "categories"}, {"array": "languages"}, "status", {"array": "access"}],
    },
    "organizations": {"label_column": "name", "sort": "name"},
    "programs": {"label_column": "name", "sort": "name"},
    "locations": {
        "label_column": "name",
        "sort": "name",
        "facets": ["location_type"],
    },
    "taxonomies": {"label_column": "name"},
    "taxonomy_terms": {"label_column": "name", "sort": "name", "facets": ["parent_id"]},
    "attributes": {"facets": ["link_type", "taxonomy_term_id"]},
    "languages": {"facets": ["code"]},
    "contacts": {"label_column": "name"},
    "phones": {"label_column": "number"},
    "metadata": {"sort_desc": "last_action_date", "facets": ["resource_type", "last_action_type"]},
    "translations": {"facets": ["language", "status", "table_name"]},
    "provenance": {"facets": ["source", "table_name"]},
    "changes": {"sort_desc": "seq", "facets": ["table_name", "operation"]},
    "feeds": {"sort": "name", "facets": ["format", "last_result"]},
    "sync_runs": {"sort_desc": "id", "facets": ["feed", "result"]},
    "term_details": {"sort": "sort_order", "facets": ["kind"]},
    "taxonomy_mappings": {"facets": ["scheme"]},
    "feed_terms": {"sort_desc": "services", "facets": ["feed", "scheme"]},
    "sqlite_sequence": {"hidden": True},  # SQLite's own counter for the change log
    # Duplicate detection's index of the published contact details, and how far it has caught up.
    "contact_keys": {"hidden": True},
    "contact_keys_seq": {"hidden": True},
    # Litestream's own bookkeeping, in a replicated database (harbour serve --replicate).
    "_litestream_seq": {"hidden": True},
    "_litestream_lock": {"hidden": True},
}

# For every map on every page — a table's, the SQL page's, a canned query's — not one table's:
# where no setting applies, datasette-cluster-map draws OpenStreetMap's tiles straight from its
# servers and guesses the coordinate columns from a query's column names.
MAP_PLUGINS = {
    "datasette-cluster-map": {
        "latitude_column": "latitude",
        "longitude_column": "longitude",
        # From our own origin: a public page loads nothing from another host (tiles.py).
        "tile_layer": "/tiles/{z}/{x}/{y}.png",
        "tile_layer_options": {
            "maxZoom": 19,
            "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        },
    }
}

LISTED = not_withdrawn("services", "s.id")  # leave out services their source withdrew

TERMS_OF_KIND = """(SELECT group_concat(t.name, ', ') FROM attributes a
        JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
        JOIN term_details d ON d.term_id = t.id
        WHERE a.link_id = s.id AND d.kind = '{kind}')"""

CANNED_QUERIES = {
    "services_by_category_and_language": {
        "title": "Services by category and language",
        "description": "Listed services in a category (a term code such as health or legal, including its "
        "sub-categories; see term_details) that are offered in a language (an ISO code such as ar, or a "
        "name such as Arabic). Leave either blank to match all.",
        "sql": f"""SELECT s.id, s.name, s.status, o.name AS organization,
  {TERMS_OF_KIND.format(kind="category")} AS categories,
  (SELECT group_concat(l.name, ', ') FROM languages l WHERE l.service_id = s.id) AS languages
FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
WHERE {LISTED}
  AND (:category = '' OR s.id IN (
    SELECT a.link_id FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
    LEFT JOIN taxonomy_terms parent ON parent.id = t.parent_id
    WHERE t.code = :category OR parent.code = :category))
  AND (:language = '' OR s.id IN (
    SELECT l.service_id FROM languages l
    WHERE lower(l.code) = lower(:language) OR lower(l.name) = lower(:language)))
ORDER BY s.name""",
    },
    "services_without_id_or_status_checks": {
        "title": "Services that need no ID or make no immigration-status check",
        "description": "Listed services carrying the no-id-needed or no-status-check attribute: the ones "
        "people without papers can use without fear.",
        "sql": f"""SELECT s.id, s.name, s.status, o.name AS organization,
  max(CASE WHEN t.code = 'no-id-needed' THEN 'yes' ELSE '' END) AS no_id_needed,
  max(CASE WHEN t.code = 'no-status-check' THEN 'yes' ELSE '' END) AS no_status_check,
  {TERMS_OF_KIND.format(kind="category")} AS categories
FROM services s
JOIN attributes a ON a.link_id = s.id
JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
LEFT JOIN organizations o ON o.id = s.organization_id
WHERE t.code IN ('no-id-needed', 'no-status-check') AND {LISTED}
GROUP BY s.id
ORDER BY s.name""",
    },
    "listings_not_verified_for_a_year": {
        "title": "Listings not verified for a year",
        "description": "Listed services whose assured_date (when someone last checked the listing) is "
        "more than 12 months ago or missing, oldest first.",
        "sql": f"""SELECT s.id, s.name, s.status, o.name AS organization, s.assured_date,
  (SELECT max(p.last_seen) FROM provenance p WHERE p.table_name = 'services' AND p.record_id = s.id)
    AS last_received
FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
WHERE {LISTED}
  AND (s.assured_date IS NULL OR trim(s.assured_date) = '' OR s.assured_date < date('now', '-12 months'))
ORDER BY s.assured_date IS NOT NULL AND trim(s.assured_date) != '', s.assured_date, s.name""",
    },
    "services_per_category": {
        "title": "How many services in each category and attribute",
        "description": "Counts of listed services per taxonomy term, in the taxonomy's order.",
        "sql": f"""SELECT t.code, t.name, d.kind,
  (SELECT count(DISTINCT a.link_id) FROM attributes a JOIN services s ON s.id = a.link_id
   WHERE a.taxonomy_term_id = t.id AND {LISTED}) AS services
FROM taxonomy_terms t JOIN term_details d ON d.term_id = t.id
ORDER BY d.kind, d.sort_order""",
    },
    "services_per_language": {
        "title": "How many services in each language",
        "description": "Counts of listed services by the languages they are offered in.",
        "sql": f"""SELECT lower(l.code) AS code, min(l.name) AS language, count(DISTINCT s.id) AS services
FROM languages l JOIN services s ON s.id = l.service_id
WHERE {LISTED}
GROUP BY lower(l.code)
ORDER BY services DESC, code""",
    },
    "translation_coverage": {
        "title": "Translation coverage",
        "description": "For each language, how many listed services have their name translated, and how "
        "many of those translations are outdated.",
        "sql": f"""SELECT tr.language, count(*) AS services_with_translated_name,
  sum(tr.status = 'outdated') AS outdated,
  (SELECT count(*) FROM services s WHERE {LISTED}) AS listed_services
FROM translations tr JOIN services s ON s.id = tr.record_id
WHERE tr.table_name = 'services' AND tr.field = 'name' AND tr.status != 'source' AND {LISTED}
GROUP BY tr.language
ORDER BY services_with_translated_name DESC""",
    },
}


def table_metadata() -> dict[str, dict]:
    """Description, column descriptions and display options for every table a reader meets."""
    tables: dict[str, dict] = {}
    for table in hsds_tables().values():
        tables[table.name] = {
            "description": f"HSDS 3.0 {table.entity}: {table.description}",
            "columns": {f.name: f.description for f in table.fields if f.description},
        }
    for name, (description, columns) in EXTENSION_TABLES.items():
        tables[name] = {"description": description, "columns": dict(columns)}
    for name, options in TABLE_OPTIONS.items():
        tables.setdefault(name, {}).update(options)
    return tables


def build_metadata(settings: Settings) -> dict:
    contact = settings.contact.strip()
    metadata = {
        "title": settings.name,
        "description_html": (
            f"<p>The community services directory of {html.escape(settings.name)}: health, psychosocial "
            "support, legal help, work and what surrounds them, for everyone who lives here. "
            "Modelled on Open Referral HSDS 3.0, with translations, provenance and a change log.</p>"
            '<p>The same data as an HSDS 3.0 API: <a href="/hsds/">/hsds/</a>. '
            "Every table and query here also answers as JSON (add <code>.json?_shape=array</code>).</p>"
        ),
        "license": settings.licence,
        "license_url": LICENCE_URLS.get(settings.licence, ""),
        "source": settings.name,
        "source_url": f"mailto:{contact}" if "@" in contact else "",
        "plugins": MAP_PLUGINS,
        "databases": {
            DATABASE: {
                "description": "Services, organizations and locations (HSDS 3.0 tables) with Harbour's "
                "translations, provenance and change log. Start with the queries below, or the services table.",
                "tables": table_metadata(),
                "queries": CANNED_QUERIES,
            }
        },
    }
    # Datasette links the licence and source when it has a URL; leave out the ones we lack. A copy:
    # Datasette writes into what it is given (a canned query's "name"), never into our constants.
    return copy.deepcopy({key: value for key, value in metadata.items() if value != ""})


def write_metadata_file(data_dir: Path, metadata: dict) -> Path:
    """Write `DIR/datasette-metadata.json` (atomically: several servers may start at once)."""
    path = data_dir / METADATA_FILE
    text = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{METADATA_FILE}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path
