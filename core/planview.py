"""One plan as every reader shows it: the facts of a PlanState decided once, for one today.

`plan show` (text and JSON), the plan screen's detail pane and the exports render a
PlanView; none of them walks the PlanState or decides a status of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core import events as ev
from core.projections import (
    SIGNOFF_CURRENT,
    ActionState,
    Counts,
    Erasure,
    PlanState,
    PlanSummary,
    SignOff,
    Status,
    Touch,
    acquired,
    counts,
    latest_evaluation,
    latest_ratings,
    plan_end,
    plan_has_deadlines,
    plan_status,
    signoff_status,
    summarize,
)


def level_word(spec: ev.LevelSpec | None, key: str, lang: str) -> str:
    """A level of a scale in `lang` (its key when the scale lacks it)."""
    if spec is None:
        return key
    return spec.nl if lang == "nl" else spec.en


@dataclass(frozen=True, slots=True)
class NoteView:
    seq: int
    actor: str
    time: datetime
    target: str
    """The id of the node it hangs on (the plan's id for a note on the plan)."""
    text: str


@dataclass(frozen=True, slots=True)
class ActionView:
    id: str
    text: str
    own: bool
    status: Status
    due: date | None
    done_on: date | None
    dropped: str | None
    """The reason it was marked not applicable, or None."""
    last: Touch | None
    row: str


@dataclass(frozen=True, slots=True)
class RowView:
    id: str
    own: bool
    skills: tuple[str, ...]
    actions: tuple[ActionView, ...]
    due: date | None
    """The form's Voorziene einddatum (RowState.due)."""
    done_on: date | None
    """The form's Afgewerkt op (RowState.done_on)."""
    progress: Counts
    overdue: int
    """How many of its actions are overdue (none in a plan without deadlines)."""
    competency: str


@dataclass(frozen=True, slots=True)
class RatingView:
    evaluation: str
    on: date
    """The evaluation's date."""
    competency: str
    title: str
    """The competency's title (a personal one's name); "" when the plan has no such node."""
    level: str
    """The level's key in the plan's scale."""
    spec: ev.LevelSpec | None
    comment: str

    @property
    def acquired(self) -> bool:
        return bool(self.spec and self.spec.acquired)

    def word(self, lang: str) -> str:
        return level_word(self.spec, self.level, lang)


@dataclass(frozen=True, slots=True)
class CompetencyView:
    id: str
    title: str
    rows: tuple[RowView, ...]
    progress: Counts
    latest: RatingView | None
    """Its rating: the most recent one given to it, from whichever evaluation rated it
    last (projections.latest_ratings); its `evaluation` and `on` say which."""
    ratings: tuple[RatingView, ...]
    """Its ratings in every evaluation, in the order they were recorded."""


@dataclass(frozen=True, slots=True)
class PersonalView:
    id: str
    name: str
    description: str
    latest: RatingView | None
    ratings: tuple[RatingView, ...]


@dataclass(frozen=True, slots=True)
class SignOffView:
    role: str
    subject: str
    """"plan" or an evaluation id."""
    covers_seq: int
    covers_hash: str
    remark: str
    seq: int
    actor: str
    time: datetime
    status: str
    """current, outdated or mismatch: projections.signoff_status, the one place deciding it."""
    signature: str

    @property
    def current(self) -> bool:
        return self.status == SIGNOFF_CURRENT


@dataclass(frozen=True, slots=True)
class EvaluationView:
    id: str
    on: date
    participants: tuple[str, ...]
    ratings: tuple[RatingView, ...]
    """As recorded."""
    remark: str
    seq: int
    hash: str
    actor: str
    time: datetime
    signoffs: tuple[SignOffView, ...]


@dataclass(frozen=True, slots=True)
class ClosureView:
    outcome: str
    on: date
    reason: str
    seq: int
    actor: str
    time: datetime


NodeView = ActionView | RowView | CompetencyView | PersonalView | EvaluationView


@dataclass(frozen=True, slots=True)
class PlanView:
    """Everything shown about one plan, with statuses as of `today`."""

    id: str
    today: date
    trainee: str
    """"[erased]" (in the language at the time of erasure) once the plan was erased."""
    contract: str
    company: str
    contact: str
    start: date
    end: date
    weeks: int
    occupation: str
    occupation_version: int
    title: str
    description: str
    scale: tuple[ev.LevelSpec, ...]
    created: Touch
    last: Touch
    version: int
    version_hash: str
    summary: PlanSummary
    status: str
    """plan_status(summary)."""
    closed: ClosureView | None
    erased: Erasure | None
    competencies: tuple[CompetencyView, ...]
    personal: tuple[PersonalView, ...]
    evaluations: tuple[EvaluationView, ...]
    latest: EvaluationView | None
    """The most recent evaluation by its date (projections.latest_evaluation)."""
    signoffs: tuple[SignOffView, ...]
    """Every sign-off, of the plan and of its evaluations, in the order they were made."""
    notes: tuple[NoteView, ...]
    """Every note, in the order they were added."""
    deadlines: bool
    """Whether its planned dates are still deadlines (projections.has_deadlines): a closed
    or erased plan has nothing overdue."""
    acquired: dict[str, bool]
    """Per competency ever rated: whether its rating (`latest`) counts as acquired."""
    nodes: dict[str, NodeView] = field(repr=False)
    notes_by_target: dict[str, tuple[NoteView, ...]] = field(repr=False)

    def node(self, node_id: str) -> NodeView | None:
        return self.nodes.get(node_id.upper())

    def notes_on(self, target: str) -> tuple[NoteView, ...]:
        return self.notes_by_target.get(target, ())

    @property
    def plan_signoffs(self) -> tuple[SignOffView, ...]:
        return tuple(s for s in self.signoffs if s.subject == "plan")

    def actions(self) -> list[ActionView]:
        return [a for comp in self.competencies for row in comp.rows for a in row.actions]

    def in_form_order(self, ratings: tuple[RatingView, ...]) -> list[RatingView]:
        """`ratings` in the order of the form: A competencies, then B (unknown ones last)."""
        ids = [c.id for c in self.competencies] + [p.id for p in self.personal]
        order = {node_id: i for i, node_id in enumerate(ids)}
        return sorted(ratings, key=lambda r: order.get(r.competency, len(order)))


def action_view(action: ActionState, row: str, status: Status) -> ActionView:
    return ActionView(
        id=action.id,
        text=action.text,
        own=action.own,
        status=status,
        due=action.due,
        done_on=action.done_on,
        dropped=action.dropped,
        last=action.last,
        row=row,
    )


def signoff_view(plan: PlanState, signoff: SignOff) -> SignOffView:
    return SignOffView(
        role=signoff.role,
        subject=signoff.subject,
        covers_seq=signoff.covers_seq,
        covers_hash=signoff.covers_hash,
        remark=signoff.remark,
        seq=signoff.seq,
        actor=signoff.actor,
        time=signoff.time,
        status=signoff_status(plan, signoff),
        signature=signoff.signature,
    )


def build(plan: PlanState, today: date) -> PlanView:
    """The view of `plan` as it is now, with statuses as of `today`: one walk of the state."""
    titles = {c.id: c.title for c in plan.competencies} | {p.id: p.name for p in plan.personal}
    form = {node_id: i for i, node_id in enumerate(titles)}
    signoffs = tuple(signoff_view(plan, s) for s in plan.signoffs)
    evaluations = tuple(
        EvaluationView(
            id=e.id,
            on=e.on,
            participants=tuple(e.participants),
            ratings=tuple(
                RatingView(
                    e.id,
                    e.on,
                    r.competency,
                    titles.get(r.competency, ""),
                    r.level,
                    plan.level(r.level),
                    r.comment,
                )
                for r in e.ratings
            ),
            remark=e.remark,
            seq=e.seq,
            hash=e.hash,
            actor=e.actor,
            time=e.time,
            signoffs=tuple(s for s in signoffs if s.subject == e.id),
        )
        for e in plan.evaluations
    )
    ratings: dict[str, list[RatingView]] = {}
    for evaluation in evaluations:
        for rating in evaluation.ratings:
            ratings.setdefault(rating.competency, []).append(rating)
    newest = latest_evaluation(plan)
    last = next((e for e in evaluations if newest is not None and e.id == newest.id), None)
    rated = {(r.evaluation, r.competency): r for e in evaluations for r in e.ratings}
    latest = {c: rated[(e.id, c)] for c, (e, _rating) in latest_ratings(plan).items()}

    deadlines = plan_has_deadlines(plan)
    nodes: dict[str, NodeView] = {}
    competencies = []
    for comp in plan.competencies:
        rows = []
        for row in comp.rows:
            actions = tuple(
                action_view(a, row.id, a.status(today, deadlines=deadlines)) for a in row.actions
            )
            nodes.update((a.id, a) for a in actions)
            rows.append(
                RowView(
                    id=row.id,
                    own=row.own,
                    skills=tuple(row.skills),
                    actions=actions,
                    due=row.due,
                    done_on=row.done_on,
                    progress=counts(row.actions),
                    overdue=sum(1 for a in actions if a.status is Status.OVERDUE),
                    competency=comp.id,
                )
            )
            nodes[row.id] = rows[-1]
        competencies.append(
            CompetencyView(
                id=comp.id,
                title=comp.title,
                rows=tuple(rows),
                progress=counts(comp.actions()),
                latest=latest.get(comp.id),
                ratings=tuple(ratings.get(comp.id, ())),
            )
        )
        nodes[comp.id] = competencies[-1]
    personal = tuple(
        PersonalView(p.id, p.name, p.description, latest.get(p.id), tuple(ratings.get(p.id, ())))
        for p in plan.personal
    )
    nodes.update((p.id, p) for p in personal)
    nodes.update((e.id, e) for e in evaluations)

    notes = tuple(NoteView(n.seq, n.actor, n.time, n.target, n.text) for n in plan.notes)
    by_target: dict[str, list[NoteView]] = {}
    for note in notes:
        by_target.setdefault(note.target, []).append(note)
    closed = plan.closed
    summary = summarize(plan, today)
    return PlanView(
        id=plan.id,
        today=today,
        trainee=plan.trainee,
        contract=plan.contract,
        company=plan.company,
        contact=plan.contact,
        start=plan.start,
        end=plan_end(plan),
        weeks=plan.weeks,
        occupation=plan.occupation,
        occupation_version=plan.occupation_version,
        title=plan.title,
        description=plan.description,
        scale=tuple(plan.scale),
        created=plan.created,
        last=plan.last,
        version=plan.version,
        version_hash=plan.version_hash,
        summary=summary,
        status=plan_status(summary),
        closed=None
        if closed is None
        else ClosureView(
            closed.outcome, closed.on, closed.reason, closed.seq, closed.actor, closed.time
        ),
        erased=plan.erased,
        competencies=tuple(competencies),
        personal=personal,
        evaluations=evaluations,
        latest=last,
        signoffs=signoffs,
        notes=notes,
        deadlines=deadlines,
        # In the form's order (titles has it), whatever order the evaluations rated them in.
        acquired=dict(sorted(acquired(plan).items(), key=lambda kv: form.get(kv[0], len(form)))),
        nodes=nodes,
        notes_by_target={target: tuple(found) for target, found in by_target.items()},
    )


class ViewCache:
    """The view of the plan last asked for, built again only when the plan changed (every
    change moves `plan.last`) or today moved: a screen re-renders it on every cursor move."""

    def __init__(self) -> None:
        self._plan: PlanState | None = None
        self._key: tuple[int, date] | None = None
        self._view: PlanView | None = None

    def get(self, plan: PlanState, today: date) -> PlanView:
        key = (plan.last.seq, today)
        if self._view is None or self._plan is not plan or self._key != key:
            self._plan, self._key, self._view = plan, key, build(plan, today)
        return self._view
