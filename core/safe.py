"""Showing user text literally: control characters become visible escapes, never act."""

from __future__ import annotations

import json
import unicodedata

# Line/paragraph separators and the bidi controls that can make text read
# differently from what is stored (the "trojan source" characters).
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# JSON escapes C0 controls by itself; DEL, C1 controls and the characters above can still
# steer a terminal or reorder a line, so they are written as \\u escapes (same data).
_JSON_ESCAPES = {
    code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), *(ord(ch) for ch in _INVISIBLE))
}


def json_text(data: object, *, indent: int | None = 2) -> str:
    """`data` as JSON whose text shows no control character raw, yet decodes to `data` exactly."""
    return json.dumps(data, indent=indent, ensure_ascii=False).translate(_JSON_ESCAPES)


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character (ESC, BEL, CR, ...) written as an escape like \\x1b.

    With `multiline`, newlines and tabs are kept. Markup needs no treatment here:
    the UI renders text as plain Text, never as markup.
    """
    if text.isprintable():
        return text  # no control, separator or bidi character in it: nothing to escape
    out = []
    for ch in text:
        if multiline and ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) == "Cc" or ch in _INVISIBLE:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


# One cell for one cell, so tables and the UI keep their columns in an ASCII terminal.
_ASCII = {
    "▲": "^",
    "▼": "v",
    "▶": ">",
    "◀": "<",
    "→": ">",
    "←": "<",
    "↑": "^",
    "↓": "v",
    "✔": "+",
    "✓": "+",
    "✗": "x",
    "○": "o",
    "◔": "o",
    "●": "*",
    "•": "*",
    "⚠": "!",
    "⏎": "|",
    "–": "-",
    "—": "-",
    "…": ".",
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "·": ".",
    "■": "#",
    "▸": ">",
    "◂": "<",
    "✘": "x",
    "░": ".",
    "▒": ":",
}


def ascii_symbol(char: str) -> str:
    """One ASCII character that stands in for `char` where a terminal cannot show it.

    Box drawing becomes - | +, block elements #, the app's status symbols their
    nearest look-alike; anything else (and a stray surrogate) a '?'.
    """
    found = _ASCII.get(char)
    if found is not None:
        return found
    code = ord(char)
    if 0x2500 <= code <= 0x257F:
        name = unicodedata.name(char, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    if 0x2580 <= code <= 0x259F:
        return "#"
    return "?"
