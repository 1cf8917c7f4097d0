"""The .docx export read back with python-docx: every text and date of the plan in its cell,
the form's layout, the footer, and an import of the export giving back the occupation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from export_plans import OCCUPATION, TODAY, TRICKY_COMMENT, TRICKY_NOTE
from export_read import body_text, footer_text, open_docx, paragraphs_seen, seen, table_rows, tags

from catalog import Catalog, parse_form_docx, parse_form_text
from core.export import export_plan, model, render_plan
from core.i18n import fmt_date
from core.planview import build
from core.projections import PlanState
from core.safe import visible
from core.store import Store

SEED = (
    Path(__file__).parents[1]
    / "data"
    / "seed"
    / "opleidingsplan-commercieel-medewerker-binnendienst.txt"
)
JOB_HEADER_NL = [
    "Onderliggende kennis en vaardigheden",
    "Opleidingsacties",
    "Voorziene einddatum",
    "Afgewerkt op",
]


@pytest.fixture(scope="module")
def p1_docx(plans_store: Store) -> Any:
    return open_docx(render_plan(plans_store.state, "P1", "docx", lang="nl", today=TODAY))


@pytest.fixture(scope="module")
def p1(plans_store: Store) -> PlanState:
    plan = plans_store.state.plan("P1")
    assert plan is not None
    return plan


def job_table(document: Any, competency: str) -> Any:
    """The competency's table: its title row holds the id in a `leerpad:id:A3` control."""
    for table in document.tables:
        if f"leerpad:id:{competency}" in tags(table.rows[0]._tr):
            return table
    raise AssertionError(f"no table for {competency}")


def plain(cell: Any) -> list[str]:
    """The cell's form text (what the importer reads): content controls left out."""
    return [p.text for p in cell.paragraphs if p.text.strip()]


def test_every_seed_statement_and_action_is_in_its_competencys_table(p1_docx: Any) -> None:
    seed = parse_form_text(SEED.read_text(encoding="utf-8"))
    rows = statements = paragraphs = 0
    for ci, comp in enumerate(seed.job, 1):
        table = table_rows(job_table(p1_docx, f"A{ci}"))
        title, header, body = table[0], table[1], table[2:]
        assert [c.text for c in title] == [comp.title]  # the form text; the id is a control
        assert [c.text for c in header] == JOB_HEADER_NL
        for ri, row in enumerate(comp.rows):
            cells = body[ri]
            assert len(cells) == 4
            assert plain(cells[0]) == row.skills, f"A{ci}.{ri + 1} skills"
            assert plain(cells[1]) == row.actions, f"A{ci}.{ri + 1} actions"
            rows += 1
            statements += len(row.skills)
            paragraphs += len(row.actions)
    assert (rows, statements, paragraphs) == (31, 51, 61)


def test_derived_row_dates_are_in_columns_three_and_four(p1_docx: Any, p1: PlanState) -> None:
    checked = 0
    for comp in p1.competencies:
        body = table_rows(job_table(p1_docx, comp.id))[2:]
        assert len(body) == len(comp.rows)
        for row, cells in zip(comp.rows, body, strict=True):
            for column, value, name in ((2, row.due, "due"), (3, row.done_on, "done")):
                found = tags(cells[column]._tc)
                if value is None:
                    assert seen(cells[column]._tc) == ""
                    continue
                assert found == {f"leerpad:{name}:{row.id}": fmt_date(value)}
                picker = cells[column]._tc.find(f".//{qn('w:date')}")
                assert picker.get(qn("w:fullDate")) == f"{value.isoformat()}T00:00:00Z"
                checked += 1
    # P1 has rows with a planned date only, with both dates, and an own row done without plan.
    assert checked >= 6
    a1 = table_rows(job_table(p1_docx, "A1"))
    assert seen(a1[2][2]._tc) == "02/10/2026" and seen(a1[2][3]._tc) == "05/10/2026"
    assert seen(a1[3][2]._tc) == "11/12/2026" and seen(a1[3][3]._tc) == ""


