"""storage.normalize: digits NFKC-normalised and ASCII only; accent folding."""

from storage.normalize import ascii_digits, fold, fold_spaces, is_ascii_digits


def test_fullwidth_and_superscript_digits_become_ascii() -> None:
    assert ascii_digits("９９９９") == "9999"
    assert ascii_digits("²") == "2"
    assert ascii_digits(" 1234 ") == "1234"


def test_non_ascii_decimal_digits_are_refused() -> None:
    assert ascii_digits("١٢٣٤") is None  # Arabic-Indic
    assert ascii_digits("12a4") is None
    assert ascii_digits("") is None
    assert not is_ascii_digits("²")
    assert is_ascii_digits("0042")


def test_fold() -> None:
    assert fold("Đăng KÝ Kết hôn") == "dang ky ket hon"


def test_fold_keeps_ascii_text_as_lowercase_only() -> None:
    assert fold("Quy 1/2026  -- Q1") == "quy 1/2026  -- q1"


def test_fold_spaces_trims_and_collapses_whitespace() -> None:
    """The form the import's labels and the periods' parser compare."""
    assert fold_spaces("  Tháng\t03/2026 \n") == "thang 03/2026"
    assert fold_spaces("Mới   đăng ký  hồ sơ") == "moi dang ky ho so"
    assert fold_spaces("ĐANG  XỬ LÝ") == "dang xu ly"
