"""`motcua store copy SOURCE_URL TARGET_URL [--replace-unit]`: move a store between engines or
gather several communes' stores into one, verified table by table and quarter by quarter."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from datetime import datetime

from bot.cli.argparse_vi import vietnamese_argparse
from bot.cli.common import CommandError, SubCommands, holding_store, run
from bot.cli.errors import PG_ERRORS, pg_error_text
from bot.config import Settings, load_settings
from bot.context import system_clock
from storage.copy.ends import End
from storage.copy.open import open_end, parse_two
from storage.copy.run import CopyMismatch, CopyRefused, CopyResult, copy_store
from storage.copy.tables import TABLES
from storage.engine import StoreURL, StoreURLError

EPILOG = "Mỗi bảng khi chép:\n" + "\n".join(f"  {t.name}: {t.note}" for t in TABLES) + (
    "\nCả lần chép là một giao dịch trên kho đích: lỗi giữa chừng thì kho đích giữ nguyên. "
    "Nên dừng các bot đang dùng kho đích trong lúc chép. Chi tiết: docs/store-copy.md.")


def register(sub: SubCommands) -> None:
    """Add the store sub-command and its copy action."""
    p = sub.add_parser("store", help="kho dữ liệu: chép sang kho khác (SQLite ↔ PostgreSQL)")
    actions = p.add_subparsers(dest="action", metavar="VIỆC")
    cp = actions.add_parser(
        "copy", help="chép mọi bảng từ kho nguồn sang kho đích rồi đối chiếu",
        description="Chép mọi bảng của kho nguồn sang kho đích (SQLite → PostgreSQL, ngược "
        "lại, hoặc giữa hai PostgreSQL); kho đích được nâng lược đồ trước. Số thứ tự của kho "
        "nguồn được dời để không trùng với kho đích. Cuối cùng in số dòng và tổng kiểm của "
        "từng bảng ở hai bên và so số liệu từng quý của mỗi đơn vị.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cp.add_argument("source", metavar="KHO_NGUỒN",
                    help="sqlite:///đường/dẫn.db, đường dẫn tệp, hoặc postgresql://…")
    cp.add_argument("target", metavar="KHO_ĐÍCH", help="như KHO_NGUỒN")
    cp.add_argument("--replace-unit", action="store_true",
                    help="đơn vị kho đích đã có thì xóa dữ liệu của nó ở kho đích rồi chép "
                    "(trong cùng giao dịch)")
    cp.set_defaults(func=_copy)

    def show_help(args: argparse.Namespace) -> int:
        """`motcua store` without an action: its help, exit code 2."""
        with vietnamese_argparse():
            p.print_help()
        return 2

    p.set_defaults(func=show_help)


def _n(value: int) -> str:
    """A count with Vietnamese thousands separators."""
    return f"{value:,}".replace(",", ".")


def render(result: CopyResult) -> list[str]:
    """The per-table lines: rows in the source, rows copied, target's rows kept, checksums."""
    lines = [f"{'Bảng':<17}{'Kho nguồn':>11}{'Đã chép':>10}{'Giữ ở đích':>12}  Tổng kiểm"]
    for t in result.tables:
        if t.policy == "skip":
            continue
        mark = "✓" if t.ok else "✗"
        sums = (f"{t.source.hex} = {t.target.hex}" if t.ok
                else f"{t.source.hex} ≠ {t.target.hex} ({_n(t.target.rows)} dòng ở đích)")
        if t.policy in ("cursor", "dirty"):
            sums = "(không tính)"
        lines.append(f"{t.name:<17}{_n(t.read):>11}{_n(t.source.rows):>10}{_n(t.kept):>12}  "
                     f"{sums} {mark}")
    skipped = [t.name for t in result.tables if t.policy == "skip"]
    if skipped:
        lines.append(f"Không chép (tính lại hoặc tạm thời): {', '.join(skipped)}.")
    return lines


def _label(url: StoreURL) -> str:
    """The store as shown: sqlite:///path or the URL without its password."""
    return url.text


async def _ends(source: StoreURL, target: StoreURL) -> tuple[End, End]:
    """Both ends opened (target migrated), each error told with its store's address."""
    ends: list[End] = []
    try:
        for url, is_source in ((source, True), (target, False)):
            try:
                ends.append(await open_end(url, source=is_source))
            except PG_ERRORS as exc:
                which = "nguồn" if is_source else "đích"
                raise CommandError(f"Kho {which}: {pg_error_text(exc, url.dsn or '')}") from None
            except sqlite3.DatabaseError as exc:
                which = "nguồn" if is_source else "đích"
                raise CommandError(f"Kho {which} {_label(url)} không dùng được ({exc}).") from None
    except BaseException:
        for end in ends:
            await end.close()
        raise
    return ends[0], ends[1]


