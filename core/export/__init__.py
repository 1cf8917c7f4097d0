"""Documents from the log: a plan as the filled-in form (docx, Markdown) or JSON, the
competency report of a closed plan, and the audit history (see docs/EXPORT.md).

The UI and the CLI call `export_plan` / `export_report` (write a file atomically)
or `render_plan` / `render_report` (the bytes, e.g. for stdout).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.export.output import (
    EXIT_OUTPUT,
    EXIT_REFUSED,
    ExportError,
    check_target,
    format_of,
    slug,
    write_atomic,
)
from core.i18n import register, t
from core.projections import PlanState, StoreState

PLAN_FORMATS = ("docx", "md", "json")
REPORT_FORMATS = ("docx", "md")
LANGUAGES = ("nl", "en")

register(
    {
        "export.err.unknown_plan": ("There is no plan {plan}.", "Er is geen plan {plan}."),
        "export.err.format": (
            "{fmt} is not a format for this export: choose {formats}.",
            "{fmt} is geen formaat voor deze export: kies {formats}.",
        ),
        "export.err.lang": (
            "{lang} is not a document language: choose nl or en.",
            "{lang} is geen documenttaal: kies nl of en.",
        ),
        "export.file.plan": ("training-plan", "opleidingsplan"),
        "export.file.report": ("competency-report", "competentieverslag"),
    }
)


def _plan(state: StoreState, plan_id: str) -> PlanState:
    plan = state.plan(plan_id)
    if plan is None:
        raise ExportError("export.err.unknown_plan", EXIT_REFUSED, plan=plan_id)
    return plan


def _check(fmt: str, formats: tuple[str, ...], lang: str) -> None:
    if fmt not in formats:
        raise ExportError("export.err.format", EXIT_OUTPUT, fmt=fmt, formats=", ".join(formats))
    if lang not in LANGUAGES:
        raise ExportError("export.err.lang", EXIT_OUTPUT, lang=lang)


def render_plan(state: StoreState, plan_id: str, fmt: str, *, lang: str, today: date) -> bytes:
    """The plan as a document in `fmt` (docx, md or json), labels in `lang` (nl or en).

    Statuses (planned/overdue) are as of `today`; the footer names `state.seq`/`state.hash`.
    """
    _check(fmt, PLAN_FORMATS, lang)
    plan = _plan(state, plan_id)
    if fmt == "json":
        from core.export import jsonout

        return jsonout.render(state, plan, today=today).encode("utf-8")
    from core.export import model

    doc = model.build(state, plan, lang=lang, today=today)
    if fmt == "md":
        from core.export import markdown

        return markdown.render(doc).encode("utf-8")
    from core.export import docx  # python-docx is only loaded for .docx output

    return docx.render(doc)


def render_report(state: StoreState, plan_id: str, fmt: str, *, lang: str, today: date) -> bytes:
    """The competency report of a closed plan in `fmt` (docx or md).

    Raises ExportError (code EXIT_REFUSED) when the plan is still open.
    """
    _check(fmt, REPORT_FORMATS, lang)
    from core.export import report

    built = report.build(state, _plan(state, plan_id), lang=lang, today=today)
    if fmt == "md":
        return report.render_md(built).encode("utf-8")
    return report.render_docx(built)


def export_plan(
    state: StoreState, plan_id: str, fmt: str, path: str | Path, *, lang: str, today: date
) -> Path:
    """Write the plan document to `path` (all or nothing) and return the path written.

    Raises ExportError, whose `.message(lang)` is the sentence to show and `.code`
    the CLI exit code: EXIT_REFUSED (no such plan), EXIT_OUTPUT (bad path, format).
    """
    target = check_target(path, fmt)
    return write_atomic(target, render_plan(state, plan_id, fmt, lang=lang, today=today), fmt)


def export_report(
    state: StoreState, plan_id: str, fmt: str, path: str | Path, *, lang: str, today: date
) -> Path:
    """Write the competency report to `path`, as `export_plan` does."""
    target = check_target(path, fmt)
    return write_atomic(target, render_report(state, plan_id, fmt, lang=lang, today=today), fmt)


def default_filename(plan: PlanState, fmt: str, *, lang: str, report: bool = False) -> str:
    """A file name for the export, e.g. opleidingsplan-P1-jan-peeters.docx."""
    kind = t("export.file.report" if report else "export.file.plan", lang)
    name = slug(plan.trainee)
    return f"{kind}-{plan.id}{'-' + name if name else ''}.{fmt}"


__all__ = [
    "EXIT_OUTPUT",
    "EXIT_REFUSED",
    "LANGUAGES",
    "PLAN_FORMATS",
    "REPORT_FORMATS",
    "ExportError",
    "default_filename",
    "export_plan",
    "export_report",
    "format_of",
    "render_plan",
    "render_report",
]
