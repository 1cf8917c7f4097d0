"""The competency report: only for a closed plan, acquired per the latest evaluation."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn
from export_plans import TODAY
from export_read import footer_text, markdown_blocks, open_docx, seen, table_rows

from core.export import EXIT_REFUSED, ExportError, render_report
from core.projections import acquired
from core.store import Store

YES = {"nl": "ja", "en": "yes"}


def test_refused_for_an_open_plan(plans_store: Store) -> None:
    for fmt in ("docx", "md"):
        with pytest.raises(ExportError) as caught:
            render_report(plans_store.state, "P1", fmt, lang="nl", today=TODAY)
        assert caught.value.code == EXIT_REFUSED
        assert caught.value.message("nl").startswith("Plan P1 is nog open")
        assert "Close the plan first" in caught.value.message("en")


def expected_rows(store: Store, plan_id: str, lang: str) -> list[tuple[str, str]]:
    plan = store.state.plan(plan_id)
    assert plan is not None and plan.closed is not None
    flags = acquired(plan)
    ids = [c.id for c in plan.competencies] + [p.id for p in plan.personal]
    return [(i, YES[lang] if flags.get(i) else {"nl": "nee", "en": "no"}[lang]) for i in ids]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_markdown_report(plans_store: Store, lang: str) -> None:
    text = render_report(plans_store.state, "P2", "md", lang=lang, today=TODAY).decode("utf-8")
    tables = [v for k, v in markdown_blocks(text) if k == "table"]
    rows = [r for t in tables[1:3] for r in t[1:]]
    assert [(r[0][0].split(" ")[0], r[2][0]) for r in rows] == expected_rows(
        plans_store, "P2", lang
    )
    by_id = {r[0][0].split(" ")[0]: [c for c, _ in r] for r in rows}
    # The latest evaluation (E2) decides: A1 was "in ontwikkeling" in E1, "verworven" in E2.
    if lang == "nl":
        assert by_id["A1"][1:] == ["verworven", "ja", "Zelfstandig aan de telefoon."]
        assert by_id["A3"][1:3] == ["in ontwikkeling", "nee"]
        assert by_id["A4"][1:3] == ["niet beoordeeld", "nee"]
        assert "Verworven: 4 van 18 competenties" in text
        assert "Op basis van evaluatie E2 van 21/08/2026" in text
        assert "afgerond op 24/08/2026" in text
    else:
        assert by_id["A2"][1:3] == ["well acquired", "yes"]
        assert "Acquired: 4 of 18 competencies" in text
    assert [c for c, _ in tables[3][1]][:2] == [
        "cursist" if lang == "nl" else "trainee",
        "sara.janssens",
    ]


def test_docx_report(plans_store: Store) -> None:
    document = open_docx(render_report(plans_store.state, "P2", "docx", lang="nl", today=TODAY))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Competentie"]
    assert len(tables) == 2
    rows = [[seen(c._tc) for c in r] for t in tables for r in table_rows(t)[1:]]
    assert [(r[0].split("  ")[0], r[2]) for r in rows] == expected_rows(plans_store, "P2", "nl")
    assert f"record {plans_store.state.seq}" in footer_text(document)
    # Short rows stay whole on a page; the header row repeats on the next one.
    for table in tables:
        assert all(
            r._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in table.rows
        )
        assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert "Competentieverslag" in seen(document.element.body)


def test_report_of_the_closed_demo_plan(demo_store: Store) -> None:
    closed = [p for p in demo_store.state.plans.values() if p.closed is not None]
    assert closed
    for plan in closed:
        text = render_report(demo_store.state, plan.id, "md", lang="nl", today=TODAY).decode(
            "utf-8"
        )
        acquired_count = sum(acquired(plan).values())
        assert f"Verworven: {acquired_count} van 18 competenties" in text
