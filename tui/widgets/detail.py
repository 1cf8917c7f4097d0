"""The detail pane beside the plan tree: everything about the selected node.

`describe` is a pure function of the plan's view (core/planview.py), the node id and the
plan's history, so what the pane says can be tested without running the app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from core.erasure import erased_text
from core.history import HistoryEntry
from core.i18n import fmt_date, fmt_time, language, register, t
from core.planview import (
    ActionView,
    CompetencyView,
    EvaluationView,
    NodeView,
    PersonalView,
    PlanView,
    RatingView,
    RowView,
    SignOffView,
)
from core.projections import STATUS_SYMBOL
from core.signoffs import BAD, GOOD, UNKNOWN, Verdict
from tui.widgets.plan_tree import EVALUATIONS, JOB, PERSONAL
from tui.widgets.text import STATUS_STYLE, action_word, change_text, one_line, visible

HISTORY_LINES = 12
"""The pane shows this many of a node's latest changes; `h` shows them all."""

Part = str | tuple[str, str] | Content


SIGNATURE_STYLE = {GOOD: "", BAD: "bold $error", UNKNOWN: "bold $warning"}
"""The word says it all; a colour only adds weight to what needs attention."""


def _lines(*lines: Content) -> Content:
    return Content("\n").join(lines)


def heading(text: str) -> Content:
    return Content.styled(text, "bold $accent")


def field(label: str, value: str | Content, style: str = "") -> Content:
    shown = value if isinstance(value, Content) else Content.styled(visible(value), style)
    return Content.assemble((f"{label}: ", "$text-muted"), shown)


def paragraph(text: str) -> Content:
    return Content(visible(text))


def describe(
    view: PlanView,
    node_id: str,
    entries: Sequence[HistoryEntry] | None,
    verdicts: Mapping[int, Verdict] | None = None,
) -> Content:
    """What the detail pane shows for `node_id` of the plan (a branch id, a node id or the plan).

    `entries` is the store's history, or None while it is still being read;
    `verdicts` the signature verdict of each sign-off (core.signoffs), by seq; a signed
    one missing from it is still being checked.
    """
    verdicts = verdicts or {}
    if node_id == view.id:
        body = _plan(view, verdicts)
    elif node_id == JOB:
        body = _job(view)
    elif node_id == PERSONAL:
        body = _personal_branch(view)
    elif node_id == EVALUATIONS:
        body = _evaluation_branch(view)
    else:
        node = view.node(node_id)
        if node is None:
            return Content(t("ui.detail.gone", node=node_id))
        body = _node(view, node, verdicts)
        node_id = node.id
    parts = [body]
    if node_id not in (JOB, PERSONAL, EVALUATIONS):
        own = None if entries is None else [e for e in entries if e.concerns(view.id, node_id)]
        parts.append(_notes(view.notes_on(node_id)))
        parts.append(_history(own))
    return Content("\n\n").join(p for p in parts if p)


def _node(view: PlanView, node: NodeView, verdicts: Mapping[int, Verdict]) -> Content:
    if isinstance(node, ActionView):
        return _action(view, node)
    if isinstance(node, RowView):
        return _row(node)
    if isinstance(node, CompetencyView):
        return _competency(node)
    if isinstance(node, PersonalView):
        return _personal(node)
    return _evaluation(node, verdicts)


def _plan(view: PlanView, verdicts: Mapping[int, Verdict]) -> Content:
    s = view.summary
    if view.erased is not None:
        state = f"✗ {erased_text(view)}"
    elif view.closed:
        state = t(
            "ui.detail.closed",
            outcome=t(f"outcome.{view.closed.outcome}"),
            on=fmt_date(view.closed.on),
        )
    elif view.status == "behind":
        state = f"▼ {t('ui.label.behind')}"
    else:
        state = f"✔ {t('ui.label.on_track')}"
    lines = [
        heading(t("ui.detail.plan", plan=view.id)),
        field(t("ui.label.trainee"), view.trainee),
        field(t("ui.label.contract"), view.contract or "-"),
        field(t("ui.label.company"), view.company or "-"),
        field(t("ui.label.contact"), view.contact or "-"),
        field(t("ui.label.occupation"), view.title),
        field(
            t("ui.detail.period"),
            t(
                "ui.detail.period_value",
                start=fmt_date(view.start),
                end=fmt_date(view.end),
                weeks=view.weeks,
            ),
        ),
        field(t("ui.detail.week"), f"{s.week}/{s.weeks}"),
        field(
            t("ui.detail.progress"),
            t(
                "ui.detail.progress_value",
                done=s.done,
                total=s.total,
                percent=round(s.percent),
                expected=round(s.expected),
            ),
        ),
        field(t("ui.detail.state"), state),
        field(t("ui.label.overdue"), str(s.overdue)),
        field(t("ui.label.next_due"), fmt_date(s.next_due)),
    ]
    if view.closed and view.closed.reason:
        lines.append(field(t("ui.detail.reason"), view.closed.reason))
    lines.append(
        field(t("ui.detail.created"), f"{view.created.actor}, {fmt_time(view.created.time)}")
    )
    parts = [_lines(*lines)]
    parts.append(_signoffs(view.plan_signoffs, verdicts, heading_key="ui.detail.signoffs_plan"))
    return Content("\n\n").join(p for p in parts if p)