def test_every_action_has_its_own_status_line(p1_docx: Any, p1: PlanState) -> None:
    view = build(p1, TODAY)
    for comp in p1.competencies:
        body = table_rows(job_table(p1_docx, comp.id))[2:]
        for row, cells in zip(comp.rows, body, strict=True):
            found = tags(cells[1]._tc)
            shown = paragraphs_seen(cells[1])
            for action in row.actions:
                mark = model.mark(view.nodes[action.id], "nl")
                assert found[f"leerpad:status:{action.id}"] == mark
                assert visible(action.text, multiline=True) in shown
    a1 = table_rows(job_table(p1_docx, "A1"))
    actions = tags(a1[2][1]._tc) | tags(a1[3][1]._tc)
    assert actions["leerpad:status:A1.1.1"] == "A1.1.1 · ✔ afgewerkt 17/09/2026"
    assert actions["leerpad:status:A1.1.5"] == "A1.1.5 · – (n.v.t.: Al gekend uit vorige job)"
    assert actions["leerpad:status:A1.2.1"] == "A1.2.1 · ! te laat: gepland 06/11/2026"
    assert actions["leerpad:status:A1.2.2"] == "A1.2.2 · ◔ gepland 11/12/2026"
    assert actions["leerpad:status:A1.2.3"] == "A1.2.3 · ○ nog niet gepland"
    assert actions["leerpad:status:A1.2.4"].startswith("A1.2.4 · (eigen actie) · ")
    assert actions["leerpad:action:A1.2.4"] == "Meevolgen met de *CRM*-opleiding | dag 1"
    # The not-applicable action stays readable, struck through.
    struck = [r for p in a1[2][1].paragraphs for r in p.runs if r.font.strike]
    assert [r.text for r in struck] == [p1.action("A1.1.5").text]  # type: ignore[union-attr]


def test_own_row_is_marked_and_holds_its_action(p1_docx: Any) -> None:
    rows = table_rows(job_table(p1_docx, "A10"))
    own = rows[-1]
    assert tags(own[0]._tc) == {"leerpad:own-row:A10.3": "(eigen rij)"}
    assert (
        tags(own[1]._tc)["leerpad:action:A10.3.1"]
        == "Bezoek aan een klant <met> de vertegenwoordiger"
    )
    assert seen(own[3]._tc) == "03/11/2026"


def test_header_fields_occupation_and_duration(p1_docx: Any, p1: PlanState) -> None:
    header = p1_docx.tables[0]
    found = tags(header._tbl)
    assert found == {
        "leerpad:field:trainee": "Jan Peeters",
        "leerpad:field:contract": "IBO-2026-0147",
        "leerpad:field:company": "Bakkerij De Zoete Inval | Gent",
        "leerpad:field:contact": "An Claes",
    }
    labels = [p.text for cell in table_rows(header)[0] for p in cell.paragraphs]
    assert labels == ["Cursist(e): ", "Contractnummer: ", "Bedrijf: ", "Contactpersoon: "]
    texts = [seen(p._p) for p in p1_docx.paragraphs]
    assert "Beroep: Commercieel medewerker binnendienst" in texts
    assert "Indicatieve duurtijd: 16 weken" in texts
    assert p1.description in texts
    toc = texts.index("1. De competenties: Inhoudstafel")
    assert texts[toc + 1 : toc + 11] == [f"{c.id}\t{c.title}" for c in p1.competencies]
    assert texts[toc + 11] == "2. Geplande opleidingsacties"


def test_personal_competencies_table(p1_docx: Any, p1: PlanState) -> None:
    table = next(
        t
        for t in p1_docx.tables
        if t.rows[0].cells[0].text == "Competentie" and len(t.columns) == 2
    )
    rows = table_rows(table)
    assert [c.text for c in rows[0]] == ["Competentie", "Omschrijving"]
    assert [(seen(r[0]._tc), r[1].text) for r in rows[1:]] == [
        (f"{p.id}  {p.name}", p.description) for p in p1.personal
    ]


UNSIGNED = "niet ondertekend (afgetekend zonder sleutel)"


