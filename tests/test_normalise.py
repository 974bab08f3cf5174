"""Search normalisation is one contract in two languages: Python makes the bundle's
search text, JavaScript the query. One table of cases proves they agree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from directory.bundle.normalise import normalise

TESTS = Path(__file__).resolve().parent
CASES = json.loads((TESTS / "normalise_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["why"] for case in CASES])
def test_python_normalise_gives_each_expected_output(case):
    assert normalise(case["input"]) == case["output"]


@pytest.mark.parametrize("case", CASES, ids=[case["why"] for case in CASES])
def test_normalising_normal_text_again_changes_nothing(case):
    assert normalise(case["output"]) == case["output"]


def test_case_table_covers_arabic_article_and_letter_unification():
    # The pitfalls the design names must stay in the table, or the table proves little.
    inputs = "".join(case["input"] for case in CASES)
    for needed in ("ال", "أ", "إ", "آ", "ى", "ی", "ک", "ة", "ё", "\u064f"):
        assert needed in inputs, f"no case exercises {needed!r}"


def test_javascript_normalise_passes_the_same_table_under_node():
    node = shutil.which("node")
    assert node, "node is needed to prove pwa/normalise.js (make setup installs node packages with it)"
    result = subprocess.run(
        [node, "--test", str(TESTS / "js" / "normalise.test.mjs")],
        check=False,  # the return code is asserted below, with the output
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Guard against a runner that found nothing to run.
    assert f"# pass {2 * len(CASES) + 1}" in result.stdout, result.stdout


def test_normalising_empty_or_missing_text_gives_empty_string():
    assert normalise(None) == ""
    assert normalise("   ") == ""
