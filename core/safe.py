"""Showing user text literally: control characters become visible escapes, never act."""

from __future__ import annotations

import unicodedata


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character (ESC, BEL, CR, ...) written as an escape like \\x1b.

    With `multiline`, newlines and tabs are kept. Markup needs no treatment here:
    the UI renders text as plain Text, never as markup.
    """
    out = []
    for ch in text:
        if multiline and ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
