"""The plan as a document: its PlanView (core/planview.py) with every word in the chosen
language, the neutral model that the .docx and Markdown writers both render.

Catalog text is carried verbatim (Dutch); labels follow `lang`. Strings that are
plan data (names, dates, own actions, notes) are kept apart from the form's own
words so a writer can mark them as filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core import planview, signoffs
from core.i18n import fmt_date, register, t
from core.planview import (
    ActionView,
    CompetencyView,
    EvaluationView,
    NoteView,
    PlanView,
    SignOffView,
    level_word,
)
from core.projections import (
    STATUS_SYMBOL,
    PlanState,
    Status,
    StoreState,
    latest_evaluation,
)

register(
    {
        # The form's own words (Dutch) and their English translations.
        "export.form.trainee": ("Trainee", "Cursist(e)"),
        "export.form.contract": ("Contract number", "Contractnummer"),
        "export.form.company": ("Company", "Bedrijf"),
        "export.form.contact": ("Contact person", "Contactpersoon"),
        "export.form.occupation": ("Occupation", "Beroep"),
        "export.form.duration": ("Indicative duration", "Indicatieve duurtijd"),
        "export.form.weeks": ("weeks", "weken"),
        "export.form.toc": (
            "1. The competencies: table of contents",
            "1. De competenties: Inhoudstafel",
        ),
        "export.form.planned": ("2. Planned training actions", "2. Geplande opleidingsacties"),
        "export.form.job": (
            "A. Job-related competencies: basics",
            "A. Jobgerelateerde competenties: basis",
        ),
        "export.form.skills": (
            "Underlying knowledge and skills",
            "Onderliggende kennis en vaardigheden",
        ),
        "export.form.actions": ("Training actions", "Opleidingsacties"),
        "export.form.due": ("Planned end date", "Voorziene einddatum"),
        "export.form.done": ("Completed on", "Afgewerkt op"),
        "export.form.personal": ("B. Personal competencies", "B. Persoonsgebonden competenties"),
        "export.form.competency": ("Competency", "Competentie"),
        "export.form.description": ("Description", "Omschrijving"),
        # What leerpad adds after the form.
        "export.title": ("Training plan", "Opleidingsplan"),
        "export.status_line": (
            "Start {start} · week {week} of {weeks} · {done} of {total} training actions "
            "done ({percent} %)",
            "Start {start} · week {week} van {weeks} · {done} van {total} opleidingsacties "
            "afgewerkt ({percent} %)",
        ),
        "export.status_overdue": ("{count} overdue", "{count} te laat"),
        "export.status_closed": ("closed: {outcome} on {on}", "afgesloten: {outcome} op {on}"),
        "export.own_action": ("(own action)", "(eigen actie)"),
        "export.own_row": ("(own row)", "(eigen rij)"),
        "export.na": ("(n/a: {reason})", "(n.v.t.: {reason})"),
        "export.action.open": ("not planned yet", "nog niet gepland"),
        "export.action.planned": ("planned {due}", "gepland {due}"),
        "export.action.overdue": ("overdue: planned {due}", "te laat: gepland {due}"),
        "export.action.done": ("done {on}", "afgewerkt {on}"),
        "export.notes": ("3. Notes", "3. Notities"),
        "export.notes.none": ("No notes.", "Geen notities."),
        "export.notes.target": ("On", "Bij"),
        "export.notes.by": ("By", "Door"),
        "export.notes.time": ("Time", "Tijdstip"),
        "export.notes.text": ("Note", "Notitie"),
        "export.notes.plan": ("the plan", "het plan"),
        "export.evaluations": ("4. Evaluations", "4. Evaluaties"),
        "export.evaluations.none": ("No evaluations.", "Geen evaluaties."),
        "export.evaluation.title": ("Evaluation {id} of {on}", "Evaluatie {id} van {on}"),
        "export.evaluation.participants": ("Participants", "Deelnemers"),
        "export.evaluation.recorded": ("Recorded by", "Vastgelegd door"),
        "export.evaluation.level": ("Rating", "Beoordeling"),
        "export.evaluation.comment": ("Comment", "Commentaar"),
        "export.evaluation.remark": ("Remark", "Opmerking"),
        "export.signoffs": ("5. Sign-offs", "5. Aftekeningen"),
        "export.signoffs.none": ("No sign-offs.", "Geen aftekeningen."),
        "export.signoff.role": ("Role", "Rol"),
        "export.signoff.by": ("By", "Door"),
        "export.signoff.time": ("Time", "Tijdstip"),
        "export.signoff.subject": ("Covers", "Betreft"),
        "export.signoff.state": ("Still current?", "Nog actueel?"),
        "export.signoff.remark": ("Remark", "Opmerking"),
        "export.signoff.signature": ("Signature", "Handtekening"),
        "export.signoff.plan": ("plan, version {seq}", "plan, versie {seq}"),
        "export.signoff.evaluation": ("evaluation {id}", "evaluatie {id}"),
        "export.signoff.current": ("yes", "ja"),
        "export.signoff.outdated": (
            "no: the plan changed after version {seq}",
            "nee: het plan is gewijzigd na versie {seq}",
        ),
        "export.signoff.mismatch": (
            "no: it does not match record {seq}, which it names",
            "nee: het klopt niet met record {seq}, dat het noemt",
        ),
        "export.footer": (
            "Plan {plan}, version {version} · log up to record {seq}, sha256 {hash} · "
            "exported {today}",
            "Plan {plan}, versie {version} · logboek t/m record {seq}, sha256 {hash} · "
            "geëxporteerd op {today}",
        ),
        "export.page": ("page", "pagina"),
        "export.page_of": ("of", "van"),
    }
)


def local_time(value: datetime) -> str:
    """A record's UTC time in the local time zone, to the minute (dd/mm/yyyy hh:mm)."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True, slots=True)
