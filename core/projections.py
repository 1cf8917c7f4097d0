"""Projections: folds of the record stream into plan state, progress and audit history.

`apply` mutates a private `StoreState` in place, one record at a time; every
other function here is a pure read of that state. "Today" is always a
parameter: nothing in this module looks at the clock.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import msgspec
from msgspec import field

from core import events as ev
from core.events import Record
from core.i18n import register, t

register(
    {
        "plan.erased_text": ("[erased]", "[gewist]"),
        "hist.plan.erased": (
            "erased the plan's personal data",
            "persoonsgegevens van het plan gewist",
        ),
    }
)

BEHIND_MARGIN = 10.0
"""Percentage points under the timeline from which a plan counts as behind."""


class Status(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    OVERDUE = "overdue"
    DONE = "done"
    NA = "na"


STATUS_SYMBOL = {
    Status.OPEN: "○",
    Status.PLANNED: "◔",
    Status.OVERDUE: "!",
    Status.DONE: "✔",
    Status.NA: "–",
}


# The plan's tree and what hangs off it are gc=False: trees, never cycles, and millions of
# objects at 1M records, each spared the collector's header.


class Touch(msgspec.Struct, gc=False):
    """Who changed something last, and when (for conflict messages and the detail pane)."""

    seq: int
    actor: str
    time: datetime


class ActionState(msgspec.Struct, gc=False):
    id: str
    text: str
    own: bool = False
    due: date | None = None
    done_on: date | None = None
    dropped: str | None = None
    """The reason it was marked not applicable, or None."""
    last: Touch | None = None

    def status(self, today: date, *, deadlines: bool = True) -> Status:
        """Its status as of `today`. Without `deadlines` (its plan has none left, see
        `has_deadlines`) a planned date that has passed is still only planned."""
        if self.dropped is not None:
            return Status.NA
        if self.done_on is not None:
            return Status.DONE
        if self.due is None:
            return Status.OPEN
        return Status.OVERDUE if deadlines and self.due < today else Status.PLANNED


class RowState(msgspec.Struct, gc=False):
    id: str
    skills: list[str]
    actions: list[ActionState]
    own: bool = False

    def applicable(self) -> list[ActionState]:
        return [a for a in self.actions if a.dropped is None]

    @property
    def due(self) -> date | None:
        """The form's Voorziene einddatum: the latest planned date of its actions."""
        dates = [a.due for a in self.applicable() if a.due is not None]
        return max(dates) if dates else None

    @property
    def done_on(self) -> date | None:
        """The form's Afgewerkt op: set once every applicable action is done."""
        actions = self.applicable()
        if not actions or any(a.done_on is None for a in actions):
            return None
        return max(a.done_on for a in actions if a.done_on is not None)


class CompetencyState(msgspec.Struct, gc=False):
    id: str
    title: str
    rows: list[RowState]

    def actions(self) -> Iterable[ActionState]:
        for row in self.rows:
            yield from row.actions


class PersonalState(msgspec.Struct, gc=False):
    id: str
    name: str
    description: str


class Note(msgspec.Struct, gc=False):
    seq: int
    actor: str
    time: datetime
    target: str
    text: str


class Evaluation(msgspec.Struct, gc=False):
    id: str
    on: date
    participants: list[str]
    ratings: list[ev.Rating]
    remark: str
    seq: int
    actor: str
    time: datetime
    hash: str = ""


class SignOff(msgspec.Struct, gc=False):
    role: str
    subject: str
    covers_seq: int
    covers_hash: str
    remark: str
    seq: int
    actor: str
    time: datetime
    mismatch: bool = False
    """Its `covers_seq`/`covers_hash` do not name the state its subject had when it was
    recorded: it was not written by leerpad's sign-off command (see `signoff_status`)."""
    signature: str = ""
    """The SSHSIG (armored) over the sign-off's message; "" when signed without a key."""
    signed_at: datetime | None = None


class Closure(msgspec.Struct, gc=False):
    outcome: str
    on: date
    reason: str
    seq: int
    actor: str
    time: datetime


