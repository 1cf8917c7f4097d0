"""User-facing text in English and Dutch, for the core's messages and anyone else's.

A message is a key with named parameters; it is rendered in a language only
when shown, so the same error reads right in the CLI, the UI and the tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime

LANGUAGES = ("en", "nl")
_language = "en"

_tables: dict[str, dict[str, str]] = {"en": {}, "nl": {}}
_keys_of: dict[str, dict[str, str]] = {}
"""Per language, text -> key (built when first asked for; see translations)."""


def register(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add messages: key -> (English, Dutch). Later registrations win."""
    for key, (en, nl) in messages.items():
        _tables["en"][key] = en
        _tables["nl"][key] = nl
    _keys_of.clear()


def translations(text: str, lang: str | None = None) -> list[str]:
    """The same message in the other languages, for a text shown in `lang` (default: the
    current one); empty when the text is no message of its own (a name, a filled-in one)."""
    lang = lang or _language
    keys = _keys_of.get(lang)
    if keys is None:
        keys = _keys_of[lang] = {text: key for key, text in _tables[lang].items()}
    key = keys.get(text)
    if key is None:
        return []
    return [_tables[other][key] for other in LANGUAGES if other != lang]


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    _language = lang


def language() -> str:
    return _language


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """Dutch for an nl_* locale, otherwise English (LC_ALL > LC_MESSAGES > LANG)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    if environ is None:
        import locale  # rarely reached: the variables above are almost always set

        loc = locale.getlocale()[0] or ""
        return "nl" if loc.lower().startswith("nl") else "en"
    return "en"


class Term(str):
    """A parameter that is itself a message key, rendered in the language of the message.

    Lets an error be raised once and shown later in either language, names and all.
    """

    __slots__ = ()


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message `key` in `lang` (default: the current language), parameters filled in."""
    lang = lang or _language
    table = _tables[lang]
    template = table.get(key) or _tables["en"].get(key)
    if template is None:
        return key
    if not params:
        return template
    filled = {k: t(v, lang) if isinstance(v, Term) else v for k, v in params.items()}
    return template.format(**filled)


def fmt_date(value: date | None, lang: str | None = None) -> str:
    """dd/mm/yyyy in both languages (the form's own style); '-' for no date."""
    if value is None:
        return "-"
    return value.strftime("%d/%m/%Y")


def fmt_short_date(value: date | None) -> str:
    return "-" if value is None else value.strftime("%d/%m")


