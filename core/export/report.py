"""The competency report of a closed plan: which competencies count as acquired by their
most recent rating, as the basis for the trainee's certificate (.docx and Markdown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core import planview, signoffs
from core.export import markdown as md
from core.export.model import Field, footer, header_fields, latest_evaluation, local_time
from core.export.output import EXIT_REFUSED, ExportError
from core.i18n import fmt_date, register, t
from core.planview import RatingView
from core.projections import PlanState, StoreState

register(
    {
        "export.report.title": ("Competency report", "Competentieverslag"),
        "export.report.open": (
            "Plan {plan} is still open: a competency report is made for a closed plan. "
            "Close the plan first.",
            "Plan {plan} is nog open: een competentieverslag wordt gemaakt voor een "
            "afgesloten plan. Sluit het plan eerst af.",
        ),
        "export.report.period": (
            "Started {start} · {outcome} on {on}",
            "Gestart {start} · {outcome} op {on}",
        ),
        "export.report.basis": (
            "Based on evaluation {id} of {on} (participants: {participants}).",
            "Op basis van evaluatie {id} van {on} (deelnemers: {participants}).",
        ),
        "export.report.no_evaluation": (
            "No evaluation was recorded, so no competency counts as acquired.",
            "Er werd geen evaluatie vastgelegd; geen enkele competentie telt als verworven.",
        ),
        "export.report.acquired": ("Acquired", "Verworven"),
        "export.report.yes": ("yes", "ja"),
        "export.report.no": ("no", "nee"),
        "export.report.not_rated": ("not rated", "niet beoordeeld"),
        "export.report.earlier": (
            "{level} (evaluation {evaluation} of {on})",
            "{level} (evaluatie {evaluation} van {on})",
        ),
        "export.report.summary": (
            "Acquired: {count} of {total} competencies ({job} of {job_total} job-related, "
            "{personal} of {personal_total} personal).",
            "Verworven: {count} van {total} competenties ({job} van {job_total} "
            "jobgerelateerde, {personal} van {personal_total} persoonsgebonden).",
        ),
        "export.report.job": ("A. Job-related competencies", "A. Jobgerelateerde competenties"),
        "export.report.personal": ("B. Personal competencies", "B. Persoonsgebonden competenties"),
        "export.report.signed": ("Signed off", "Afgetekend"),
        "export.report.not_signed": (
            "This evaluation has not been signed off.",
            "Deze evaluatie is niet afgetekend.",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    title: str
    level: str
    acquired: bool
    comment: str


@dataclass(frozen=True, slots=True)
class Report:
    lang: str
    title: str
    plan_id: str
    occupation: str
    fields: list[Field]
    period: str
    basis: str
    job: list[Line]
    personal: list[Line]
    summary: str
    signed: list[tuple[str, str, str, str]]
    """(role, actor, time) of the sign-offs of the evaluation the report rests on."""
    footer: str
    today: date


def build(state: StoreState, plan: PlanState, *, lang: str, today: date) -> Report:
    if plan.closed is None:
        raise ExportError("export.report.open", EXIT_REFUSED, plan=plan.id)
    view = planview.build(plan, today)
    evaluation = view.latest

    def line(node_id: str, title: str, rating: RatingView | None) -> Line:
        if rating is None:
            level = t("export.report.not_rated", lang)
        elif evaluation is not None and rating.evaluation != evaluation.id:
            # The latest evaluation did not rate it: its rating is an earlier one's, and says so.
            level = t(
                "export.report.earlier",
                lang,
                level=rating.word(lang),
                evaluation=rating.evaluation,
                on=fmt_date(rating.on),
            )
        else:
            level = rating.word(lang)
        return Line(
            id=node_id,
            title=title,
            level=level,
            acquired=view.acquired.get(node_id, False),
            comment=rating.comment if rating else "",
        )

    job = [line(c.id, c.title, c.latest) for c in view.competencies]
    personal = [line(p.id, p.name, p.latest) for p in view.personal]
    if evaluation is None:
        basis = t("export.report.no_evaluation", lang)
        signed: list[tuple[str, str, str, str]] = []
    else:
        basis = t(
            "export.report.basis",
            lang,
            id=evaluation.id,
            on=fmt_date(evaluation.on),
            participants=", ".join(evaluation.participants),
        )
        verdicts = signoffs.verdicts(state, plan)
        signed = [
            (t(f"role.{s.role}", lang), s.actor, local_time(s.time), verdicts[s.seq].text(lang))
            for s in evaluation.signoffs
        ]
    job_count = sum(x.acquired for x in job)
    personal_count = sum(x.acquired for x in personal)
    closed = view.closed
    assert closed is not None
    return Report(
        lang=lang,
        title=t("export.report.title", lang),
        plan_id=view.id,
        occupation=view.title,
        fields=header_fields(view, lang),
        period=t(
            "export.report.period",
            lang,
            start=fmt_date(view.start),
            outcome=t(f"outcome.{closed.outcome}", lang),
            on=fmt_date(closed.on),
        ),
        basis=basis,
        job=job,
        personal=personal,
        summary=t(
            "export.report.summary",
            lang,
            count=job_count + personal_count,
            total=len(job) + len(personal),
            job=job_count,
            job_total=len(job),
            personal=personal_count,
            personal_total=len(personal),
        ),
        signed=signed,
        footer=footer(state, view, lang),
        today=today,
    )


def _headers(report: Report) -> list[str]:
    lang = report.lang
    return [
        t("export.form.competency", lang),
        t("export.evaluation.level", lang),
        t("export.report.acquired", lang),
        t("export.evaluation.comment", lang),
    ]


def _yes_no(report: Report, value: bool) -> str:
    return t("export.report.yes" if value else "export.report.no", report.lang)


WIDTHS = (6.4, 3.1, 2.2, 5.3)
SIGN_WIDTHS = (3.0, 3.4, 4.2, 6.4)


def render_docx(report: Report) -> bytes:
    from core.export import docx as wd  # python-docx is only loaded for .docx output

    lang = report.lang
    trainee = report.fields[0].value
    document = wd.new_document(
        title=f"{report.title} {report.plan_id}: {trainee}",
        header=f"{report.title} · {report.occupation} · {trainee}",
        footer=report.footer,
        lang=lang,
        today=report.today,
    )
    wd.page_numbers(document, t("export.page", lang), t("export.page_of", lang))
    document.add_paragraph(report.title, style="Title")
    wd.header_fields(document, report.fields)
    wd.spacer(document)
    para = document.add_paragraph()
    wd.plain(para, f"{t('export.form.occupation', lang)}: ", bold=True)
    wd.plain(para, report.occupation)
    document.add_paragraph(wd.clean(report.period))
    document.add_paragraph(wd.clean(report.basis))
    for heading, lines in (
        (t("export.report.job", lang), report.job),
        (t("export.report.personal", lang), report.personal),
    ):
        document.add_heading(heading, level=2)
        tbl = wd.table(document, WIDTHS)
        wd.header_row(tbl, WIDTHS, _headers(report))
        for item in lines:
            name, level, got, comment = wd.add_row(tbl, WIDTHS, whole=True)
            para = wd.cell_paragraph(name, first=True)
            wd.plain(para, f"{item.id}  ", bold=True)
            wd.plain(para, item.title)
            wd.text_cell(level, [item.level])
            wd.plain(
                wd.cell_paragraph(got, first=True),
                _yes_no(report, item.acquired),
                bold=item.acquired,
            )
            wd.text_cell(comment, [item.comment])
    para = document.add_paragraph()
    para.paragraph_format.space_before = wd.Pt(8)
    wd.plain(para, report.summary, bold=True)
    document.add_heading(t("export.report.signed", lang), level=2)
    if report.signed:
        tbl = wd.table(document, SIGN_WIDTHS)
        wd.header_row(
            tbl,
            SIGN_WIDTHS,
            [
                t("export.signoff.role", lang),
                t("export.signoff.by", lang),
                t("export.signoff.time", lang),
                t("export.signoff.signature", lang),
            ],
        )
        for row in report.signed:
            for cell, text in zip(wd.add_row(tbl, SIGN_WIDTHS, whole=True), row, strict=True):
                wd.text_cell(cell, [text])
    else:
        document.add_paragraph(t("export.report.not_signed", lang))
    return wd.save(document)


def render_md(report: Report) -> str:
    lang = report.lang
    lines = [f"# {md.escape(report.title)} {report.plan_id}", ""]
    lines += md.table([f.label for f in report.fields], [[md.cell(f.value) for f in report.fields]])
    lines += [
        "",
        f"**{md.escape(t('export.form.occupation', lang))}:** {md.escape(report.occupation)}\\",
        md.escape(report.period),
        "",
        md.block(report.basis),
    ]
    for heading, items in (
        (t("export.report.job", lang), report.job),
        (t("export.report.personal", lang), report.personal),
    ):
        lines += ["", f"## {md.escape(heading)}", ""]
        lines += md.table(
            _headers(report),
            [
                [
                    f"**{x.id}** {md.cell(x.title)}",
                    md.cell(x.level),
                    md.cell(_yes_no(report, x.acquired)),
                    md.cell(x.comment),
                ]
                for x in items
            ],
        )
    lines += [
        "",
        f"**{md.escape(report.summary)}**",
        "",
        f"## {md.escape(t('export.report.signed', lang))}",
        "",
    ]
    if report.signed:
        lines += md.table(
            [
                t("export.signoff.role", lang),
                t("export.signoff.by", lang),
                t("export.signoff.time", lang),
                t("export.signoff.signature", lang),
            ],
            [[md.cell(x) for x in row] for row in report.signed],
        )
    else:
        lines.append(md.escape(t("export.report.not_signed", lang)))
    lines += ["", "---", "", f"*{md.escape(report.footer)}*", ""]
    return "\n".join(lines)


__all__ = ["Report", "build", "latest_evaluation", "render_docx", "render_md"]