class Erasure(msgspec.Struct, gc=False):
    """The plan's key was destroyed: its personal texts show as erased from then on."""

    reason: str
    seq: int
    actor: str
    time: datetime


Node = ActionState | RowState | CompetencyState | PersonalState | Evaluation


class PlanState(msgspec.Struct):
    id: str
    trainee: str
    contract: str
    company: str
    contact: str
    start: date
    weeks: int
    occupation: str
    occupation_version: int
    title: str
    description: str
    scale: list[ev.LevelSpec]
    competencies: list[CompetencyState]
    personal: list[PersonalState]
    created: Touch
    last: Touch
    version: int
    """Seq of the plan's latest change other than a sign-off: what a sign-off covers."""
    version_hash: str
    nodes: dict[str, Node] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    signoffs: list[SignOff] = field(default_factory=list)
    closed: Closure | None = None
    erased: Erasure | None = None

    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id.upper())

    def action(self, action_id: str) -> ActionState | None:
        node = self.node(action_id)
        return node if isinstance(node, ActionState) else None

    def actions(self) -> Iterable[ActionState]:
        for comp in self.competencies:
            yield from comp.actions()

    def row_of(self, action_id: str) -> RowState | None:
        row = self.nodes.get(action_id.rsplit(".", 1)[0])
        return row if isinstance(row, RowState) else None

    def notes_on(self, target: str) -> list[Note]:
        return [n for n in self.notes if n.target == target]

    def evaluation(self, evaluation_id: str) -> Evaluation | None:
        node = self.node(evaluation_id)
        return node if isinstance(node, Evaluation) else None

    def level(self, key: str) -> ev.LevelSpec | None:
        return next((lv for lv in self.scale if lv.key == key), None)


class RoleGrant(msgspec.Struct):
    """One role of one user: the plans it covers, or every plan."""

    plans: set[str] = field(default_factory=set)
    all_plans: bool = False


class AccessState(msgspec.Struct):
    """Who has which role, from the access.* events (the rules are in core/access.py)."""

    users: dict[str, dict[str, RoleGrant]] = field(default_factory=dict)
    """login -> role -> grant."""
    seq: int = 0
    """The last access change; 0 = none ever: single-team mode, everyone may do everything."""


class CopyOrigin(msgspec.Struct, gc=False):
    """The log a store was copied or upgraded from: its `store.copied` record's names."""

    source: str
    records: int
    last_hash: str
    time: datetime
    """When the copy (or upgrade) was made."""


class StoreState(msgspec.Struct):
    """Everything the log says, folded: the private state projections mutate.

    Plain msgspec Structs all the way down, so the read model (core/readmodel.py)
    can store and load it directly; only `PlanState.nodes` is rebuilt on load.
    """

    plans: dict[str, PlanState] = field(default_factory=dict)
    seq: int = 0
    hash: str = ""
    unknown: int = 0
    """Records of event types this version does not know (kept, not interpreted)."""
    access: AccessState = field(default_factory=AccessState)
    log_id: str = ""
    """The id of the log these records come from (its header): what signatures name."""
    copied_upto: int = 0
    """The last record copied from another log (`store.copied`, by a copy or an upgrade):
    signatures up to it name that log's id and hashes, not this one's."""
    copied_from: CopyOrigin | None = None
    """That other log, as the first record names it."""

    def plan(self, plan_id: str) -> PlanState | None:
        return self.plans.get(plan_id.upper())


# --- the fold ----------------------------------------------------------------------------

T = TypeVar("T")

_SHARED: dict[Any, Any] = {}
"""Equal immutable values folded from many records (dates, a catalog's skill lists and
scale) as one object, as `sys.intern` does for strings: a large store repeats a few
thousand dates hundreds of thousands of times, and every plan of an occupation the
catalog's lists. A list found here is shared by many plans: replaced, never changed in
place (as the read model's plans share their template's, core/readmodel.py)."""


def _share(value: T) -> T:
    return _SHARED.setdefault(value, value)  # type: ignore[no-any-return]