def fmt_time(value: datetime) -> str:
    """A record's UTC time in the local time zone, to the minute."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


register(
    {
        # rejections
        "err.unknown_plan": ("There is no plan {plan}.", "Er is geen plan {plan}."),
        "err.unknown_node": (
            "Plan {plan} has no {node}.",
            "Plan {plan} heeft geen {node}.",
        ),
        "err.not_an_action": (
            "{node} is not a training action (use an id like A3.2.1).",
            "{node} is geen opleidingsactie (gebruik een id zoals A3.2.1).",
        ),
        "err.plan_closed": (
            "Plan {plan} is closed ({outcome} on {on}); reopen it first.",
            "Plan {plan} is afgesloten ({outcome} op {on}); heropen het eerst.",
        ),
        "err.plan_not_closed": ("Plan {plan} is not closed.", "Plan {plan} is niet afgesloten."),
        "err.empty": ("The {field} may not be empty.", "Het veld {field} mag niet leeg zijn."),
        "err.too_long": (
            "The {field} is too long (at most {limit} characters).",
            "Het veld {field} is te lang (hoogstens {limit} tekens).",
        ),
        "err.before_start": (
            "{date} is before the plan's start ({start}).",
            "{date} valt voor de start van het plan ({start}).",
        ),
        "err.in_future": (
            "{date} is in the future (today is {today}).",
            "{date} ligt in de toekomst (vandaag is {today}).",
        ),
        "err.weeks": (
            "The duration must be between {low} and {high} weeks, not {weeks}.",
            "De duurtijd moet tussen {low} en {high} weken liggen, niet {weeks}.",
        ),
        "err.already_done": (
            "{action} is already done: completed on {on} by {actor} at {at}.",
            "{action} is al afgewerkt: afgewerkt op {on} door {actor} om {at}.",
        ),
        "err.done_reopen_first": (
            "{action} is done (by {actor} at {at}); reopen it first.",
            "{action} is afgewerkt (door {actor} om {at}); heropen het eerst.",
        ),
        "err.not_done": (
            "{action} is not done, so it cannot be reopened.",
            "{action} is niet afgewerkt en kan dus niet heropend worden.",
        ),
        "err.dropped": (
            "{action} is marked not applicable (by {actor} at {at}); restore it first.",
            "{action} staat op niet van toepassing (door {actor} om {at}); herstel het eerst.",
        ),
        "err.not_dropped": (
            "{action} is not marked not applicable.",
            "{action} staat niet op niet van toepassing.",
        ),
        "err.same_due": (
            "{action} is already planned for {due}.",
            "{action} is al gepland op {due}.",
        ),
        "err.no_change": ("Nothing changed.", "Er is niets gewijzigd."),
        "err.start_after_done": (
            "The start cannot move to {start}: {action} was completed on {on}.",
            "De start kan niet naar {start}: {action} werd afgewerkt op {on}.",
        ),
        "err.add_under": (
            "An own action goes under a row (A3.2) or a job competency (A3), not {node}.",
            "Een eigen actie hoort bij een rij (A3.2) of een jobcompetentie (A3), niet bij {node}.",
        ),
        "err.unknown_level": (
            "{level} is not a level of this plan's scale ({levels}).",
            "{level} is geen niveau van de schaal van dit plan ({levels}).",
        ),
        "err.not_a_competency": (
            "{node} is not a competency (A1..A{job}, B1..B{personal}).",
            "{node} is geen competentie (A1..A{job}, B1..B{personal}).",
        ),
        "err.duplicate_rating": (
            "{node} is rated twice.",
            "{node} heeft twee beoordelingen.",
        ),
        "err.no_ratings": (
            "An evaluation needs at least one rating.",
            "Een evaluatie heeft minstens één beoordeling nodig.",
        ),
        "err.no_participants": (
            "Name at least one participant.",
            "Vermeld minstens één deelnemer.",
        ),
        "err.unknown_role": (
            "{role} is not a role: choose mentor, consultant or trainee.",
            "{role} is geen rol: kies mentor, consultant of trainee.",
        ),
        "err.unknown_evaluation": (
            "Plan {plan} has no evaluation {evaluation}.",
            "Plan {plan} heeft geen evaluatie {evaluation}.",
        ),
        "err.already_signed": (
            "The {role} already signed this version of {subject} ({actor} at {at}).",
            "De {role} tekende deze versie van {subject} al af ({actor} om {at}).",
        ),
        "err.signoff_changed": (
            "The plan changed while you were signing (it is now at change {seq}); "
            "check the new version and confirm again.",
            "Het plan veranderde terwijl je aftekende (het staat nu na wijziging {seq}); "
            "bekijk de nieuwe versie en bevestig opnieuw.",
        ),
        "err.unknown_outcome": (
            "{outcome} is not an outcome: choose completed or stopped.",
            "{outcome} is geen uitkomst: kies completed of stopped.",
        ),
        "err.date": (
            "{text!r} is not a date: use 2026-12-01 or 1/12/2026.",
            "{text!r} is geen datum: gebruik 2026-12-01 of 1/12/2026.",
        ),
        # store problems
        "store.read_only": (
            "The store is read-only: {reason}",
            "De opslag is alleen-lezen: {reason}",
        ),
        "store.corrupt": (
            "record {seq} at byte {offset} is damaged ({what}); run 'leerpad verify' for details.",
            "record {seq} op byte {offset} is beschadigd ({what}); "
            "voer 'leerpad verify' uit voor details.",
        ),
        "store.newer": (
            "it holds records written by a newer leerpad ({what}); upgrade leerpad to change it.",
            "ze bevat records van een nieuwere leerpad ({what}); "
            "werk leerpad bij om ze te wijzigen.",
        ),
        "store.no_write": (
            "you have no permission to write {path}.",
            "je hebt geen schrijfrechten op {path}.",
        ),
        "store.torn": (
            "An incomplete record at the end of the log (byte {offset}, {size} bytes, "
            "from an interrupted write) was moved aside to {side}.",
            "Een onvolledig record aan het einde van het logboek (byte {offset}, "
            "{size} bytes, van een onderbroken schrijfactie) is verplaatst naar {side}.",
        ),
        # field names
        "field.trainee": ("trainee", "cursist"),
        "field.contract": ("contract number", "contractnummer"),
        "field.company": ("company", "bedrijf"),
        "field.contact": ("contact person", "contactpersoon"),
        "field.start": ("start", "start"),
        "field.weeks": ("weeks", "weken"),
        "field.text": ("text", "tekst"),
        "field.reason": ("reason", "reden"),
        "field.note": ("note", "notitie"),
        "field.participant": ("participant", "deelnemer"),
        "field.comment": ("comment", "commentaar"),
        # statuses
        "status.open": ("open", "open"),
        "status.planned": ("planned", "gepland"),
        "status.overdue": ("overdue", "te laat"),
        "status.done": ("done", "afgewerkt"),
        "status.na": ("n/a", "n.v.t."),
        "role.mentor": ("mentor", "begeleider"),
        "role.consultant": ("consultant", "consulent"),
        "role.trainee": ("trainee", "cursist"),
        "role.admin": ("admin", "beheerder"),
        "outcome.completed": ("completed", "afgerond"),
        "outcome.stopped": ("stopped", "stopgezet"),
        # history descriptions
        "hist.plan.created": (
            "created plan for {trainee} ({occupation})",
            "plan aangemaakt voor {trainee} ({occupation})",
        ),
        "hist.plan.edited": ("edited plan details", "plangegevens gewijzigd"),
        "hist.action.planned": ("planned {target}", "{target} gepland"),
        "hist.action.replanned": ("re-planned {target}", "{target} herpland"),
        "hist.action.completed": ("completed {target}", "{target} afgewerkt"),
        "hist.action.reopened": ("reopened {target}", "{target} heropend"),
        "hist.action.added": ("added own action {target}", "eigen actie {target} toegevoegd"),
        "hist.action.dropped": (
            "marked {target} not applicable",
            "{target} op niet van toepassing gezet",
        ),
        "hist.action.restored": ("restored {target}", "{target} hersteld"),
        "hist.note.added": ("added a note to {target}", "notitie bij {target} toegevoegd"),
        "hist.evaluation.recorded": (
            "recorded evaluation {target}",
            "evaluatie {target} vastgelegd",
        ),
        "hist.plan.signed": (
            "signed off {target} as {role}",
            "{target} afgetekend als {role}",
        ),
        "hist.plan.closed": ("closed the plan ({outcome})", "plan afgesloten ({outcome})"),
        "hist.plan.reopened": ("reopened the plan", "plan heropend"),
        "hist.weeks": ("{weeks} weeks", "{weeks} weken"),
        "hist.version": ("version {seq}", "versie {seq}"),
        "hist.unknown": ("unknown change ({type})", "onbekende wijziging ({type})"),
        "hist.all_plans": ("all plans", "alle plannen"),
        "hist.access.granted": (
            "gave {target} the role {role}{scope}",
            "gaf {target} de rol {role}{scope}",
        ),
        "hist.store.copied": (
            "copied {records} records from {target}",
            "kopieerde {records} records uit {target}",
        ),
        "hist.access.revoked": (
            "took the role {role}{scope} from {target}",
            "nam {target} de rol {role}{scope} af",
        ),
    }
)
