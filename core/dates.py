"""Reading dates as people type them: 2026-12-01, 1/12/2026, 1/12, +3d, +2w, today, morgen."""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.i18n import t

_RELATIVE = re.compile(r"^\+(\d{1,4})\s*([dwDW])$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = {
    "today": 0,
    "vandaag": 0,
    "tomorrow": 1,
    "morgen": 1,
    "yesterday": -1,
    "gisteren": -1,
}


class DateError(ValueError):
    """The text is not a date we understand; the message says what to type."""


def parse_date(text: str, today: date) -> date:
    """Parse a date typed by a user, relative forms counted from `today`.

    A day/month without a year takes today's year.
    """
    raw = text.strip().lower()
    try:
        if raw in _WORDS:
            return today + timedelta(days=_WORDS[raw])
        if m := _RELATIVE.match(raw):
            n = int(m.group(1))
            return today + timedelta(days=n * (7 if m.group(2) == "w" else 1))
        if m := _ISO.match(raw):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DMY.match(raw):
            year = int(m.group(3)) if m.group(3) else today.year
            if year < 100:
                year += 2000
            return date(year, int(m.group(2)), int(m.group(1)))
    except (ValueError, OverflowError):
        pass
    raise DateError(t("err.date", text=text))