def _shared_list(items: Iterable[Any]) -> list[Any]:
    key = tuple(items)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = [sys.intern(v) if type(v) is str else v for v in key]
    return found  # type: ignore[no-any-return]


def apply(state: StoreState, record: Record, record_hash: str) -> None:
    """Fold one record into `state`."""
    event = record.event
    handler = _HANDLERS.get(type(event))
    if handler is not None:
        # One Touch a record, shared by the plan and the node it changed: replay
        # creates no other object for most records. Interned: a large store
        # repeats the same few logins hundreds of thousands of times.
        touch = Touch(record.seq, sys.intern(record.actor), record.time)
        plan = handler(state, event, touch)
        if plan is not None:
            plan.last = touch
            if handler is not _signed:
                plan.version = touch.seq
                plan.version_hash = record_hash
                if handler is _evaluation:
                    plan.evaluations[-1].hash = record_hash
    state.seq = record.seq
    state.hash = record_hash


def apply_unknown(state: StoreState, seq: int, record_id: str, record_hash: str) -> None:
    """Account for a record this version cannot interpret, keeping seq and chain."""
    state.unknown += 1
    state.seq = seq
    state.hash = record_hash


def index_nodes(plan: PlanState) -> None:
    """Fill `plan.nodes` from its tree (after creating it or loading it from the read model)."""
    nodes = plan.nodes
    nodes.clear()
    for comp in plan.competencies:
        nodes[comp.id] = comp
        for row in comp.rows:
            nodes[row.id] = row
            for action in row.actions:
                nodes[action.id] = action
    for pers in plan.personal:
        nodes[pers.id] = pers
    for evaluation in plan.evaluations:
        nodes[evaluation.id] = evaluation


def _created(state: StoreState, e: ev.PlanCreated, touch: Touch) -> PlanState:
    s = e.structure
    # Every plan of an occupation repeats the catalog's text: share one copy of each string.
    share = sys.intern
    competencies = [
        CompetencyState(
            share(c.id),
            share(c.title),
            [
                RowState(
                    share(r.id),
                    _shared_list(r.skills),
                    [ActionState(share(a.id), share(a.text)) for a in r.actions],
                )
                for r in c.rows
            ],
        )
        for c in s.job
    ]
    personal = [PersonalState(share(p.id), share(p.name), share(p.description)) for p in s.personal]
    plan = PlanState(
        id=e.plan,
        trainee=e.trainee,
        contract=e.contract,
        company=e.company,
        contact=e.contact,
        start=_share(e.start),
        weeks=e.weeks,
        occupation=s.occupation,
        occupation_version=s.occupation_version,
        title=s.title,
        description=share(s.description),
        scale=_shared_list(s.scale),
        competencies=competencies,
        personal=personal,
        created=touch,
        last=touch,
        version=touch.seq,
        version_hash="",
    )
    index_nodes(plan)
    state.plans[e.plan] = plan
    return plan


