"""Showing user text literally: control characters become visible escapes, never act."""

from __future__ import annotations

import unicodedata

# Line/paragraph separators and the bidi controls that can make text read
# differently from what is stored (the "trojan source" characters).
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character (ESC, BEL, CR, ...) written as an escape like \\x1b.

    With `multiline`, newlines and tabs are kept. Markup needs no treatment here:
    the UI renders text as plain Text, never as markup.
    """
    out = []
    for ch in text:
        if multiline and ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) == "Cc" or ch in _INVISIBLE:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