def _signoffs(
    signoffs: Sequence[SignOffView], verdicts: Mapping[int, Verdict], *, heading_key: str
) -> Content:
    if not signoffs:
        return Content.assemble(
            heading(t(heading_key)), "\n", (t("ui.detail.not_signed"), "$text-muted")
        )
    lines = [heading(t(heading_key))]
    for s in signoffs:
        note = t(f"ui.detail.signoff_{s.status}")
        lines.append(
            Content.assemble(
                f"✔ {t(f'role.{s.role}')} ",
                visible(s.actor),
                f", {fmt_time(s.time)} · {t('ui.detail.version', seq=s.covers_seq)} · ",
                (note, "" if s.current else "bold $warning"),
            )
        )
        verdict = verdicts.get(s.seq)
        if verdict is not None:
            style = SIGNATURE_STYLE.get(verdict.status, "")
            lines.append(Content.styled(f"  {visible(verdict.text())}", style))
        elif s.signature:
            lines.append(Content.styled(f"  {t('ui.detail.signature_checking')}", "$text-muted"))
        if s.remark:
            lines.append(Content.styled(f"  {visible(s.remark)}", "$text-muted"))
    return _lines(*lines)


def _job(view: PlanView) -> Content:
    lines = [heading(t("ui.tree.job"))]
    for comp in view.competencies:
        c = comp.progress
        lines.append(Content(f"{comp.id}  {c.done}/{c.total}  {one_line(comp.title)}"))
    return _lines(*lines)


def _personal_branch(view: PlanView) -> Content:
    lines = [heading(t("ui.tree.personal"))]
    lines.extend(Content(f"{p.id}  {one_line(p.name)}") for p in view.personal)
    return _lines(*lines)


def _evaluation_branch(view: PlanView) -> Content:
    lines = [heading(t("ui.tree.evaluations"))]
    if not view.evaluations:
        lines.append(Content.styled(t("ui.detail.no_evaluations"), "$text-muted"))
    for e in view.evaluations:
        lines.append(
            Content(f"{e.id}  {fmt_date(e.on)}  {t('ui.tree.ratings', count=len(e.ratings))}")
        )
    return _lines(*lines)


def _action(view: PlanView, action: ActionView) -> Content:
    status = action.status
    row = view.node(action.row)
    comp = view.node(row.competency) if isinstance(row, RowView) else None
    kind = t("ui.detail.own_action" if action.own else "ui.detail.action", node=action.id)
    lines = [heading(kind), paragraph(action.text), Content("")]
    lines.append(
        field(
            t("ui.detail.state"),
            f"{STATUS_SYMBOL[status]} {action_word(action, long=True)}",
            STATUS_STYLE[status],
        )
    )
    lines.append(field(t("ui.detail.due"), fmt_date(action.due)))
    lines.append(field(t("ui.detail.done_on"), fmt_date(action.done_on)))
    if action.dropped is not None:
        lines.append(field(t("ui.detail.na_reason"), action.dropped))
    if isinstance(comp, CompetencyView):
        lines.append(field(t("ui.detail.competency"), f"{comp.id} {one_line(comp.title)}"))
    if isinstance(row, RowView) and row.skills:
        lines.append(field(t("ui.detail.row"), f"{row.id} {one_line(row.skills[0])}"))
    if action.last is not None:
        lines.append(
            field(t("ui.detail.last_change"), f"{action.last.actor}, {fmt_time(action.last.time)}")
        )
    return _lines(*lines)


def _row(row: RowView) -> Content:
    c = row.progress
    lines = [heading(t("ui.detail.row_title", node=row.id))]
    if row.skills:
        lines.append(Content.styled(t("ui.detail.skills"), "$text-muted"))
        lines.extend(Content.assemble("• ", visible(skill)) for skill in row.skills)
    lines.append(Content(""))
    lines.append(field(t("ui.detail.row_due"), fmt_date(row.due)))
    lines.append(field(t("ui.detail.row_done"), fmt_date(row.done_on)))
    lines.append(Content(""))
    lines.append(Content.styled(t("ui.detail.actions", done=c.done, total=c.total), "$text-muted"))
    for action in row.actions:
        status = action.status
        lines.append(
            Content.assemble(
                (
                    f"{STATUS_SYMBOL[status]} {action.id} {action_word(action)}",
                    STATUS_STYLE[status],
                ),
                f"  {one_line(action.text)}",
            )
        )
    return _lines(*lines)


