"""CSV text read a piece at a time: the same rows and encodings as decoding the file whole."""

from __future__ import annotations

import codecs

import pytest

from directory.sync.formats import tabular
from directory.sync.formats.errors import FormatError
from directory.sync.formats.hsds_csv import SCRATCH_CACHE_KIB, empty_tables


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(tabular, "DECODE_PIECE", 3)  # every multi-byte character straddles a piece


def test_characters_split_between_pieces_read_whole(small_pieces):
    body = "id;name\n1;Café Añadido — دعم\n2;\"two\nlines\"\n".encode()
    assert list(tabular.csv_rows(body, "sheet.csv")) == [
        ["id", "name"], ["1", "Café Añadido — دعم"], ["2", "two\nlines"],
    ]  # fmt: skip


def test_a_byte_that_is_not_utf8_late_in_the_file_makes_all_of_it_windows_1252(small_pieces):
    body = "id,name\n1,Café\n".encode("cp1252") + b"2," + b"x" * 40 + b"\x93quoted\x94\n"
    rows = list(tabular.csv_rows(body, "sheet.csv"))
    assert rows[1] == ["1", "Café"] and rows[2] == ["2", "x" * 40 + "“quoted”"]
    assert tabular.decode_text(body, "sheet.csv").splitlines()[1:] == ["1,Café", "2," + "x" * 40 + "“quoted”"]


def test_utf16_and_a_byte_order_mark_are_read_and_broken_utf16_is_an_error_naming_the_file(small_pieces):
    assert list(tabular.csv_rows("id\tname\r\n1\tÉ\r\n".encode("utf-16"), "s.csv")) == [["id", "name"], ["1", "É"]]
    assert list(tabular.csv_rows(codecs.BOM_UTF8 + b"id,name\n1,x\n", "s.csv")) == [["id", "name"], ["1", "x"]]
    with pytest.raises(FormatError, match="s.csv: the text says UTF-16 but is not"):
        list(tabular.csv_rows(codecs.BOM_UTF16_LE + b"i\x00d\x00\x00\xd8", "s.csv"))


def test_a_packages_scratch_database_keeps_a_bounded_cache_in_a_temporary_file():
    scratch = empty_tables()
    assert scratch.execute("PRAGMA cache_size").fetchone()[0] == -SCRATCH_CACHE_KIB
    assert scratch.execute("PRAGMA journal_mode").fetchone()[0] == "off"
    assert "services" in scratch.table_names()
