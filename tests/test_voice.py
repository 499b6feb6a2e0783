"""One voice (issue 18, item 10): every user-facing Vietnamese text in bot/ keeps the rules of
docs/chat.md — no informal words, no line break inside a sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The informal words of docs/chat.md's "Voice" rules (matched as whole words, any case).
INFORMAL = ("mình", "tớ", "tui", "tốt lắm", "tuyệt vời", "bạn ơi", "nhé", "nha", "nhỉ", "hihi",
            "haha", "oke", "okay", "ok")
_WORDS = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in INFORMAL) + r")(?!\w)",
                    re.IGNORECASE)
_VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữự"
                         r"ỳýỷỹỵ]", re.IGNORECASE)
# A line that ends inside a sentence (a letter, digit or comma) followed by one that goes on in
# lowercase: the sentence was broken in two.
_BROKEN = re.compile(r"[\w,]\n[ \t]*[a-zà-ỹđ]")
_PLACEHOLDER = "{…}"


def _text_of(node: ast.AST) -> str | None:
    """The literal text of a str constant or an f-string (placeholders as {…})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else _PLACEHOLDER
                       for v in node.values)
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of the module, classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def user_texts() -> list[tuple[str, str]]:
    """(file:line, text) of every Vietnamese string literal in bot/ (docstrings left out)."""
    out = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        parts: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                parts.update(id(v) for v in node.values)
        for node in ast.walk(tree):
            if id(node) in skip or id(node) in parts:
                continue
            text = _text_of(node)
            if text and _VIETNAMESE.search(text):
                out.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))
    return out


def test_the_scan_finds_the_texts() -> None:
    """The scan sees the handlers' answers (a guard against a scan that finds nothing)."""
    texts = [t for _, t in user_texts()]
    assert len(texts) > 300
    assert any("Bạn không có quyền dùng lệnh này." in t for t in texts)


def test_no_informal_words() -> None:
    """No text calls the bot "mình", praises, or uses chat particles."""
    bad = [(where, m[0], text) for where, text in user_texts() if (m := _WORDS.search(text))]
    assert bad == []


def test_no_line_break_inside_a_sentence() -> None:
    """A line break ends a sentence, a heading or a list item; never cuts a sentence."""
    bad = [(where, text) for where, text in user_texts() if _BROKEN.search(text)]
    assert bad == []


def test_exclamation_only_in_greetings_and_thanks() -> None:
    """An exclamation mark only after a greeting, a thank-you or a goodbye."""
    allowed = re.compile(r"(Xin chào|cảm ơn|thông cảm|Tạm biệt)!")
    bad = [(where, text) for where, text in user_texts() if "!" in allowed.sub("", text)]
    assert bad == []


async def test_unknown_command_named_in_chat(ctx) -> None:  # type: ignore[no-untyped-def]
    """/quy5 answers like /foo: "Không có lệnh /quy5." (a citizen and a leader alike)."""
    from bot.core.router import Core
    from tests.core_helpers import ask, joined

    core = Core(ctx)
    for word in ("/quy5", "/foo", "/xyz_1"):
        assert f"Không có lệnh {word}." in joined(await ask(core, word, user="someone"))
