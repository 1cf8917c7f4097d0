"""The audit history as CSV, JSON or Markdown, one row per event (for `leerpad log --format`).

CSV is UTF-8 with a byte-order mark and CRLF line ends, so spreadsheets (Excel
included) open it with the accents intact; a cell that a spreadsheet would run
as a formula (starting with = + - @) gets a leading apostrophe. No format shows a
control character raw: CSV and Markdown write it as \\x1b, JSON as \\u001b.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

from core.audit import entry_dict
from core.export.jsonout import dumps, utc
from core.export.markdown import cell, table
from core.history import HistoryEntry
from core.i18n import register, t
from core.safe import visible

HISTORY_FORMATS = ("csv", "json", "md")
COLUMNS = (
    "seq",
    "time",
    "time_local",
    "actor",
    "plan",
    "kind",
    "target",
    "description",
    "before",
    "after",
    "detail",
)

register(
    {
        "export.history.title": ("History", "Geschiedenis"),
        "export.history.none": ("No changes.", "Geen wijzigingen."),
        "export.history.seq": ("#", "#"),
        "export.history.time": ("Time", "Tijdstip"),
        "export.history.actor": ("Who", "Wie"),
        "export.history.plan": ("Plan", "Plan"),
        "export.history.change": ("Change", "Wijziging"),
        "export.history.before": ("Before", "Voor"),
        "export.history.after": ("After", "Na"),
        "export.history.detail": ("Detail", "Toelichting"),
    }
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _row(entry: HistoryEntry, lang: str | None) -> dict[str, Any]:
    """The entry as `leerpad log --json` has it, plus the local time for spreadsheets."""
    row = entry_dict(entry, lang)
    row["time"] = utc(entry.time)
    row["time_local"] = entry.time.astimezone().isoformat(timespec="seconds")
    return row


def _spreadsheet_safe(value: object) -> object:
    """Keep a spreadsheet from running user text as a formula (a lone '-' is harmless), and
    a terminal that shows the file from acting on a control character (written as \\x1b)."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and value != "-":
        value = "'" + value
    return visible(value, multiline=True)


def render_csv(entries: Iterable[HistoryEntry], *, lang: str | None = None) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow({k: _spreadsheet_safe(v) for k, v in _row(entry, lang).items()})
    return out.getvalue()


def render_json(entries: Iterable[HistoryEntry], *, lang: str | None = None) -> str:
    """The same list of objects as `leerpad log --json` (see core.audit.entry_dict)."""
    return dumps([entry_dict(e, lang) | {"time": utc(e.time)} for e in entries])


def render_md(entries: Iterable[HistoryEntry], *, lang: str | None = None) -> str:
    rows = [
        [
            str(e.seq),
            cell(e.time.astimezone().strftime("%d/%m/%Y %H:%M")),
            cell(e.actor),
            cell(e.plan),
            cell(e.describe(lang)),
            cell(e.before),
            cell(e.after),
            cell(e.detail),
        ]
        for e in entries
    ]
    lines = [f"# {t('export.history.title', lang)}", ""]
    if not rows:
        return "\n".join([*lines, t("export.history.none", lang), ""])
    keys = ("seq", "time", "actor", "plan", "change", "before", "after", "detail")
    lines += table([t(f"export.history.{k}", lang) for k in keys], rows)
    return "\n".join([*lines, ""])


def render_history(entries: Iterable[HistoryEntry], fmt: str, *, lang: str | None = None) -> str:
    """The history as text in `fmt` (csv, json or md)."""
    if fmt == "csv":
        return render_csv(entries, lang=lang)
    if fmt == "json":
        return render_json(entries, lang=lang)
    if fmt == "md":
        return render_md(entries, lang=lang)
    raise ValueError(f"unknown history format {fmt!r}: choose one of {', '.join(HISTORY_FORMATS)}")


def write_history(
    entries: Iterable[HistoryEntry], fmt: str, stream: IO[Any], *, lang: str | None = None
) -> None:
    """Write the history to a text or binary stream (binary gets UTF-8, whatever the locale)."""
    text = render_history(entries, fmt, lang=lang)
    if isinstance(stream, io.TextIOBase) and hasattr(stream, "buffer"):
        # A console stream: bypass its encoding so the BOM and accents survive a C locale.
        stream.flush()
        stream = stream.buffer
    if isinstance(stream, io.TextIOBase):
        stream.write(text)
    else:
        stream.write(text.encode("utf-8"))
        stream.flush()


__all__ = ["COLUMNS", "HISTORY_FORMATS", "render_history", "write_history"]
