"""Dates as people type them, counted from an injected "today"."""

from __future__ import annotations

from datetime import date

import pytest

from core.dates import DateError, parse_date

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2027-1-5", date(2027, 1, 5)),
        ("1/12/2026", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        ("1-12-2026", date(2026, 12, 1)),
        ("1/12/26", date(2026, 12, 1)),
        ("1/1/99", date(1999, 1, 1)),
        ("1/1/76", date(2076, 1, 1)),
        ("1/1/77", date(1977, 1, 1)),
        ("31/12/00", date(2000, 12, 31)),
        ("1/12", date(2026, 12, 1)),
        ("31/1", date(2026, 1, 31)),
        ("+3d", date(2026, 12, 1)),
        ("+2w", date(2026, 12, 12)),
        ("+2W", date(2026, 12, 12)),
        ("+0d", TODAY),
        ("today", TODAY),
        ("Vandaag", TODAY),
        (" morgen ", date(2026, 11, 29)),
        ("tomorrow", date(2026, 11, 29)),
        ("yesterday", date(2026, 11, 27)),
        ("gisteren", date(2026, 11, 27)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "31/2/2026",
        "2026-13-01",
        "12/31/2026",
        "1/12/202",
        "+3",
        "-3d",
        "+99999d",
        "1/1/1",
    ],
)
def test_bad_dates_say_what_to_type(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text, TODAY)
    assert "2026-12-01" in str(caught.value)
