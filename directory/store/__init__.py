"""The single write path: every change to directory.db goes through here.

Staff edits, feed syncs and imports all call `save_record`, which writes the rows,
their provenance, the change log, HSDS metadata and the search index in one
transaction (a savepoint when the caller already holds one).
"""

from directory.store.records import Outcome, Source, save_record, tombstone
from directory.store.translations import set_translation

__all__ = ["Outcome", "Source", "save_record", "set_translation", "tombstone"]
