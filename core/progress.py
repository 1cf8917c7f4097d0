"""A plan's progress over time: done % against expected % week by week, and per competency.

Pure reads of a plan's view (core/planview.py), so what counts as applicable and done is
what every other surface shows; the plan screen's progress picture draws these numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from core.planview import PlanView
from core.projections import Counts, Status, expected_percent


class WeekPoint(msgspec.Struct, frozen=True):
    """One week of the plan: where it was by the week's end, and where it should have been."""

    week: int
    """1 for the plan's first week."""
    end: date
    """The week's last day."""
    done: float | None
    """Percent of the applicable actions completed by the week's end (by today in the
    current week); None for a week that has not begun."""
    expected: float
    """Percent expected by the week's end (by today in the current week)."""


class CompetencyProgress(msgspec.Struct, frozen=True):
    id: str
    title: str
    counts: Counts


def weekly(view: PlanView) -> list[WeekPoint]:
    """Every week of the plan, from its start to its end, as of the view's today.

    Actions marked not applicable do not count, as in the plan's summary; an action
    counts as done from the completion date it was given.
    """
    today = view.today
    applicable = [a for a in view.actions() if a.status is not Status.NA]
    finished = sorted(a.done_on for a in applicable if a.done_on is not None)
    total = len(applicable)
    points = []
    for week in range(1, view.weeks + 1):
        first = view.start + timedelta(days=7 * (week - 1))
        end = first + timedelta(days=6)
        if first > today:
            points.append(WeekPoint(week, end, None, expected_percent(view, end + timedelta(1))))
            continue
        until = min(end, today)
        done = sum(1 for on in finished if on <= until)
        # The current week is judged on today, as the plan's summary is.
        expected = expected_percent(view, today if end >= today else end + timedelta(days=1))
        points.append(WeekPoint(week, end, 100.0 * done / total if total else 0.0, expected))
    return points


def by_competency(view: PlanView) -> list[CompetencyProgress]:
    """Done and applicable actions of each job competency, in the form's order."""
    return [CompetencyProgress(c.id, c.title, c.progress) for c in view.competencies]
