"""Normalise: feed records as parsed → clean HSDS 3.0 records for the store.

    mapper = CategoryMapper.from_db(db)  # once per run
    ctx = NormaliseContext(feed_name, settings.country, settings.timezone, mapper)
    try:
        result = normalise_service(record, ctx)  # result.record, .warnings, .unmapped_terms, .source_id
    except InvalidRecord as error:
        quarantine(record, error.reasons)

One file per concept: ids, html, phones, emails_urls, languages, schedules (with
times), categories, coordinates, fields (numbers, dates, HSDS word lists),
validate; record.py walks a nested record and applies them all. Pure functions:
the only I/O is `CategoryMapper.from_db`.
"""

from directory.sync.normalise.categories import CategoryMapper, Term
from directory.sync.normalise.context import InvalidRecord, NormaliseContext, Normalised
from directory.sync.normalise.record import normalise_service

__all__ = ["CategoryMapper", "InvalidRecord", "NormaliseContext", "Normalised", "Term", "normalise_service"]