def _edited(state: StoreState, e: ev.PlanDetailsEdited, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    for name in ("trainee", "contract", "company", "contact", "start", "weeks"):
        value = getattr(e, name)
        if value is not None:
            setattr(plan, name, _share(value) if name == "start" else value)
    return plan


def _on_action(change: Callable[[ActionState, Any], None]) -> Handler:
    """The handler of an action.* event: `change` the action it names, marked as changed by it."""

    def handler(state: StoreState, e: Any, touch: Touch) -> PlanState:
        plan = state.plans[e.plan]
        action = plan.nodes[e.action]
        if type(action) is not ActionState:
            raise TypeError(f"{e.action} is not an action")
        action.last = touch
        change(action, e)
        return plan

    return handler


def _planned(action: ActionState, e: ev.ActionPlanned) -> None:
    action.due = None if e.due is None else _share(e.due)


def _completed(action: ActionState, e: ev.ActionCompleted) -> None:
    action.done_on = _share(e.on)


def _reopened(action: ActionState, e: ev.ActionReopened) -> None:
    action.done_on = None


def _dropped(action: ActionState, e: ev.ActionDropped) -> None:
    action.dropped = e.reason


def _restored(action: ActionState, e: ev.ActionRestored) -> None:
    action.dropped = None


def _added(state: StoreState, e: ev.ActionAdded, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    row = plan.nodes.get(e.row)
    if row is None:
        comp = plan.nodes[e.row.rsplit(".", 1)[0]]
        assert isinstance(comp, CompetencyState)
        row = RowState(e.row, [], [], own=True)
        comp.rows.append(row)
        plan.nodes[e.row] = row
    assert isinstance(row, RowState)
    action = ActionState(e.action, e.text, own=True, last=touch)
    row.actions.append(action)
    plan.nodes[e.action] = action
    return plan


def _note(state: StoreState, e: ev.NoteAdded, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    plan.notes.append(Note(touch.seq, touch.actor, touch.time, sys.intern(e.target), e.text))
    return plan


def _evaluation(state: StoreState, e: ev.EvaluationRecorded, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    # The decoded ratings are not kept: their competency and level repeat across every
    # evaluation, and the participants across a plan's evaluations. A participant still
    # sealed (folded without its plan's key, as the benchmark's peer does) is kept as is.
    share = sys.intern
    evaluation = Evaluation(
        e.evaluation,
        _share(e.on),
        [share(p) if type(p) is str else p for p in e.participants],
        [_rating(r) for r in e.ratings],
        e.remark,
        touch.seq,
        touch.actor,
        touch.time,
    )
    plan.evaluations.append(evaluation)
    plan.nodes[e.evaluation] = evaluation
    return plan


def _rating(r: ev.Rating) -> ev.Rating:
    # Without a comment, one shared object; a comment is a personal text, never kept here.
    if not r.comment:
        return _share(r)
    return ev.Rating(sys.intern(r.competency), sys.intern(r.level), r.comment)


def _signed(state: StoreState, e: ev.SignedOff, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    # A sign-off is recorded against its subject as it is at that moment (the command
    # re-decides under the lock), so that state's record is the one it must name.
    covered: tuple[int, str] | None = (plan.version, plan.version_hash)
    if e.subject != "plan":
        evaluation = plan.evaluation(e.subject)
        covered = (evaluation.seq, evaluation.hash) if evaluation is not None else None
    mismatch = covered != (e.covers_seq, e.covers_hash)
    # What it covers is already held (its subject's seq and hash): kept once.
    covers = (e.covers_seq, e.covers_hash) if mismatch or covered is None else covered
    plan.signoffs.append(
        SignOff(
            sys.intern(e.role),
            sys.intern(e.subject),
            covers[0],
            covers[1],
            e.remark,
            touch.seq,
            touch.actor,
            touch.time,
            mismatch=mismatch,
            signature=e.signature,
            signed_at=e.signed_at,
        )
    )
    return plan


def _closed(state: StoreState, e: ev.PlanClosed, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    plan.closed = Closure(
        sys.intern(e.outcome), _share(e.on), e.reason, touch.seq, touch.actor, touch.time
    )
    return plan


def _plan_reopened(state: StoreState, e: ev.PlanReopened, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    plan.closed = None
    return plan


def _erased(state: StoreState, e: ev.PlanErased, touch: Touch) -> PlanState:
    plan = state.plans[e.plan]
    plan.erased = Erasure(e.reason, touch.seq, touch.actor, touch.time)
    # Whatever was opened before the key went (in this process, or a key a crash left).
    marker = t("plan.erased_text")
    personal_texts(plan, lambda _text: marker)
    return plan


def _copied(state: StoreState, e: ev.StoreCopied, touch: Touch) -> None:
    if touch.seq == 1:
        state.copied_upto = 1 + e.records
        state.copied_from = CopyOrigin(e.source, e.records, e.last_hash, touch.time)


def personal_texts(plan: PlanState, change: Callable[[str], str]) -> None:
    """Replace every non-empty personal text of `plan` by `change(text)`, in place.

    The state's side of core/privacy.py's PERSONAL: the fields a cache seals and
    an erasure clears.
    """
    for name in ("trainee", "contract", "contact"):
        value = getattr(plan, name)
        if value:
            setattr(plan, name, change(value))
    for action in plan.actions():
        if action.own and action.text:
            action.text = change(action.text)
        if action.dropped:
            action.dropped = change(action.dropped)
    for note in plan.notes:
        if note.text:
            note.text = change(note.text)
    for evaluation in plan.evaluations:
        evaluation.participants = [change(p) if p else p for p in evaluation.participants]
        evaluation.ratings = [
            msgspec.structs.replace(r, comment=change(r.comment)) if r.comment else r  # type: ignore[arg-type]
            for r in evaluation.ratings
        ]
        if evaluation.remark:
            evaluation.remark = change(evaluation.remark)
    for signoff in plan.signoffs:
        if signoff.remark:
            signoff.remark = change(signoff.remark)
    if plan.closed is not None and plan.closed.reason:
        plan.closed.reason = change(plan.closed.reason)


def _access_granted(state: StoreState, e: ev.AccessGranted, touch: Touch) -> None:
    grant = state.access.users.setdefault(e.login, {}).setdefault(e.role, RoleGrant())
    if e.all_plans:
        grant.all_plans = True
        grant.plans.clear()
    elif not grant.all_plans:
        grant.plans.update(e.plans)
    state.access.seq = touch.seq


def _access_revoked(state: StoreState, e: ev.AccessRevoked, touch: Touch) -> None:
    roles = state.access.users.get(e.login, {})
    grant = roles.get(e.role)
    if grant is not None:
        if e.all_plans or e.plans:
            grant.all_plans = grant.all_plans and not e.all_plans
            grant.plans.difference_update(e.plans)
        else:
            del roles[e.role]
    if not roles:
        state.access.users.pop(e.login, None)
    state.access.seq = touch.seq


Handler = Callable[[StoreState, Any, Touch], "PlanState | None"]
"""Folds one event (with who made it and when) and returns the plan it changed, if any."""

_HANDLERS: dict[type, Handler] = {
    ev.PlanCreated: _created,
    ev.PlanDetailsEdited: _edited,
    ev.ActionPlanned: _on_action(_planned),
    ev.ActionCompleted: _on_action(_completed),
    ev.ActionReopened: _on_action(_reopened),
    ev.ActionDropped: _on_action(_dropped),
    ev.ActionRestored: _on_action(_restored),
    ev.ActionAdded: _added,
    ev.NoteAdded: _note,
    ev.EvaluationRecorded: _evaluation,
    ev.SignedOff: _signed,
    ev.PlanClosed: _closed,
    ev.PlanReopened: _plan_reopened,
    ev.PlanErased: _erased,
    ev.StoreCopied: _copied,
    ev.AccessGranted: _access_granted,
    ev.AccessRevoked: _access_revoked,
}


# --- progress ------------------------------------------------------------------------------


class Counts(msgspec.Struct, frozen=True):
    done: int
    total: int
    """Applicable actions (not-applicable ones do not count)."""

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0


def counts(actions: Iterable[ActionState]) -> Counts:
    done = total = 0
    for action in actions:
        if action.dropped is None:
            total += 1
            if action.done_on is not None:
                done += 1
    return Counts(done, total)


class Period(Protocol):
    """A plan's span: a PlanState, or anything else that knows its start and length."""

    @property
    def start(self) -> date: ...

    @property
    def weeks(self) -> int: ...


def week_of(plan: Period, today: date) -> int:
    """The plan week `today` falls in: 0 before the start, capped at the plan's length."""
    if today < plan.start:
        return 0
    return min(plan.weeks, (today - plan.start).days // 7 + 1)


def plan_end(plan: PlanState) -> date:
    """The plan's last day: the end of its last week."""
    return plan.start + timedelta(days=plan.weeks * 7 - 1)


def expected_percent(plan: Period, today: date) -> float:
    """Where the plan should be if actions were spread evenly over its weeks."""
    days = plan.weeks * 7
    elapsed = (today - plan.start).days
    return max(0.0, min(100.0, 100.0 * elapsed / days)) if days else 100.0


class PlanSummary(msgspec.Struct, frozen=True):
    """One plan at a glance: what the dashboard and `plan list` show."""

    id: str
    trainee: str
    company: str
    occupation: str
    title: str
    start: date
    weeks: int
    week: int
    done: int
    total: int
    percent: float
    expected: float
    behind: bool
    overdue: int
    next_due: date | None
    closed: str | None
    """The outcome when the plan is closed."""
    last_seq: int
    erased: Erasure | None = None
    """When and by whom its personal texts were erased (its trainee reads as erased then)."""


def plan_status(summary: PlanSummary) -> str:
    """on-track, behind, completed, stopped or erased: the word for where a plan stands."""
    if summary.erased is not None:
        return "erased"
    if summary.closed:
        return summary.closed
    return "behind" if summary.behind else "on-track"


def has_deadlines(*, closed: bool, erased: bool) -> bool:
    """Whether a plan's planned dates are still deadlines: the one rule for "overdue".

    A closed or erased plan has none left: nothing in it is overdue or due next,
    while its planned dates still show as planned. Plain flags, so a summary kept
    without the plan (a read model's) decides it with this same function.
    """
    return not closed and not erased


def plan_has_deadlines(plan: PlanState) -> bool:
    return has_deadlines(closed=plan.closed is not None, erased=plan.erased is not None)


def action_status(plan: PlanState, action: ActionState, today: date) -> Status:
    """The status of one of `plan`'s actions as of `today` (see `has_deadlines`)."""
    return action.status(today, deadlines=plan_has_deadlines(plan))


class PlanDigest(msgspec.Struct, frozen=True, array_like=True):
    """What a plan's summary is computed from, whatever the day: the read model keeps one
    per plan (core/readmodel.py), so the list and the dashboard need not decode the plan."""

    id: str
    trainee: str
    company: str
    occupation: str
    title: str
    start: date
    weeks: int
    done: int
    total: int
    dues: list[date]
    """The planned dates of the applicable actions not done yet, sorted."""
    closed: str | None
    closed_on: date | None
    last_seq: int
    creator: str
    """Who created the plan (an editor may read what they created)."""
    erased: Erasure | None = None
    """When and by whom its personal texts were erased."""


def digest(plan: PlanState) -> PlanDigest:
    done = total = 0
    dues: list[date] = []
    for action in plan.actions():
        if action.dropped is None:
            total += 1
            if action.done_on is not None:
                done += 1
            elif action.due is not None:
                dues.append(action.due)
    dues.sort()
    closed = plan.closed
    return PlanDigest(
        id=plan.id,
        trainee=plan.trainee,
        company=plan.company,
        occupation=plan.occupation,
        title=plan.title,
        start=plan.start,
        weeks=plan.weeks,
        done=done,
        total=total,
        dues=dues,
        closed=closed.outcome if closed else None,
        closed_on=closed.on if closed else None,
        last_seq=plan.last.seq,
        creator=plan.created.actor,
        erased=plan.erased,
    )


def summarize(plan: PlanState, today: date) -> PlanSummary:
    return summarize_digest(digest(plan), today)


def summarize_digest(d: PlanDigest, today: date) -> PlanSummary:
    """The summary as of `today`: overdue and progress depend on the day, so they are
    computed here, never stored."""
    percent = Counts(d.done, d.total).percent
    deadlines = has_deadlines(closed=d.closed is not None, erased=d.erased is not None)
    # The dues are sorted: those before today are overdue, the next one is due next.
    overdue = bisect_left(d.dues, today) if deadlines else 0
    expected = expected_percent(d, today)
    closed = d.closed
    return PlanSummary(
        id=d.id,
        trainee=d.trainee,
        company=d.company,
        occupation=d.occupation,
        title=d.title,
        start=d.start,
        weeks=d.weeks,
        week=week_of(d, today),
        done=d.done,
        total=d.total,
        percent=percent,
        expected=expected,
        behind=closed is None and percent < expected - BEHIND_MARGIN,
        overdue=overdue,
        next_due=d.dues[overdue] if deadlines and overdue < len(d.dues) else None,
        closed=closed,
        last_seq=d.last_seq,
        erased=d.erased,
    )


def plan_digests(state: StoreState) -> list[PlanDigest]:
    """Every plan's digest; a read model's plans give theirs without decoding the plans."""
    stored = getattr(state.plans, "digests", None)
    if stored is not None:
        return stored()  # type: ignore[no-any-return]
    # A copy of the plans first: the UI reads while its command thread may fold a new plan.
    return [digest(plan) for plan in list(state.plans.values())]


def summaries(state: StoreState, today: date) -> list[PlanSummary]:
    return [summarize_digest(d, today) for d in plan_digests(state)]


def latest_evaluation(plan: PlanState) -> Evaluation | None:
    """The most recent evaluation by its date (then by when it was recorded)."""
    return max(plan.evaluations, key=lambda e: (e.on, e.seq)) if plan.evaluations else None


def latest_ratings(plan: PlanState) -> dict[str, tuple[Evaluation, ev.Rating]]:
    """Per competency, its rating: the most recent one given to it, with the evaluation
    that gave it. An evaluation may rate only some competencies, so a competency the
    latest evaluation skipped keeps its rating from an earlier one. "Most recent" is by
    the evaluation's date, then by when it was recorded, as `latest_evaluation`."""
    found: dict[str, tuple[Evaluation, ev.Rating]] = {}
    for evaluation in sorted(plan.evaluations, key=lambda e: (e.on, e.seq)):
        for rating in evaluation.ratings:
            found[rating.competency] = (evaluation, rating)
    return found


def acquired(plan: PlanState) -> dict[str, bool]:
    """Per competency ever rated: whether its rating (`latest_ratings`) counts as acquired."""
    result: dict[str, bool] = {}
    for competency, (_evaluation, rating) in latest_ratings(plan).items():
        level = plan.level(rating.level)
        result[competency] = bool(level and level.acquired)
    return result


SIGNOFF_CURRENT = "current"
SIGNOFF_OUTDATED = "outdated"
SIGNOFF_MISMATCH = "mismatch"


def signoff_status(plan: PlanState, signoff: SignOff) -> str:
    """current, outdated (the plan changed since), or mismatch (it names another record).

    The one place that decides it. An evaluation never changes once recorded, so
    its sign-off stays current; a plan sign-off goes stale on any later change.
    """
    if signoff.mismatch:
        return SIGNOFF_MISMATCH
    if signoff.subject != "plan" or plan.version <= signoff.covers_seq:
        return SIGNOFF_CURRENT
    return SIGNOFF_OUTDATED


class Covered(msgspec.Struct, frozen=True):
    """The version of its subject a sign-off made now would cover."""

    subject: str
    """"plan" or an evaluation id."""
    seq: int
    hash: str


def covered(plan: PlanState, subject: str) -> Covered | None:
    """What signing `subject` ("plan", the plan's id or an evaluation id) covers now; None
    when the plan has no such evaluation."""
    if subject.lower() == "plan" or subject.upper() == plan.id:
        return Covered("plan", plan.version, plan.version_hash)
    evaluation = plan.evaluation(subject)
    if evaluation is None:
        return None
    return Covered(evaluation.id, evaluation.seq, evaluation.hash)


def signed_already(plan: PlanState, version: Covered) -> dict[str, SignOff]:
    """Who signed exactly `version` already, by role (the first sign-off of each): the one
    place that decides it, for the sign-off command's refusal and the sign-off form."""
    found: dict[str, SignOff] = {}
    for signoff in plan.signoffs:
        if signoff.subject == version.subject and signoff.covers_seq == version.seq:
            found.setdefault(signoff.role, signoff)
    return found


def signoff_current(plan: PlanState, signoff: SignOff) -> bool:
    """True when the sign-off still covers what it names (see `signoff_status`)."""
    return signoff_status(plan, signoff) == SIGNOFF_CURRENT
