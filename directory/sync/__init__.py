"""The sync engine: fetch → parse → normalise → merge. Formats live in `formats/`."""