class Field:
    """A header field of the form: its label and the value the plan filled in."""

    key: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PersonalItem:
    id: str
    name: str
    description: list[str]


@dataclass(frozen=True, slots=True)
class NoteItem:
    seq: int
    target: str
    """The node id the note hangs on, or the translated word for the plan."""
    actor: str
    time: str
    text: str

    @property
    def cells(self) -> tuple[str, str, str, str]:
        """The note's row in the notes table, in the order of NOTE_COLUMNS."""
        return (self.target, self.actor, self.time, self.text)


@dataclass(frozen=True, slots=True)
class RatingItem:
    competency: str
    title: str
    level: str
    """The level's label in the document's language (its key when the scale lacks it)."""
    acquired: bool
    comment: str


@dataclass(frozen=True, slots=True)
class EvaluationItem:
    id: str
    title: str
    on: date
    participants: list[str]
    actor: str
    time: str
    ratings: list[RatingItem]
    remark: str


@dataclass(frozen=True, slots=True)
class SignOffItem:
    role: str
    actor: str
    time: str
    subject: str
    state: str
    current: bool
    remark: str
    signature: str = ""
    """The signature's verdict in words (core.signoffs), as `leerpad verify` says it."""

    @property
    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        """The sign-off's row in the sign-offs table, in the order of SIGNOFF_COLUMNS."""
        return (
            self.role,
            self.actor,
            self.time,
            self.subject,
            self.state,
            self.signature,
            self.remark,
        )


# The columns of the document's tables (keys of Labels), the same in .docx and Markdown.
NOTE_COLUMNS = ("notes.target", "notes.by", "notes.time", "notes.text")
RATING_COLUMNS = ("form.competency", "evaluation.level", "evaluation.comment")
SIGNOFF_COLUMNS = (
    "signoff.role",
    "signoff.by",
    "signoff.time",
    "signoff.subject",
    "signoff.state",
    "signoff.signature",
    "signoff.remark",
)


@dataclass(frozen=True, slots=True)
class Labels:
    """The document's fixed words in its language: labels["form.skills"]."""

    lang: str

    def __getitem__(self, key: str) -> str:
        return t(f"export.{key}", self.lang)

    def headings(self, keys: tuple[str, ...]) -> list[str]:
        """A table's header row: the labels of its columns."""
        return [self[key] for key in keys]


def labels(lang: str) -> Labels:
    return Labels(lang)


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """Everything a plan document shows, in reading order."""

    labels: Labels
    plan_id: str
    title: str
    """The occupation (Beroep)."""
    fields: list[Field]
    weeks: int
    status_line: str
    description: list[str]
    competencies: tuple[CompetencyView, ...]
    marks: dict[str, str]
    """Each action's status line, by action id (`mark`)."""
    personal: list[PersonalItem]
    notes: list[NoteItem]
    evaluations: list[EvaluationItem]
    signoffs: list[SignOffItem]
    footer: str
    seq: int
    hash: str
    today: date


def paragraphs(text: str) -> list[str]:
    """Catalog text split where it has blank lines (the form's paragraph breaks)."""
    return [p.strip() for p in text.split("\n\n") if p.strip()] or [text]


def header_fields(plan: PlanState | PlanView, lang: str) -> list[Field]:
    return [
        Field(key, t(f"export.form.{key}", lang), getattr(plan, key))
        for key in ("trainee", "contract", "company", "contact")
    ]


def footer(state: StoreState, view: PlanView, lang: str) -> str:
    return t(
        "export.footer",
        lang,
        plan=view.id,
        version=view.version,
        seq=state.seq,
        hash=state.hash,
        today=fmt_date(view.today),
    )


