"""Plain-text output for the terminal: user text shown literally, and aligned tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from core.safe import visible


def literal(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with control characters made visible (\\x1b), so a terminal never interprets them.

    Tabs become a space; newlines stay only with `keep_newlines` (else they show as ⏎).
    Bidi overrides and isolates are escaped too (core.safe), so no line reads reordered.
    """
    if text.isprintable():
        return text  # no tab, newline or character to escape: as it is
    lines = [visible(line.replace("\t", " ")) for line in text.split("\n")]
    return ("\n" if keep_newlines else " ⏎ ").join(lines)


def width(text: str) -> int:
    """Columns `text` takes in a terminal (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)  # one column a character, without asking unicodedata for each
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def pad(text: str, columns: int, *, right: bool = False) -> str:
    return _padded(text, columns - width(text), right=right)


def _padded(text: str, fill: int, *, right: bool) -> str:
    return " " * fill + text if right else text + " " * fill


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    """Lines of an aligned table; columns whose index is in `right` align right.

    Cells must already be literal (see `literal`). The last column is not padded,
    so a long description does not leave trailing spaces.
    """
    measured = [[(cell, width(cell)) for cell in row] for row in [headers, *rows]]
    widths = [0] * len(headers)
    for row in measured:
        for i, (_, size) in enumerate(row):
            if size > widths[i]:
                widths[i] = size
    last = len(headers) - 1
    lines = []
    for row in measured:
        cells = [
            cell
            if i == last and i not in right
            else _padded(cell, widths[i] - size, right=i in right)
            for i, (cell, size) in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def indent(text: str, prefix: str) -> str:
    """Every line of `text` after the first indented by `prefix` (for multi-line notes)."""
    return text.replace("\n", "\n" + prefix)
