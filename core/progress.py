"""A plan's progress over time: done % against expected % week by week, and per competency.

Pure reads of a PlanState with "today" as a parameter, as the rest of the projections;
the plan screen's progress picture and the dashboard draw these numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from core.projections import Counts, PlanState, counts, expected_percent


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


def weekly(plan: PlanState, today: date) -> list[WeekPoint]:
    """Every week of the plan, from its start to its end.

    Actions marked not applicable do not count, as in `summarize`; an action counts as
    done from the completion date it was given.
    """
    applicable = [a for a in plan.actions() if a.dropped is None]
    finished = sorted(a.done_on for a in applicable if a.done_on is not None)
    total = len(applicable)
    points = []
    for week in range(1, plan.weeks + 1):
        first = plan.start + timedelta(days=7 * (week - 1))
        end = first + timedelta(days=6)
        if first > today:
            points.append(WeekPoint(week, end, None, expected_percent(plan, end + timedelta(1))))
            continue
        until = min(end, today)
        done = sum(1 for on in finished if on <= until)
        # The current week is judged on today, as the plan's summary is.
        expected = expected_percent(plan, today if end >= today else end + timedelta(days=1))
        points.append(WeekPoint(week, end, 100.0 * done / total if total else 0.0, expected))
    return points


def by_competency(plan: PlanState) -> list[CompetencyProgress]:
    """Done and applicable actions of each job competency, in the form's order."""
    return [CompetencyProgress(c.id, c.title, counts(c.actions())) for c in plan.competencies]