def _competency(comp: CompetencyView) -> Content:
    c = comp.progress
    lines = [
        heading(t("ui.detail.competency_title", node=comp.id)),
        paragraph(comp.title),
        Content(""),
        field(
            t("ui.detail.progress"),
            t("ui.detail.progress_short", done=c.done, total=c.total, percent=round(c.percent)),
        ),
    ]
    for row in comp.rows:
        rc = row.progress
        skills = row.skills[0] if row.skills else t("ui.tree.own_row")
        lines.append(Content(f"  {row.id}  {rc.done}/{rc.total}  {one_line(skills)}"))
    return Content("\n\n").join(x for x in (_lines(*lines), _ratings(comp.ratings)) if x)


def _personal(pers: PersonalView) -> Content:
    lines = [
        heading(t("ui.detail.personal_title", node=pers.id)),
        Content.styled(visible(pers.name), "bold"),
        paragraph(pers.description),
    ]
    return Content("\n\n").join(x for x in (_lines(*lines), _ratings(pers.ratings)) if x)


def _ratings(ratings: Sequence[RatingView]) -> Content:
    if not ratings:
        return Content("")
    lines = [heading(t("ui.detail.ratings"))]
    for rating in ratings:
        lines.append(
            Content(f"{rating.evaluation} {fmt_date(rating.on)}: {rating.word(language())}")
        )
        if rating.comment:
            lines.append(Content.styled(f"  {visible(rating.comment)}", "$text-muted"))
    return _lines(*lines)


def _evaluation(evaluation: EvaluationView, verdicts: Mapping[int, Verdict]) -> Content:
    lines = [
        heading(t("ui.detail.evaluation_title", node=evaluation.id)),
        field(t("ui.detail.date"), fmt_date(evaluation.on)),
        field(t("ui.detail.participants"), ", ".join(evaluation.participants)),
        field(t("ui.detail.recorded"), f"{evaluation.actor}, {fmt_time(evaluation.time)}"),
    ]
    if evaluation.remark:
        lines.append(field(t("ui.detail.remark"), evaluation.remark))
    lines.append(Content(""))
    lines.append(heading(t("ui.detail.ratings")))
    for rating in evaluation.ratings:
        lines.append(
            Content.assemble(
                (f"{rating.competency} ", "bold"),
                (rating.word(language()), "bold"),
                f"  {one_line(rating.title)}",
            )
        )
        if rating.comment:
            lines.append(Content.styled(f"  {visible(rating.comment)}", "$text-muted"))
    return Content("\n\n").join(
        (
            _lines(*lines),
            _signoffs(evaluation.signoffs, verdicts, heading_key="ui.detail.signoffs_evaluation"),
        )
    )


def _notes(notes: Sequence) -> Content:
    if not notes:
        return Content("")
    lines = [heading(t("ui.detail.notes", count=len(notes)))]
    for note in notes:
        lines.append(
            Content.styled(f"{visible(note.actor)} · {fmt_time(note.time)}", "$text-muted")
        )
        lines.append(paragraph(note.text))
    return _lines(*lines)


def _history(entries: Sequence[HistoryEntry] | None) -> Content:
    if entries is None:
        return Content.styled(t("ui.detail.history_loading"), "$text-muted")
    if not entries:
        return Content("")
    shown = list(reversed(entries))[:HISTORY_LINES]
    lines = [heading(t("ui.detail.history", count=len(entries)))]
    for entry in shown:
        lines.append(
            Content.assemble(
                (f"{fmt_time(entry.time)} ", "$text-muted"),
                (visible(entry.actor), "bold"),
                " ",
                visible(entry.describe()),
            )
        )
        change = " → ".join(change_text(entry.kind, x) for x in (entry.before, entry.after) if x)
        if change and entry.kind != "action.added":
            lines.append(Content.styled(f"  {visible(change)}", "$text-muted"))
        if entry.detail:
            lines.append(Content.styled(f"  “{one_line(entry.detail)}”", "$text-muted"))
    if len(entries) > HISTORY_LINES:
        lines.append(
            Content.styled(
                t("ui.detail.more_history", count=len(entries) - HISTORY_LINES), "$text-muted"
            )
        )
    return _lines(*lines)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrolls the description of the node the screen tells it to show."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def compose(self):  # type: ignore[override]
        yield Static(id="detail-text")

    def show(self, content: Content, *, same_node: bool) -> None:
        """Show a description; a new node starts at the top, a refresh keeps the scroll."""
        self.query_one("#detail-text", Static).update(content)
        if not same_node:
            self.scroll_home(animate=False)