def test_notes_evaluations_and_signoffs(p1_docx: Any, p1: PlanState) -> None:
    text = body_text(p1_docx)
    for heading in ("3. Notities", "4. Evaluaties", "5. Aftekeningen"):
        assert heading in text
    notes = next(t for t in p1_docx.tables if t.rows[0].cells[-1].text == "Notitie")
    rows = [[seen(c._tc) for c in r] for r in table_rows(notes)[1:]]
    first = p1.notes[0]
    assert rows[0] == [
        "het plan",
        "an.claes",
        model.local_time(first.time),
        visible(TRICKY_NOTE, multiline=True),
    ]
    assert rows[1][0] == "A1.2" and rows[1][3] == "Opvolgen bij volgend bezoek."

    ratings = next(t for t in p1_docx.tables if t.rows[0].cells[1].text == "Beoordeling")
    rows = [[seen(c._tc) for c in r] for r in table_rows(ratings)[1:]]
    assert [r[0].split("  ")[0] for r in rows] == ["A1", "A2", "B3"]  # in plan order
    assert [r[1] for r in rows] == ["verworven", "in ontwikkeling", "in ontwikkeling"]
    assert rows[0][2] == TRICKY_COMMENT
    assert "Evaluatie E1 van 30/10/2026" in text
    assert "Deelnemers: An Claes, Bart Peeters, Jan Peeters" in text
    assert "Opmerking: Tussentijdse evaluatie.\n- geen lijst" in text

    signoffs = next(t for t in p1_docx.tables if t.rows[0].cells[0].text == "Rol")
    rows = [[seen(c._tc) for c in r] for r in table_rows(signoffs)[1:]]
    assert [(r[0], r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        (
            "begeleider",
            "an.claes",
            "plan, versie 22",
            "nee: het plan is gewijzigd na versie 22",
            UNSIGNED,
            "",
        ),
        ("cursist", "jan.peeters", "evaluatie E1", "ja", UNSIGNED, ""),
        ("consulent", "bart.peeters", "evaluatie E1", "ja", UNSIGNED, "Akkoord"),
    ]


def test_footer_names_the_log_position_and_hash(
    p1_docx: Any, plans_store: Store, p1: PlanState
) -> None:
    state = plans_store.state
    footer = footer_text(p1_docx)
    assert f"logboek t/m record {state.seq}, sha256 {state.hash}" in footer
    assert f"Plan P1, versie {p1.version}" in footer
    assert "geëxporteerd op 28/11/2026" in footer
    assert len(state.hash) == 64


def test_footer_of_an_earlier_state(plans_store: Store) -> None:
    """A document of the plan as it was (history time travel) names that position."""
    earlier = plans_store.state_at(10)
    document = open_docx(render_plan(earlier, "P1", "docx", lang="nl", today=TODAY))
    assert f"record 10, sha256 {earlier.hash}" in footer_text(document)
    assert earlier.hash != plans_store.state.hash


def test_layout_repeats_title_and_header_rows(p1_docx: Any) -> None:
    section = p1_docx.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    for i in range(1, 11):
        table = job_table(p1_docx, f"A{i}")
        repeated = [
            row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in table.rows
        ]
        assert repeated[:2] == [True, True] and not any(repeated[2:])
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        header = table.rows[1].cells[0]
        assert header._tc.tcPr.find(qn("w:shd")) is not None
        assert all(r.bold for p in header.paragraphs for r in p.runs)


def test_english_labels_keep_catalog_text_dutch(plans_store: Store, p1: PlanState) -> None:
    document = open_docx(render_plan(plans_store.state, "P1", "docx", lang="en", today=TODAY))
    table = job_table(document, "A1")
    assert [c.text for c in table_rows(table)[1]] == [
        "Underlying knowledge and skills",
        "Training actions",
        "Planned end date",
        "Completed on",
    ]
    assert table_rows(table)[0][0].text == p1.competencies[0].title
    text = body_text(document)
    assert "Trainee: Jan Peeters" in text and "Occupation: Commercieel" in text
    assert "A1.1.5 · – (n/a: Al gekend uit vorige job)" in text
    assert "log up to record" in footer_text(document)


def test_import_of_the_export_gives_back_the_occupation(plans_store: Store, tmp_path: Path) -> None:
    """Filled-in values sit in content controls, so the importer reads the blank form."""
    path = export_plan(
        plans_store.state, "P1", "docx", tmp_path / "p1.docx", lang="nl", today=TODAY
    )
    imported = parse_form_docx(path)
    assert imported == Catalog.load().get(OCCUPATION)


def test_user_text_with_control_characters_is_shown_not_dropped(p1_docx: Any) -> None:
    text = body_text(p1_docx)
    assert "\x1b" not in text
    assert "\\x1b[31mrood" in text
    assert "<b>vet</b> & `code`" in text
