"""The Markdown export rendered by a CommonMark parser (GFM tables): every text and date in
its cell, user text rendered literally, and the escaping rules on their own."""

from __future__ import annotations

import pytest
from export_plans import TODAY, TRICKY_COMMENT, TRICKY_NOTE
from export_read import markdown_blocks, table_after

from core.export import markdown, model, render_plan
from core.i18n import fmt_date
from core.planview import build
from core.projections import PlanState, Status
from core.safe import visible
from core.store import Store


@pytest.fixture(scope="module")
def blocks(plans_store: Store) -> list:
    text = render_plan(plans_store.state, "P1", "md", lang="nl", today=TODAY).decode("utf-8")
    return markdown_blocks(text)


@pytest.fixture(scope="module")
def p1(plans_store: Store) -> PlanState:
    return plans_store.state.plan("P1")  # type: ignore[return-value]


def texts(rows: list) -> list[list[str]]:
    return [[cell for cell, _ in row] for row in rows]


def test_every_row_of_every_competency_in_its_table(blocks: list, p1: PlanState) -> None:
    view = build(p1, TODAY)
    for comp in p1.competencies:
        rows = texts(table_after(blocks, f"{comp.id} {comp.title}"))
        assert rows[0] == [
            "Onderliggende kennis en vaardigheden",
            "Opleidingsacties",
            "Voorziene einddatum",
            "Afgewerkt op",
        ]
        assert len(rows) == len(comp.rows) + 1
        for row, (skills, actions, due, done) in zip(comp.rows, rows[1:], strict=True):
            if row.own:
                assert skills == "(eigen rij)"
            else:
                assert skills.split("\n\n") == row.skills
            expected = [
                f"{visible(a.text, multiline=True)}\n{model.mark(view.nodes[a.id], 'nl')}"
                for a in row.actions
            ]
            assert actions.split("\n\n") == expected
            assert due == (fmt_date(row.due) if row.due else "")
            assert done == (fmt_date(row.done_on) if row.done_on else "")


def test_not_applicable_actions_are_struck_through(blocks: list, p1: PlanState) -> None:
    rows = table_after(blocks, "A1 ")
    cell, tags = rows[1][1]
    assert "s" in tags or "del" in tags
    dropped = [a for a in p1.actions() if a.status(TODAY) is Status.NA]
    assert {a.id for a in dropped} == {"A1.1.5", "A2.1.3"}
    assert "(n.v.t.: Al gekend uit vorige job)" in cell


def test_header_personal_notes_evaluations_signoffs(blocks: list, p1: PlanState) -> None:
    header = texts(table_after(blocks, "Opleidingsplan P1"))
    assert header == [
        ["Cursist(e)", "Contractnummer", "Bedrijf", "Contactpersoon"],
        ["Jan Peeters", "IBO-2026-0147", "Bakkerij De Zoete Inval | Gent", "An Claes"],
    ]
    personal = texts(table_after(blocks, "B. Persoonsgebonden competenties"))
    assert personal[1:] == [[f"{p.id} {p.name}", p.description] for p in p1.personal]

    notes = table_after(blocks, "3. Notities")
    target, by, when, text = notes[1]
    assert (target[0], by[0], when[0]) == (
        "het plan",
        "an.claes",
        model.local_time(p1.notes[0].time),
    )
    assert text[0] == visible(TRICKY_NOTE, multiline=True)
    assert text[1] == {"br"}  # no bold, link, code or emphasis: the markup stayed text

    ratings = texts(table_after(blocks, "Evaluatie E1"))
    assert [r[1] for r in ratings[1:]] == ["verworven", "in ontwikkeling", "in ontwikkeling"]
    assert ratings[1][2] == TRICKY_COMMENT

    signoffs = texts(table_after(blocks, "5. Aftekeningen"))
    assert [r[4] for r in signoffs[1:]] == ["nee: het plan is gewijzigd na versie 22", "ja", "ja"]


def test_footer_line(plans_store: Store) -> None:
    text = render_plan(plans_store.state, "P1", "md", lang="en", today=TODAY).decode("utf-8")
    state = plans_store.state
    footer = f"log up to record {state.seq}, sha256 {state.hash} · exported 28/11/2026*"
    assert text.rstrip().endswith(f"*Plan P1, version 26 · {footer}")


@pytest.mark.parametrize(
    "raw",
    [
        "a | b",
        "*ster* _onder_ `code` [x](y) <b>html</b> &amp; ~~weg~~ \\",
        "regel 1\nregel 2\n\nalinea",
        "\x1b[31mrood\x07",
        "# geen kop",
        "1. geen lijst",
        "- geen lijst",
    ],
)
def test_escaping_renders_literally(raw: str) -> None:
    shown = visible(raw, multiline=True)
    rows = table_after(
        markdown_blocks("# t\n\n" + "\n".join(markdown.table(["h"], [[markdown.cell(raw)]]))), "t"
    )
    assert rows[1][0][0] == shown
    assert rows[1][0][1] <= {"br"}
    paragraph = markdown_blocks(f"# {markdown.escape(raw.splitlines()[0])}")
    assert paragraph == [("heading", visible(raw.splitlines()[0]))]
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(markdown.block(raw))
    assert html.startswith("<p>"), html
