"""Is a service a feed sends already listed by another source?

`find_duplicates(db, record, exclude_source)` lists the services in directory.db
that may be the same one (decision "same" to link, "maybe" to review), built on
`keys` (blocking keys), `names` (name normalisation and vetoes) and `score`.
"""

from directory.sync.duplicates.candidates import Match, find_duplicates
from directory.sync.duplicates.score import Decision, Listing, Verdict, compare, decide, listing_from_record

__all__ = [
    "Decision",
    "Listing",
    "Match",
    "Verdict",
    "compare",
    "decide",
    "find_duplicates",
    "listing_from_record",
]
