"""The plan screen's words: keys, banners, form titles and confirmations, in English and Dutch."""

from __future__ import annotations

from core.i18n import register

register(
    {
        # The plan screen's own keys: registered with it, not with the screens they open,
        # which are imported only when first used.
        "ui.key.form_table": ("Form", "Formulier"),
        "ui.key.form_table.tip": (
            "The competency as the paper form has it: skills, actions, planned end, completed",
            "De competentie zoals op het papieren formulier: kennis, acties, einddatum, afgewerkt",
        ),
        "ui.key.progress": ("Progress", "Voortgang"),
        "ui.key.progress.tip": (
            "A picture of done against expected, week by week, and a bar per competency",
            "Een beeld van afgewerkt tegenover verwacht, week per week, en per competentie",
        ),
        "ui.key.plan_date": ("Plan", "Plan"),
        "ui.key.plan_date.tip": (
            "Set or change the planned end date of the selected action",
            "Voorziene einddatum van de gekozen actie zetten of wijzigen",
        ),
        "ui.key.done": ("Done", "Afgewerkt"),
        "ui.key.done.tip": ("Mark the selected action done", "Gekozen actie afgewerkt zetten"),
        "ui.key.reopen": ("Reopen", "Heropen"),
        "ui.key.reopen.tip": (
            "Reopen a done action (with a reason)",
            "Afgewerkte actie heropenen (met reden)",
        ),
        "ui.key.toggle_na": ("N/a", "N.v.t."),
        "ui.key.toggle_na.tip": (
            "Mark the action not applicable, or restore it",
            "Actie niet van toepassing zetten, of herstellen",
        ),
        "ui.key.add_action": ("Add", "Toevoegen"),
        "ui.key.add_action.tip": (
            "Add an own training action under the selected row or competency",
            "Eigen opleidingsactie toevoegen onder de gekozen rij of competentie",
        ),
        "ui.key.note": ("Note", "Notitie"),
        "ui.key.note.tip": ("Add a note to the selected node", "Notitie bij het gekozen onderdeel"),
        "ui.key.evaluate": ("Evaluate", "Evaluatie"),
        "ui.key.evaluate.tip": ("Record an evaluation", "Een evaluatie vastleggen"),
        "ui.key.sign_off": ("Sign off", "Aftekenen"),
        "ui.key.sign_off.tip": (
            "Sign off the plan, or the selected evaluation",
            "Het plan aftekenen, of de gekozen evaluatie",
        ),
        "ui.key.plan_history.tip": ("Every change of this plan", "Elke wijziging van dit plan"),
        "ui.key.export": ("Export", "Export"),
        "ui.key.export.tip": ("Save the plan as a document", "Het plan als document bewaren"),
        "ui.key.edit_plan.tip": (
            "Trainee, company, contact, start and duration",
            "Cursist, bedrijf, contactpersoon, start en duurtijd",
        ),
        "ui.key.close_plan": ("Close/reopen", "Sluit/heropen"),
        "ui.key.close_plan.tip": (
            "Close the plan (completed or stopped), or reopen a closed one",
            "Het plan afsluiten (afgerond of stopgezet), of een afgesloten plan heropenen",
        ),
        "ui.key.back": ("Back", "Terug"),
        "ui.key.find": ("Find", "Zoek"),
        "ui.key.find.tip": (
            "Jump to a node by id (a3.2) or by words from its text; ↓↑ next/previous match, "
            "enter: stay there, escape: back to where you were",
            "Spring naar een onderdeel op id (a3.2) of op woorden uit de tekst; ↓↑ volgende/"
            "vorige, enter: daar blijven, escape: terug naar waar je was",
        ),
        "ui.key.details": ("Details", "Gegevens"),
        "ui.plan.as_of": (
            "As it was after change {seq} ({when}). Read-only: press escape to go back.",
            "Zoals na wijziging {seq} ({when}). Alleen-lezen: druk op escape om terug te gaan.",
        ),
        "ui.plan.as_of_key": (
            "This is the plan as it was after change {seq}; it cannot be changed here.",
            "Dit is het plan zoals na wijziging {seq}; hier kan niets gewijzigd worden.",
        ),
        "ui.plan.erased": (
            "{erased} ({reason}): its personal texts can no longer be read, and it can no "
            "longer be changed.",
            "{erased} ({reason}): de persoonlijke teksten zijn niet meer leesbaar, en het plan "
            "kan niet meer gewijzigd worden.",
        ),
        "ui.plan.closed": (
            "This plan is closed ({outcome} on {on}). Shift+C reopens it.",
            "Dit plan is afgesloten ({outcome} op {on}). Shift+C heropent het.",
        ),
        "ui.plan.plan_title": (
            "Plan {node}: planned end date",
            "{node} plannen: voorziene einddatum",
        ),
        "ui.plan.done_title": ("Mark {node} done", "{node} afgewerkt zetten"),
        "ui.plan.today_word": ("today", "vandaag"),
        "ui.plan.reopen_title": ("Reopen {node}", "{node} heropenen"),
        "ui.plan.drop_title": ("Mark {node} not applicable", "{node} niet van toepassing zetten"),
        "ui.plan.add_title": (
            "Own training action under {node}",
            "Eigen opleidingsactie onder {node}",
        ),
        "ui.plan.add_label": ("What will the trainee do?", "Wat gaat de cursist doen?"),
        "ui.plan.note_title": ("Note on {node}", "Notitie bij {node}"),
        "ui.plan.note_label": ("Note", "Notitie"),
        "ui.plan.multiline_hint": (
            "enter: new line · ctrl+e: your editor · ctrl+s: save · esc: cancel",
            "enter: nieuwe regel · ctrl+e: editor · ctrl+s: bewaar · esc: annuleer",
        ),
        "ui.plan.reopen_plan_title": ("Reopen plan {plan}", "Plan {plan} heropenen"),
        "ui.plan.planned": ("{node} planned for {date}.", "{node} gepland op {date}."),
        "ui.plan.completed": ("{node} done on {date}.", "{node} afgewerkt op {date}."),
        "ui.plan.reopened": ("{node} reopened.", "{node} heropend."),
        "ui.plan.restored": ("{node} restored.", "{node} hersteld."),
        "ui.plan.dropped": (
            "{node} marked not applicable.",
            "{node} op niet van toepassing gezet.",
        ),
        "ui.plan.added": ("Own action {node} added.", "Eigen actie {node} toegevoegd."),
        "ui.plan.noted": ("Note added to {node}.", "Notitie bij {node} toegevoegd."),
        "ui.plan.plan_closed": ("Plan {plan} closed.", "Plan {plan} afgesloten."),
        "ui.plan.plan_reopened": ("Plan {plan} reopened.", "Plan {plan} heropend."),
    }
)