register(
    {
        "ui.detail.gone": ("{node} is not part of this plan.", "{node} hoort niet bij dit plan."),
        "ui.detail.plan": ("Plan {plan}", "Plan {plan}"),
        "ui.detail.period": ("Period", "Periode"),
        "ui.detail.period_value": (
            "{start} – {end} ({weeks} weeks)",
            "{start} – {end} ({weeks} weken)",
        ),
        "ui.detail.week": ("Week", "Week"),
        "ui.detail.progress": ("Progress", "Voortgang"),
        "ui.detail.progress_value": (
            "{done}/{total} actions done ({percent}%; by now {expected}% expected)",
            "{done}/{total} acties afgewerkt ({percent}%; nu {expected}% verwacht)",
        ),
        "ui.detail.progress_short": (
            "{done}/{total} actions done ({percent}%)",
            "{done}/{total} acties afgewerkt ({percent}%)",
        ),
        "ui.detail.state": ("State", "Toestand"),
        "ui.detail.closed": ("■ closed: {outcome} on {on}", "■ afgesloten: {outcome} op {on}"),
        "ui.detail.reason": ("Reason", "Reden"),
        "ui.detail.created": ("Created", "Aangemaakt"),
        "ui.detail.signoffs_plan": ("Signed off", "Afgetekend"),
        "ui.detail.signoffs_evaluation": ("Signed off", "Afgetekend"),
        "ui.detail.not_signed": (
            "Nobody has signed off yet (key s).",
            "Nog door niemand afgetekend (toets s).",
        ),
        "ui.detail.version": ("version {seq}", "versie {seq}"),
        "ui.detail.signature_checking": (
            "checking the signature…",
            "de handtekening wordt gecontroleerd…",
        ),
        "ui.detail.signoff_current": ("still current", "nog actueel"),
        "ui.detail.signoff_outdated": ("changed since", "sindsdien gewijzigd"),
        "ui.detail.signoff_mismatch": (
            "does not match the record it names",
            "klopt niet met het record dat het noemt",
        ),
        "ui.detail.no_evaluations": (
            "No evaluations yet; press e to record one.",
            "Nog geen evaluaties; druk op e om er een vast te leggen.",
        ),
        "ui.detail.action": ("Training action {node}", "Opleidingsactie {node}"),
        "ui.detail.own_action": ("Own training action {node}", "Eigen opleidingsactie {node}"),
        "ui.detail.due": ("Planned end", "Voorziene einddatum"),
        "ui.detail.done_on": ("Completed on", "Afgewerkt op"),
        "ui.detail.na_reason": ("Not applicable", "Niet van toepassing"),
        "ui.detail.competency": ("Competency", "Competentie"),
        "ui.detail.row": ("Row", "Rij"),
        "ui.detail.last_change": ("Last change", "Laatste wijziging"),
        "ui.detail.row_title": ("Row {node}", "Rij {node}"),
        "ui.detail.skills": (
            "Underlying knowledge and skills",
            "Onderliggende kennis en vaardigheden",
        ),
        "ui.detail.row_due": ("Planned end", "Voorziene einddatum"),
        "ui.detail.row_done": ("Completed on", "Afgewerkt op"),
        "ui.detail.actions": (
            "Training actions ({done}/{total} done)",
            "Opleidingsacties ({done}/{total} afgewerkt)",
        ),
        "ui.detail.competency_title": (
            "Job competency {node}",
            "Jobgerelateerde competentie {node}",
        ),
        "ui.detail.personal_title": (
            "Personal competency {node}",
            "Persoonsgebonden competentie {node}",
        ),
        "ui.detail.ratings": ("Evaluations", "Evaluaties"),
        "ui.detail.evaluation_title": ("Evaluation {node}", "Evaluatie {node}"),
        "ui.detail.date": ("Date", "Datum"),
        "ui.detail.participants": ("Participants", "Deelnemers"),
        "ui.detail.recorded": ("Recorded", "Vastgelegd"),
        "ui.detail.remark": ("Remark", "Opmerking"),
        "ui.detail.notes": ("Notes ({count})", "Notities ({count})"),
        "ui.detail.history": ("History ({count})", "Historiek ({count})"),
        "ui.detail.history_loading": ("Reading the history…", "De historiek wordt gelezen…"),
        "ui.detail.more_history": (
            "… {count} earlier changes: press h for the whole history.",
            "… {count} eerdere wijzigingen: druk op h voor de volledige historiek.",
        ),
    }
)
