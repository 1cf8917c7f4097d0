"""Reading dates as people type them: 2026-12-01, 1/12/2026, 1/12, +3d, +2w, today, morgen."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from core.i18n import register, t

EARLIEST = date(1970, 1, 1)
"""Before this day an event id (milliseconds since 1970) would be negative."""
LATEST = date(2261, 12, 31)
"""Past 2262 a time no longer fits the 64-bit nanoseconds most tools read times into."""

register(
    {
        "dates.clock": (
            "The system clock says {now}, which cannot be right (leerpad records changes "
            "between {earliest} and {latest}): nothing was written; ask an administrator to "
            "set the clock.",
            "De systeemklok staat op {now}, wat niet kan kloppen (leerpad registreert "
            "wijzigingen tussen {earliest} en {latest}): er is niets geschreven; vraag een "
            "beheerder de klok juist te zetten.",
        ),
        "dates.today_range": (
            "{what} is {day}, outside the days leerpad works with ({earliest} to {latest}).",
            "{what} is {day}, buiten de dagen waarmee leerpad werkt ({earliest} tot {latest}).",
        ),
    }
)

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


class ClockError(ValueError):
    """The system clock is outside the years a record may carry; the message says so."""


def in_range(day: date) -> bool:
    """Whether `day` lies in the years leerpad records and computes with."""
    return EARLIEST <= day <= LATEST


def check_today(day: date, what: str) -> None:
    """Raise DateError when "today" (`what` names where it came from) is out of range."""
    if not in_range(day):
        raise DateError(
            t("dates.today_range", what=what, day=day, earliest=EARLIEST, latest=LATEST)
        )


def check_clock(now: datetime) -> datetime:
    """`now` in UTC, or ClockError when no record may carry it."""
    try:
        utc = now.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not in_range(utc.date()):
        raise ClockError(t("dates.clock", now=now.isoformat(), earliest=EARLIEST, latest=LATEST))
    return utc


def _nearest_century(two_digits: int, this_year: int) -> int:
    """The year ending in `two_digits` nearest to `this_year` (99 is 1999 in 2026, not 2099)."""
    year = this_year - this_year % 100 + two_digits
    if year > this_year + 50:
        year -= 100
    elif year <= this_year - 50:
        year += 100
    return year


def parse_date(text: str, today: date) -> date:
    """Parse a date typed by a user, relative forms counted from `today`.

    A day/month without a year takes today's year; a two-digit year, the one nearest
    to today.
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
                year = _nearest_century(year, today.year)
            return date(year, int(m.group(2)), int(m.group(1)))
    except (ValueError, OverflowError):
        pass
    raise DateError(t("err.date", text=text))
