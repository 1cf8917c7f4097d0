"""The plan as Markdown (GitHub-flavoured tables): the same content as the .docx.

All text, catalog and user alike, is escaped so it renders literally: Markdown
punctuation gets a backslash, pipes cannot end a cell, newlines in a cell become
<br>, and control characters are shown as escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from core.export.model import (
    NOTE_COLUMNS,
    RATING_COLUMNS,
    SIGNOFF_COLUMNS,
    PlanDocument,
)
from core.i18n import fmt_date
from core.planview import CompetencyView, RowView
from core.projections import Status
from core.safe import visible

_INLINE = re.compile(r"([\\`*_\[\]<>|~&#])")
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def escape(text: str) -> str:
    """Inline text that renders as itself."""
    return _INLINE.sub(r"\\\1", visible(text, multiline=True))


def cell(*paragraphs: str) -> str:
    """A table cell's content: paragraphs separated by an empty line, newlines as <br>."""
    parts = [escape(p).replace("\r", "").replace("\n", "<br>") for p in paragraphs if p]
    return "<br><br>".join(parts)


def block(text: str) -> str:
    """A paragraph outside tables: also keep a leading '1.' or '-' from starting a list."""
    lines = []
    for line in escape(text).split("\n"):
        line = _LINE_START.sub(
            lambda m: (
                f"{m.group(1)}{m.group(2)}\\{m.group(3)}"
                if m.group(2)
                else f"{m.group(4)}\\{m.group(5)}"
            ),
            line,
        )
        lines.append(line)
    return "\\\n".join(lines)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table; cells must already be rendered with `cell`."""
    out = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        out.append("| " + " | ".join(row) + " |")
    return out


def _actions_cell(doc: PlanDocument, row: RowView) -> str:
    parts = []
    for action in row.actions:
        text = cell(action.text)
        if action.status is Status.NA:
            text = f"~~{text}~~"
        parts.append(f"{text}<br>*{cell(doc.marks[action.id])}*")
    return "<br><br>".join(parts)


def _competency(lines: list[str], doc: PlanDocument, comp: CompetencyView) -> None:
    lab = doc.labels
    lines += ["", f"#### {comp.id} {escape(comp.title)}", ""]
    rows = []
    for row in comp.rows:
        skills = f"*{cell(lab['own_row'])}*" if row.own else cell(*row.skills)
        rows.append(
            [
                skills,
                _actions_cell(doc, row),
                fmt_date(row.due) if row.due else "",
                fmt_date(row.done_on) if row.done_on else "",
            ]
        )
    lines += table(
        [lab["form.skills"], lab["form.actions"], lab["form.due"], lab["form.done"]], rows
    )


def render(doc: PlanDocument) -> str:
    """The Markdown text of a plan document."""
    lab = doc.labels
    lines = [f"# {escape(lab['title'])} {doc.plan_id}", ""]
    lines += table([f.label for f in doc.fields], [[cell(f.value) for f in doc.fields]])
    lines += [
        "",
        f"**{escape(lab['form.occupation'])}:** {escape(doc.title)}\\",
        f"**{escape(lab['form.duration'])}:** {doc.weeks} {escape(lab['form.weeks'])}\\",
        f"*{escape(doc.status_line)}*",
    ]
    for text in doc.description:
        lines += ["", block(text)]

    lines += ["", f"## {escape(lab['form.toc'])}", ""]
    lines += [f"- **{c.id}** {escape(c.title)}" for c in doc.competencies]

    lines += ["", f"## {escape(lab['form.planned'])}", "", f"### {escape(lab['form.job'])}"]
    for comp in doc.competencies:
        _competency(lines, doc, comp)

    lines += ["", f"### {escape(lab['form.personal'])}", ""]
    lines += table(
        [lab["form.competency"], lab["form.description"]],
        [[f"**{p.id}** {cell(p.name)}", cell(*p.description)] for p in doc.personal],
    )

    lines += ["", f"## {escape(lab['notes'])}", ""]
    if doc.notes:
        lines += table(
            lab.headings(NOTE_COLUMNS),
            [[cell(value) for value in n.cells] for n in doc.notes],
        )
    else:
        lines.append(escape(lab["notes.none"]))

    lines += ["", f"## {escape(lab['evaluations'])}"]
    if not doc.evaluations:
        lines += ["", escape(lab["evaluations.none"])]
    for evaluation in doc.evaluations:
        lines += [
            "",
            f"### {escape(evaluation.title)}",
            "",
            f"**{escape(lab['evaluation.participants'])}:** "
            f"{escape(', '.join(evaluation.participants))}\\",
            f"**{escape(lab['evaluation.recorded'])}:** "
            f"{escape(evaluation.actor)}, {escape(evaluation.time)}",
            "",
        ]
        lines += table(
            lab.headings(RATING_COLUMNS),
            [
                [f"**{r.competency}** {cell(r.title)}", cell(r.level), cell(r.comment)]
                for r in evaluation.ratings
            ],
        )
        if evaluation.remark:
            lines += ["", f"**{escape(lab['evaluation.remark'])}:** {block(evaluation.remark)}"]

    lines += ["", f"## {escape(lab['signoffs'])}", ""]
    if doc.signoffs:
        lines += table(
            lab.headings(SIGNOFF_COLUMNS),
            [[cell(value) for value in s.cells] for s in doc.signoffs],
        )
    else:
        lines.append(escape(lab["signoffs.none"]))

    lines += ["", "---", "", f"*{escape(doc.footer)}*", ""]
    return "\n".join(lines)


__all__ = ["block", "cell", "escape", "render", "table"]
