"""What a citizen's free text asks for: a readable, ordered table of intents and patterns.

Patterns are regular expressions over the *normalised* text: accent-folded (storage.normalize),
lower case, words separated by one space, teen-code and common abbreviations expanded ("ko" →
"khong", "hs" → "ho so", "dc" → "duoc"), letters typed three or more times collapsed. The first
intent with a matching pattern wins, so the order of INTENTS is part of the rules. To add a
phrase, add a pattern to the right intent and a line to tests/data/citizen_messages.csv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage.normalize import fold, nfkc

# Abbreviations people type in chat → the words they stand for (after folding).
ABBREVIATIONS = {
    "ko": "khong", "k": "khong", "kg": "khong", "khg": "khong", "hok": "khong", "hong": "khong",
    "dc": "duoc", "dk": "duoc",
    "hs": "ho so", "hso": "ho so", "hoso": "ho so",
    "tt": "thu tuc", "thutuc": "thu tuc", "tracuu": "tra cuu", "theodoi": "theo doi",
    "sdt": "so dien thoai", "dt": "dien thoai",
    "j": "gi", "ji": "gi", "bn": "bao nhieu", "bnh": "bao nhieu", "bjo": "bao gio",
    "bh": "bao gio", "bg": "bao gio", "ntn": "nhu the nao", "mn": "moi nguoi",
    "mk": "minh", "mik": "minh", "mjk": "minh", "m": "minh", "t": "toi", "e": "em",
    "r": "roi", "rui": "roi", "cx": "cung", "vs": "voi", "z": "vay", "v": "vay",
    "ak": "a", "ah": "a", "nha": "nhe", "nhen": "nhe",
    "ad": "admin", "add": "admin", "ok": "ok", "oke": "ok", "okie": "ok",
    "tks": "cam on", "thanks": "cam on", "thank": "cam on", "thankyou": "cam on",
    "camon": "cam on", "cmon": "cam on", "ths": "cam on", "thx": "cam on",
    "dky": "dang ky", "dki": "dang ky", "dangky": "dang ky", "ki": "ky",
    "kh": "khong", "lsao": "lam sao", "ls": "lam sao", "gio": "gio", "h": "gio",
    "sn": "sinh", "kq": "ket qua", "ks": "khai sinh", "kt": "khai tu", "kh0ng": "khong",
    "chug": "chung", "thuc": "thuc", "cthuc": "chung thuc", "ct": "chung thuc",
    "hotline": "hotline", "dthoai": "dien thoai",
}
_WORD = re.compile(r"[a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def normalise(text: str) -> str:
    """The form patterns match: folded, abbreviations expanded, one space between words."""
    words = _WORD.findall(_REPEATS.sub(r"\1", fold(nfkc(text[:1000]))))
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


@dataclass(frozen=True)
class Intent:
    """One thing a citizen may ask, and the patterns (over normalised text) that say it."""

    name: str
    patterns: tuple[str, ...]
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the patterns into one alternation (searched once per message)."""
        joined = "|".join(f"(?:{p})" for p in self.patterns)
        object.__setattr__(self, "compiled", re.compile(joined))

    def matches(self, text: str) -> bool:
        """True when one of the patterns is found in the normalised text."""
        return self.compiled.search(text) is not None


# Procedure topics people name; a message that names one is about the catalogue.
TOPICS = (
    r"khai sinh", r"khai tu", r"ket hon", r"chung thuc", r"sao y", r"ban sao", r"chu ky",
    r"ho tich", r"trich luc", r"giam ho", r"nhan cha", r"cai chinh", r"doc than",
    r"tinh trang hon nhan", r"dat dai", r"so do", r"so hong", r"quyen su dung dat",
    r"giay chung nhan", r"xay dung", r"giay phep", r"ho kinh doanh", r"kinh doanh",
    r"tam tru", r"thuong tru", r"cu tru", r"tro cap", r"bao tro", r"nguoi co cong",
    r"hop dong", r"di san", r"thua ke", r"phan chia", r"bien dong", r"ly hon", r"con nuoi",
    r"giay khai", r"ve sinh an toan thuc pham", r"an toan thuc pham",
)
_TOPIC = r"\b(?:" + "|".join(TOPICS) + r")\b"