async def _copy_async(source: StoreURL, target: StoreURL, replace: bool) -> CopyResult:
    """Open, copy, verify, close."""
    src, tgt = await _ends(source, target)
    try:
        return await copy_store(src, tgt, replace_unit=replace)
    finally:
        await src.close()
        await tgt.close()


def _copy(args: argparse.Namespace) -> int:
    """Copy, print the verification; exit 1 on any difference."""
    settings = load_settings()
    try:
        source, target = parse_two(args.source, args.target)
    except StoreURLError as exc:
        raise CommandError(str(exc), 2) from None
    except CopyRefused as exc:
        raise CommandError(str(exc), 2) from None
    print(f"Chép kho {_label(source)} → {_label(target)}", flush=True)
    try:
        if target.engine == "sqlite":
            assert target.path is not None
            with holding_store(target.path, "motcua store copy",
                               busy="Kho đích {store} đang được {holder} dùng; hãy dừng nó "
                                    "trước khi chép.", failed="Không chép được"):
                result = run(_copy_async(source, target, args.replace_unit))
        else:
            result = run(_copy_async(source, target, args.replace_unit))
    except CopyRefused as exc:
        raise CommandError(str(exc)) from None
    except CopyMismatch as exc:
        print("\n".join(render(exc.result)))
        raise CommandError("Dữ liệu đọc lại ở kho đích khác dữ liệu đã chép (dòng ✗): đã hủy, "
                           "kho đích giữ nguyên.") from None
    except PG_ERRORS as exc:
        url = target if target.engine == "postgresql" else source
        raise CommandError(f"Không chép được, kho đích giữ nguyên: "
                           f"{pg_error_text(exc, url.dsn or '')}") from None
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"Không chép được, kho đích giữ nguyên: SQLite báo «{exc}» (kho "
                           "nguồn có dòng hỏng hoặc không khớp khóa ngoại?).") from None
    for sid, tid, name in result.units:
        moved = "" if sid == tid else f" (số {sid} → số {tid})"
        replaced = " — thay dữ liệu cũ ở kho đích" if name in result.replaced else ""
        print(f"Đơn vị «{name}»{moved}{replaced}")
    print("\n".join(render(result)), flush=True)
    names = [name for _, _, name in result.units]
    return _compare_figures(source, target, names, settings)


def _compare_figures(source: StoreURL, target: StoreURL, names: list[str],
                     settings: Settings) -> int:
    """Print the figures of every stored quarter of the copied units, compared; 1 on a
    difference."""
    from bot.cli.store_figures import quarter_figures

    now = system_clock()
    clock: Callable[[], datetime] = lambda: now  # noqa: E731 — one moment for both sides
    try:
        before = run(quarter_figures(_open_url(source), names, settings, clock))
        after = run(quarter_figures(_open_url(target), names, settings, clock))
    except NotImplementedError:
        raise CommandError("Đã chép, nhưng bản motcua-bot này chưa tính được số liệu trên "
                           "PostgreSQL để đối chiếu.") from None
    except PG_ERRORS as exc:
        url = target if target.engine == "postgresql" else source
        raise CommandError("Đã chép, nhưng không tính được số liệu để đối chiếu: "
                           f"{pg_error_text(exc, url.dsn or '')}") from None
    print("Số liệu từng quý (như báo cáo /quy của lãnh đạo):")
    differ = 0
    for key in sorted(set(before) | set(after)):
        same = before.get(key) == after.get(key)
        differ += not same
        print(f"  «{key[0]}», {key[1]}: {'giống nhau ✓' if same else 'KHÁC NHAU ✗'}")
    if not before and not after:
        print("  (kho nguồn chưa có hồ sơ nào)")
    if differ:
        raise CommandError(f"Số liệu của {differ} quý khác nhau giữa hai kho: kiểm tra lại "
                           "(dữ liệu đã chép vẫn ở kho đích; chép lại bằng --replace-unit).")
    print("Kết quả: đã chép và đối chiếu xong, hai kho khớp nhau.")
    return 0


def _open_url(url: StoreURL) -> str:
    """The address open_store reads."""
    return str(url.path) if url.engine == "sqlite" else url.dsn or ""
