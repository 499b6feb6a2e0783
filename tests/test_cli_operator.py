"""The operator's CLI (issue 18): Vietnamese help and errors, the import kind guessed, no
default unit, and no Python exception name ever printed."""

from __future__ import annotations

import argparse
import errno
import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main as cli
from bot.cli.main import build_parser, main
from tests.test_importer import HEADER, row, write_csv

ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|invalid choice|"
                     r"the following arguments|unrecognized arguments|error:")


def _subcommands(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every sub-command path of `motcua`, e.g. ['staff', 'invite'] (each parser's sub-command
    group recorded as build_parser() adds it)."""
    groups: dict[argparse.ArgumentParser, argparse.Action] = {}
    add_subparsers = argparse.ArgumentParser.add_subparsers

    def recording(parser: argparse.ArgumentParser, **kwargs: Any) -> argparse.Action:
        """add_subparsers, remembering the group of each parser."""
        groups[parser] = add_subparsers(parser, **kwargs)
        return groups[parser]

    monkeypatch.setattr(argparse.ArgumentParser, "add_subparsers", recording)

    def paths(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
        """The sub-command paths under parser."""
        found: list[list[str]] = []
        choices = groups[parser].choices if parser in groups else {}
        assert isinstance(choices, dict)
        for name, sub in choices.items():
            found += [[*prefix, name], *paths(sub, [*prefix, name])]
        return found

    return paths(build_parser(), [])


def _exit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the CLI expecting argparse to exit; (code, stdout + stderr)."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def test_every_help_is_vietnamese(capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`motcua --help` and each sub-command's --help carry no argparse English."""
    paths = _subcommands(monkeypatch)
    assert ["staff", "invite"] in paths and ["import"] in paths
    for argv in [[], *paths]:
        code, text = _exit([*argv, "--help"], capsys)
        assert code == 0
        assert "Cách dùng: motcua" in text and "in hướng dẫn này rồi thoát" in text, argv
        assert not ENGLISH.search(text), (argv, text)


def test_argparse_errors_are_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    """Bad choices, missing and unknown arguments, bad numbers: exit 2 in Vietnamese."""
    cases = {
        ("khongco",): "không có trong danh sách",
        ("report",): "thiếu tham số bắt buộc: --out",
        ("stats", "--quarter", "x"): "giá trị không hợp lệ: 'x'",
        ("stats", "--bogus"): "không nhận ra tham số: --bogus",
        ("staff", "invite", "--role", "boss"): "không có trong danh sách",
        ("import",): "thiếu tham số bắt buộc",
    }
    for argv, wanted in cases.items():
        code, text = _exit(list(argv), capsys)
        assert code == 2 and wanted in text and "motcua" in text, (argv, text)
        assert not ENGLISH.search(text), (argv, text)


def test_import_guesses_the_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`motcua import FILE` guesses and says the kind; the explicit kinds still work."""
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "m.db"))
    catalogue = tmp_path / "thu-tuc.csv"
    catalogue.write_text("Mã thủ tục,Tên thủ tục,Mức độ\n1.001193,Chứng thực,Một phần\n",
                         encoding="utf-8")
    dossiers = write_csv(tmp_path / "ho-so.csv", [row(1), row(2)])
    assert main(["import", str(catalogue), "--quiet"]) == 0
    out = capsys.readouterr()
    assert "«thu-tuc.csv» là danh mục thủ tục" in out.err and "Thêm mới 1" in out.out
    assert main(["import", str(dossiers), "--quiet"]) == 0
    assert "là danh sách hồ sơ" in capsys.readouterr().err
    assert main(["import", "dossiers", str(dossiers), "--quiet"]) == 0
    assert "nhận ra" not in capsys.readouterr().err
    assert main(["import", "dossiers", "a.csv", "b.csv"]) == 2
    assert "Cách dùng: motcua import" in capsys.readouterr().err
    assert main(["import", "dossiers"]) == 2
    assert "Thiếu tên tệp" in capsys.readouterr().err


def test_no_default_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """Without MOTCUA_UNIT: import refuses a file without a "Đơn vị" column, run and check say
    so in one line; a file naming its unit is imported."""
    monkeypatch.delenv("MOTCUA_UNIT")
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "m.db"))
    plain = write_csv(tmp_path / "ho-so.csv", [row(1)])
    assert main(["import", str(plain), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Chưa đặt MOTCUA_UNIT" in err and "«Đơn vị»" in err
    assert not (tmp_path / "m.db").exists()
    named = write_csv(tmp_path / "co-don-vi.csv", [[*row(1), "Trung tâm xã An Lão"]],
                      header=[*HEADER, "Đơn vị"])
    assert main(["import", str(named), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["run"]) == 2
    assert "Chưa đặt MOTCUA_UNIT" in capsys.readouterr().err
    assert main(["check"]) == 1
    assert "✗ Chưa đặt MOTCUA_UNIT" in capsys.readouterr().out
    monkeypatch.setenv("MOTCUA_UNIT", "Trung tâm Phục vụ hành chính công phường Hà Đông")
    main(["check"])
    assert "đầu báo cáo Word ghi «UBND PHƯỜNG HÀ ĐÔNG»" in capsys.readouterr().out


@pytest.mark.parametrize(
    "error, wanted",
    [(KeyError("x"), "lỗi ngoài dự kiến"), (ValueError("bad"), "lỗi ngoài dự kiến"),
     (OSError(errno.ENOSPC, "No space left on device", "/data/m.db"), "ổ đĩa đã đầy")],
)
def test_no_exception_name_reaches_the_operator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception,
    wanted: str,
) -> None:
    """Whatever a command raises, the operator reads one Vietnamese line, no Python name."""

    def boom(args: argparse.Namespace) -> int:
        """A command that fails."""
        raise error

    parser = build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(func=boom)  # the bare `motcua` now runs boom
    assert main([]) == 1
    err = capsys.readouterr().err
    assert wanted in err
    assert not re.search(r"Error|Traceback|KeyError|Exception", err), err


def test_a_word_file_renamed_xlsx_names_no_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`motcua import` of a .docx saved as .xlsx: a Vietnamese refusal, no "(KeyError)"."""
    from docx import Document

    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "m.db"))
    fake = tmp_path / "ho-so.xlsx"
    Document().save(str(fake))
    assert main(["import", "dossiers", str(fake), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "ho-so.xlsx" in err
    assert not re.search(r"Error|Exception|Traceback", err), err


def test_check_lines_carry_no_exception_name() -> None:
    """`motcua check` report lines drop a class name an exception's text carried."""
    import io

    from bot.cli.run import BAD, Report

    out = io.StringIO()
    Report(out).line(BAD, "Zalo: không kết nối được: getMe: ConnectError: [Errno 111] refused")
    assert out.getvalue() == "✗ Zalo: không kết nối được: getMe: [Errno 111] refused\n"


def test_scrub_keeps_the_rest_of_the_message() -> None:
    """Only the class name goes; file names and punctuation stay as written."""
    from bot.cli.argparse_vi import scrub

    assert scrub("Tệp «a.xlsx» hỏng (KeyError). Xem tệp .env, MOTCUA_UNIT.") == (
        "Tệp «a.xlsx» hỏng. Xem tệp .env, MOTCUA_UNIT.")


async def test_importer_without_any_unit_rejects_rows_not_crashes(tmp_path: Path) -> None:
    """Called directly with no unit anywhere, the importer rejects the rows with the reason."""
    from bot.config import Settings
    from bot.context import AppContext
    from tests.import_helpers import import_dossiers

    settings = Settings(db_path=tmp_path / "m.db", unit=None, _env_file=None)  # type: ignore[call-arg]
    ctx = await AppContext.open(settings)
    try:
        summary = await import_dossiers(ctx, write_csv(tmp_path / "ho-so.csv", [row(1)]))
    finally:
        await ctx.close()
    assert summary.rejected == 1 and summary.inserted == 0
    rejects = Path(str(summary.rejects_path)).read_text(encoding="utf-8-sig")
    assert "chưa đặt MOTCUA_UNIT" in rejects
