"""Each text of a bundle in the bundle's language, or the source text marked as such."""

from __future__ import annotations

Translations = dict[tuple[str, str, str], str]


class Localiser:
    """Picks each text in the bundle's language, remembering which fell back to the source."""

    def __init__(self, translations: Translations, source_is_target: bool):
        self.translations = translations
        self.source_is_target = source_is_target
        self.fell_back: set[str] = set()

    def text(self, table: str, row: dict, field: str, key: str) -> str | None:
        source = row.get(field)
        if not isinstance(source, str) or not source.strip():
            return None
        if self.source_is_target:
            return source
        translated = self.translations.get((table, row["id"], field))
        if translated:
            return translated
        self.fell_back.add(key)
        return source

    def fresh(self) -> Localiser:
        """The same translations, with nothing fallen back yet: one per record."""
        return Localiser(self.translations, self.source_is_target)


def compact(item: dict) -> dict:
    """Leave out empties: the bundle travels over prepaid data."""
    return {k: v for k, v in item.items() if v is not None and v != "" and v != [] and v != {}}