def mark(action: ActionView, lang: str) -> str:
    """The status line under an action: id, own marker, symbol, status word and date."""
    status = action.status
    parts = [action.id]
    if action.own:
        parts.append(t("export.own_action", lang))
    if status is Status.NA:
        word = t("export.na", lang, reason=action.dropped)
    elif status is Status.DONE:
        word = t("export.action.done", lang, on=fmt_date(action.done_on))
    elif status is Status.OPEN:
        word = t("export.action.open", lang)
    else:
        word = t(f"export.action.{status.value}", lang, due=fmt_date(action.due))
    parts.append(f"{STATUS_SYMBOL[status]} {word}")
    return " · ".join(parts)


def status_line(view: PlanView, lang: str) -> str:
    summary = view.summary
    line = t(
        "export.status_line",
        lang,
        start=fmt_date(view.start),
        week=summary.week,
        weeks=view.weeks,
        done=summary.done,
        total=summary.total,
        percent=round(summary.percent),
    )
    if summary.overdue:
        line += " · " + t("export.status_overdue", lang, count=summary.overdue)
    if view.closed is not None:
        outcome = t(f"outcome.{view.closed.outcome}", lang)
        line += " · " + t(
            "export.status_closed", lang, outcome=outcome, on=fmt_date(view.closed.on)
        )
        if view.closed.reason:
            line += f" ({view.closed.reason})"
    return line


def level_label(plan: PlanState, key: str, lang: str) -> str:
    """A level of the plan's scale in `lang` (its key when the scale lacks it)."""
    return level_word(plan.level(key), key, lang)


def evaluation_item(view: PlanView, evaluation: EvaluationView, lang: str) -> EvaluationItem:
    return EvaluationItem(
        id=evaluation.id,
        title=t("export.evaluation.title", lang, id=evaluation.id, on=fmt_date(evaluation.on)),
        on=evaluation.on,
        participants=list(evaluation.participants),
        actor=evaluation.actor,
        time=local_time(evaluation.time),
        ratings=[
            RatingItem(
                competency=r.competency,
                title=r.title,
                level=r.word(lang),
                acquired=r.acquired,
                comment=r.comment,
            )
            for r in view.in_form_order(evaluation.ratings)
        ],
        remark=evaluation.remark,
    )


def signoff_items(
    plan: PlanState, lang: str, verdicts: dict[int, signoffs.Verdict] | None = None
) -> list[SignOffItem]:
    """The sign-offs of `plan` as the document lists them (`verdicts`: by seq, if checked)."""
    return [signoff_item(planview.signoff_view(plan, s), lang, verdicts) for s in plan.signoffs]


def signoff_item(
    signoff: SignOffView, lang: str, verdicts: dict[int, signoffs.Verdict] | None
) -> SignOffItem:
    if signoff.subject == "plan":
        subject = t("export.signoff.plan", lang, seq=signoff.covers_seq)
    else:
        subject = t("export.signoff.evaluation", lang, id=signoff.subject)
    return SignOffItem(
        role=t(f"role.{signoff.role}", lang),
        actor=signoff.actor,
        time=local_time(signoff.time),
        subject=subject,
        state=t(f"export.signoff.{signoff.status}", lang, seq=signoff.covers_seq),
        current=signoff.current,
        remark=signoff.remark,
        signature=verdicts[signoff.seq].text(lang) if verdicts else "",
    )


def note_item(view: PlanView, note: NoteView, lang: str) -> NoteItem:
    return NoteItem(
        seq=note.seq,
        target=t("export.notes.plan", lang) if note.target == view.id else note.target,
        actor=note.actor,
        time=local_time(note.time),
        text=note.text,
    )


def build(state: StoreState, plan: PlanState, *, lang: str, today: date) -> PlanDocument:
    """The document for `plan` as `state` has it, with statuses as of `today`."""
    return document(
        state, planview.build(plan, today), lang=lang, verdicts=signoffs.verdicts(state, plan)
    )


def document(
    state: StoreState, view: PlanView, *, lang: str, verdicts: dict[int, signoffs.Verdict]
) -> PlanDocument:
    """The document of a plan's view; `verdicts` are its sign-offs' signature verdicts."""
    return PlanDocument(
        labels=labels(lang),
        plan_id=view.id,
        title=view.title,
        fields=header_fields(view, lang),
        weeks=view.weeks,
        status_line=status_line(view, lang),
        description=paragraphs(view.description),
        competencies=view.competencies,
        marks={a.id: mark(a, lang) for a in view.actions()},
        personal=[PersonalItem(p.id, p.name, paragraphs(p.description)) for p in view.personal],
        notes=[note_item(view, n, lang) for n in view.notes],
        evaluations=[evaluation_item(view, e, lang) for e in view.evaluations],
        signoffs=[signoff_item(s, lang, verdicts) for s in view.signoffs],
        footer=footer(state, view, lang),
        seq=state.seq,
        hash=state.hash,
        today=view.today,
    )


__all__ = [
    "PlanDocument",
    "build",
    "document",
    "labels",
    "latest_evaluation",
    "level_label",
    "local_time",
]
