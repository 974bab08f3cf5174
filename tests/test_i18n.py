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
    blank = [key for key, value in strings(code).items() if not isinstance(value, str) or not value.strip()]
    assert not blank, f"{code}.json has blank strings: {blank}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_of_english(code):
    translated = strings(code)
    wrong = [
        key
        for key, text in ENGLISH.items()
        if key in translated and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(translated[key]))
    ]
    assert not wrong, f"{code}.json changes the {{placeholders}} of {wrong}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_language_file_is_translated_not_a_copy_of_english(code):
    same = [key for key, text in strings(code).items() if text == ENGLISH.get(key)]
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
