"""Feed formats: each module turns bytes (or a folder) into nested HSDS records and nothing else.

`FORMATS` names the read function of each feed format (`harbour feeds add --format F`);
every one follows the contract in `base.py`.
"""

from directory.sync.formats import csv_mapping, hsds_csv, hsds_json, hxl, oruk
from directory.sync.formats.base import FormatReader
from directory.sync.formats.errors import FormatError

FORMATS: dict[str, FormatReader] = {
    "hsds-json": hsds_json.read,
    "hsds-csv": hsds_csv.read,
    "oruk": oruk.read,
    "hxl": hxl.read,
    "csv": csv_mapping.read,
}

__all__ = ["FORMATS", "FormatError"]
