"""The PWA's interface strings: one JSON file per UI language under pwa/i18n/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from directory.config import RTL_LANGUAGES, UI_LANGUAGES

I18N = Path(__file__).resolve().parent.parent / "pwa" / "i18n"
ENGLISH = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
TRANSLATED = [code for code in UI_LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def strings(code: str) -> dict:
    return json.loads((I18N / f"{code}.json").read_text(encoding="utf-8"))


def forms(value) -> list[str]:
    """The texts of one string: itself, or each plural form of a plural string."""
    return list(value.values()) if isinstance(value, dict) else [value]


def placeholders(value) -> set[str]:
    """The placeholders a string must keep: of a plural string, those of its "other" form."""
    return set(PLACEHOLDER.findall(value.get("other", "") if isinstance(value, dict) else value))


# Intl's locale for each UI language (pwa/format.js maps Dari so too).
INTL_LOCALE = {"prs": "fa-AF"}


def plural_categories() -> dict[str, set[str]]:
    """CLDR plural categories of each UI language, as the JavaScript engine knows them."""
    node = shutil.which("node")
    assert node, "node is needed to read each language's plural rules"
    locales = {code: INTL_LOCALE.get(code, code) for code in UI_LANGUAGES}
    script = (
        f"const l = {json.dumps(locales)};"
        "console.log(JSON.stringify(Object.fromEntries(Object.entries(l).map(([c, x]) =>"
        " [c, new Intl.PluralRules(x).resolvedOptions().pluralCategories]))))"
    )
    result = subprocess.run([node, "-e", script], check=True, capture_output=True, text=True, timeout=60)
    return {code: set(categories) for code, categories in json.loads(result.stdout).items()}


@pytest.mark.parametrize("code", TRANSLATED)
def test_language_has_every_key_english_has(code):
    missing = sorted(ENGLISH.keys() - strings(code).keys())
    assert not missing, f"{code}.json lacks {missing}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_language_has_no_keys_english_lacks(code):
    # A key only a translation has is a typo or a leftover, and is never shown.
    extra = sorted(strings(code).keys() - ENGLISH.keys())
    assert not extra, f"{code}.json has keys en.json lacks: {extra}"


@pytest.mark.parametrize("code", list(UI_LANGUAGES))
def test_every_string_is_non_blank_text(code):
    blank = [
        key
        for key, value in strings(code).items()
        if not isinstance(value, (str, dict)) or not all(isinstance(f, str) and f.strip() for f in forms(value))
    ]
    assert not blank, f"{code}.json has blank strings: {blank}"


@pytest.mark.parametrize("code", list(UI_LANGUAGES))
def test_plural_strings_have_exactly_the_forms_the_language_uses(code):
    # Arabic needs six forms, Ukrainian four, English two: "1 services" must never show.
    needed = plural_categories()[code]
    wrong = {
        key: sorted(set(value) ^ needed)
        for key, value in strings(code).items()
        if isinstance(value, dict) and set(value) != needed
    }
    assert not wrong, f"{code}.json plural strings with missing or unknown forms: {wrong}"


def test_counts_are_plural_strings_in_every_language():
    for code in UI_LANGUAGES:
        for key in ("all_services", "results_count"):
            assert isinstance(strings(code)[key], dict), f"{code}.json {key} is not a plural string"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_of_english(code):
    translated = strings(code)
    wrong = [
        key
        for key, text in ENGLISH.items()
        if key in translated
        and (
            placeholders(text) != placeholders(translated[key])
            # a form may drop {n} ("one service"), never add one English lacks
            or any(set(PLACEHOLDER.findall(f)) - placeholders(text) for f in forms(translated[key]))
        )
    ]
    assert not wrong, f"{code}.json changes the {{placeholders}} of {wrong}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_language_file_is_translated_not_a_copy_of_english(code):
    # A string of placeholders only ("{nth} {day}") has nothing to translate.
    def wordless(text) -> bool:
        return not any(re.sub(r"\{\w+\}", "", f).strip(" .,:;()") for f in forms(text))

    same = [key for key, text in strings(code).items() if text == ENGLISH.get(key) and not wordless(text)]
    # Only the product name may stay as it is.
    assert set(same) <= {"app_name"}, f"{code}.json leaves these in English: {same}"


def test_language_list_matches_configured_ui_languages_and_directions():
    listed = json.loads((I18N / "languages.json").read_text(encoding="utf-8"))
    assert {code: entry["name"] for code, entry in listed.items()} == UI_LANGUAGES
    for code, entry in listed.items():
        assert entry["dir"] == ("rtl" if code in RTL_LANGUAGES else "ltr"), code


def test_every_ui_language_has_a_strings_file_and_no_other_file_exists():
    files = {path.stem for path in I18N.glob("*.json")} - {"languages"}
    assert files == set(UI_LANGUAGES)


def test_language_choice_and_tel_links_pass_under_node():
    node = shutil.which("node")
    assert node, "node is needed to test the page's own logic"
    script = Path(__file__).resolve().parent / "js" / "pwa_logic.test.mjs"
    result = subprocess.run([node, "--test", str(script)], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 7" in result.stdout, result.stdout
