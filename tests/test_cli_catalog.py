"""argparse's Vietnamese texts as a gettext catalog (bot/cli/locale): the committed .mo matches
its .po, every entry is a text argparse asks for, and `motcua` leaves gettext as it found it."""

from __future__ import annotations

import argparse
import gettext
import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from bot.cli.argparse_vi import DOMAIN, LOCALE_DIR, vietnamese_argparse
from bot.cli.main import main

CATALOG = LOCALE_DIR / "vi" / "LC_MESSAGES" / DOMAIN


def _entries(catalog: polib.POFile | polib.MOFile) -> set[tuple[object, ...]]:
    """Each translation of a catalog as comparable data, and its header."""
    rows: set[tuple[object, ...]] = {("header", tuple(sorted(catalog.metadata.items())))}
    for e in catalog:
        rows.add((e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items()))))
    return rows


def test_the_compiled_catalog_matches_its_source(tmp_path: Path) -> None:
    """Edit the .po, then compile: polib.pofile(PO).save_as_mofile(MO)."""
    source = polib.pofile(str(CATALOG.with_suffix(".po")))
    assert len(source) >= 20 and not source.untranslated_entries()
    assert _entries(polib.mofile(str(CATALOG.with_suffix(".mo")))) == _entries(source)


def test_every_entry_is_a_text_argparse_asks_for() -> None:
    """A msgid argparse does not use (a typo, another Python's wording) would leave English."""
    code = inspect.getsource(argparse)
    for entry in polib.pofile(str(CATALOG.with_suffix(".po"))):
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            assert msgid.replace("\n", "\\n") in code, msgid


@pytest.fixture
def other_domain(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's gettext domain set to another program's, put back after the test."""
    before = gettext.textdomain()
    gettext.textdomain("another-program")
    monkeypatch.setenv("LANGUAGE", "fr:de")
    try:
        yield "another-program"
    finally:
        gettext.textdomain(before)


def test_vietnamese_inside_and_the_domain_and_language_restored(other_domain: str) -> None:
    with vietnamese_argparse():
        assert gettext.gettext("usage: ") == "Cách dùng: "
        assert gettext.ngettext("expected %s argument", "expected %s arguments", 2) == (
            "cần %s giá trị")
        assert gettext.gettext("conflicting subparser: %s") == "conflicting subparser: %s"
    assert gettext.textdomain() == other_domain and os.environ["LANGUAGE"] == "fr:de"
    assert gettext.gettext("usage: ") == "usage: "


def test_motcua_help_and_error_leave_gettext_as_found(
    other_domain: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = ((["--help"], 0, "Cách dùng: motcua"),
             (["stats", "--quarter"], 2, "motcua stats: lỗi: tham số --quarter: cần một giá trị"))
    for argv, code, wanted in cases:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        out = capsys.readouterr()
        assert exc.value.code == code and wanted in out.out + out.err
        assert gettext.textdomain() == other_domain and os.environ["LANGUAGE"] == "fr:de"
    monkeypatch.delenv("LANGUAGE")
    assert main(["staff"]) == 2  # help printed by the sub-command itself
    assert "tùy chọn:" in capsys.readouterr().out
    assert gettext.textdomain() == other_domain and "LANGUAGE" not in os.environ