INTENTS: tuple[Intent, ...] = (
    Intent("unfollow", (
        r"\b(?:huy|bo|ngung|thoi|dung|tat|khong muon|khong can) (?:\w+ )?theo doi\b",
        r"\bkhong (?:muon |can )?nhan (?:tin|thong bao)",
        r"\b(?:tat|huy|dung) (?:thong bao|nhan tin)",
    )),
    Intent("follow", (
        r"\btheo doi\b",
        r"\b(?:nhan|gui|bao) (?:tin|thong bao)\b",
        r"\bbao (?:cho )?(?:toi|minh|em|tui|chau) (?:khi|biet)\b",
        r"\bnhan (?:tin )?khi (?:co|ho so)",
    )),
    Intent("catalogue", (
        r"\bcan (?:nhung |mang |chuan bi |nop )?(?:gi|giay to|ho so gi|nhung gi|may)\b",
        r"\b(?:giay to|thanh phan|ho so gom|ho so can|mau don|to khai|bieu mau)\b",
        r"\b(?:le phi|phi|bao nhieu tien|mat tien|ton bao nhieu|het bao nhieu)\b",
        r"\b(?:mat|het|trong) (?:bao lau|may ngay|bao nhieu ngay)\b",
        r"\bbao lau\b", r"\bbao nhieu ngay\b",
        r"\bthu tuc\b", r"\b(?:lam|xin|cap) (?:lai )?(?:giay|so(?! dien)|ban)\b",
        r"\b(?:muon|can|cach|huong dan) (?:lam |dang ky |xin )?" + _TOPIC,
    )),
    Intent("lookup", (
        r"\bho so\b.*\b(?:den dau|toi dau|sao roi|the nao roi|xong chua|co chua|duoc chua|"
        r"xu ly chua|duyet|ra sao|bao gio|khi nao|luc nao|tinh trang|ket qua)\b",
        r"\b(?:tra cuu|kiem tra|xem|check|tinh trang|trang thai)\b.*\bho so\b",
        r"\b(?:tra cuu|kiem tra tinh trang|tinh trang ho so|trang thai ho so)\b",
        r"\b(?:ket qua|giay|so)\b.*\b(?:bao gio|khi nao|luc nao|xong chua|co chua|den dau)\b",
        r"\b(?:den dau roi|xong chua|co ket qua chua|bao gio (?:co|xong|lay|nhan|tra))\b",
        r"\b(?:ma ho so|giay bien nhan|giay hen|phieu hen|bien nhan)\b",
        r"\b(?:4|bon) so cuoi\b",
    )),
    Intent("contact", (
        r"\b(?:hotline|tong dai|lien he|lien lac)\b",
        r"\b(?:so dien thoai|dien thoai)\b.*\b(?:trung tam|bo phan|mot cua|ubnd|xa|phuong|ho tro|"
        r"lien he|goi)\b",
        r"\b(?:goi|alo) (?:cho )?(?:ai|so nao|dau)\b",
        r"\bdia chi\b", r"\b(?:trung tam|bo phan mot cua|ubnd|uy ban)\b.*\b(?:o dau|cho nao)\b",
        r"\bnop\b.*\b(?:o dau|cho nao)\b",
        r"\b(?:o dau|cho nao)\b.*\b(?:nop|lam|trung tam|mot cua)\b",
        r"\b(?:nop|den) (?:o|tai) dau\b",
        r"\bgio (?:lam viec|hanh chinh|mo cua|dong cua|lam)\b",
        r"\b(?:may gio|luc may gio|gio nao)\b",
        r"\b(?:mo cua|dong cua|nghi trua|lam viec)\b",
        r"\b(?:thu (?:7|bay)|chu nhat|cuoi tuan|ngay le)\b.*\b(?:lam|mo|nghi|tiep)\b",
    )),
    Intent("catalogue_topic", (_TOPIC,)),
    Intent("help", (
        r"\b(?:huong dan|tro giup|giup do|giup (?:toi|minh|em)|help|cach dung|su dung bot|"
        r"lam sao|lam the nao|lam nhu the nao|bot lam duoc gi|menu)\b",
        r"\b(?:dung|su dung) (?:\w+ )?(?:nhu )?the nao\b",
    )),
    Intent("thanks", (
        r"\b(?:cam on|da cam on|cam ta|biet on)\b",
        r"^(?:ok|vang|da|duoc roi|ok roi|da ro|ro roi|tot qua|hay qua)(?: \w+){0,3}$",
    )),
    Intent("greeting", (
        r"^(?:xin )?chao\b", r"^(?:hello|hi|helo|alo|hey|admin oi|ad oi|oi)\b",
        r"\b(?:chao (?:ban|admin|bot|anh|chi|em|buoi sang|buoi chieu)|xin chao)\b",
        r"^(?:cho (?:toi|minh|em|chau) hoi|toi can hoi|hoi chut)$",
    )),
)


def classify(text: str) -> str:
    """The name of the first intent whose pattern matches, or 'unknown'."""
    norm = normalise(text)
    if not norm:
        return "unknown"
    for intent in INTENTS:
        if intent.matches(norm):
            return "catalogue" if intent.name == "catalogue_topic" else intent.name
    return "unknown"


# Phrases and words that carry the question, not the procedure: dropped to get search words.
QUESTION_PHRASES = (
    "cho toi hoi", "cho minh hoi", "cho em hoi", "cho chau hoi", "cho hoi", "xin hoi",
    "vui long", "lam on", "can nhung giay to gi", "can giay to gi", "can nhung gi", "giay to",
    "thanh phan ho so", "ho so gom", "ho so can", "ho so", "mau don", "to khai", "bieu mau",
    "le phi", "bao nhieu tien", "bao nhieu ngay", "bao nhieu", "bao lau", "thu tuc",
    "lam the nao", "nhu the nao", "the nao", "ra sao", "o dau", "huong dan", "thong tin",
    "truc tuyen", "qua mang", "tim kiem", "dang ky", "chuan bi", "mat may ngay",
)
FILLER_WORDS = frozenset((
    "cho", "toi", "minh", "em", "chau", "tui", "hoi", "xin", "a", "nhe", "voi", "vay", "ha",
    "ta", "thi", "la", "va", "co", "can", "gi", "nhung", "mang", "nop", "lam", "cap", "muon",
    "cach", "phi", "mat", "het", "trong", "lau", "may", "ngay", "de", "ve", "cua", "ban",
    "admin", "oi", "khong", "duoc", "roi", "biet", "tien", "gom", "giay", "online", "ton",
    "chi", "anh", "nao", "sao", "ak", "nha", "u", "uh", "ah", "dau", "tim", "xem", "muon",
))
_PHRASES = re.compile(r"\b(?:" + "|".join(sorted(QUESTION_PHRASES, key=len, reverse=True))
                      + r")\b")


def catalogue_words(text: str) -> list[str]:
    """The words of a catalogue question that name the procedure ("khai sinh", "ket hon")."""
    rest = _PHRASES.sub(" ", normalise(text))
    return [w for w in rest.split() if w not in FILLER_WORDS][:8]
