"""argparse's own texts (help headings, errors) in Vietnamese while `motcua` parses; scrub()."""

from __future__ import annotations

import contextlib
import gettext
import os
import re
from collections.abc import Iterator
from pathlib import Path

# A Python exception's class name inside a message ("(KeyError)", "ConnectError: …").
_EXCEPTION_NAME = re.compile(
    r"\s*\(\s*[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\s*\)"
    r"|\b[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\b:?\s*"
)

# argparse asks gettext for its texts (`from gettext import gettext as _, ngettext`), so the
# Vietnamese ones are a gettext catalog: locale/vi/LC_MESSAGES/motcua-argparse.po, compiled
# beside it to the .mo that gettext reads (tests/test_cli_catalog.py checks that they match).
DOMAIN = "motcua-argparse"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE = "vi"


@contextlib.contextmanager
def vietnamese_argparse() -> Iterator[None]:
    """While inside, gettext's text domain is ours and its language Vietnamese, so argparse's
    own texts come from our catalog; the previous domain and LANGUAGE come back after.

    gettext takes the language only from the environment (LANGUAGE first), hence LANGUAGE."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    domain = gettext.textdomain()
    language = os.environ.get("LANGUAGE")
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LANGUAGE
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language


def scrub(text: str) -> str:
    """A message for the operator without Python exception class names (what they carried,
    e.g. a file name or a reason, stays)."""
    return _EXCEPTION_NAME.sub("", text).strip()
