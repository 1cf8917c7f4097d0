"""The dashboard's table on its own: keys, mouse, live rows, and only the rows in view drawn."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Offset

from core.projections import PlanSummary
from tui.widgets import plan_table
from tui.widgets.plan_table import PlanTable

START = date(2026, 9, 1)


def summary(n: int, **changes: object) -> PlanSummary:
    values: dict[str, object] = {
        "id": f"P{n}",
        "trainee": f"Trainee {n:05d}",
        "company": f"Company {n % 7}",
        "occupation": "commercieel-medewerker-binnendienst",
        "title": "Commercieel medewerker binnendienst",
        "start": START,
        "weeks": 26,
        "week": 10,
        "done": n % 61,
        "total": 61,
        "percent": 100 * (n % 61) / 61,
        "expected": 40.0,
        "behind": n % 3 == 0,
        "overdue": n % 4,
        "next_due": START + timedelta(days=n % 90),
        "closed": None,
        "last_seq": n,
    }
    values.update(changes)
    return PlanSummary(**values)  # type: ignore[arg-type]


class TableApp(App[None]):
    def __init__(self, plans: list[PlanSummary]) -> None:
        super().__init__()
        self.plans = plans
        self.opened: list[str] = []
        self.sorted_by: list[str] = []

    def compose(self) -> ComposeResult:
        yield PlanTable()

    def on_mount(self) -> None:
        table = self.query_one(PlanTable)
        table.show(self.plans, sort="trainee", reverse=False)
        table.focus()

    def on_plan_table_open(self, message: PlanTable.Open) -> None:
        self.opened.append(message.plan_id)

    def on_plan_table_sort_by(self, message: PlanTable.SortBy) -> None:
        self.sorted_by.append(message.column)


def count_drawn(monkeypatch) -> Counter[str]:
    drawn: Counter[str] = Counter()
    original = plan_table.row_text

    def counted(s: PlanSummary) -> dict[str, tuple[str, str]]:
        drawn[s.id] += 1
        return original(s)

    monkeypatch.setattr(plan_table, "row_text", counted)
    return drawn


def line(table: PlanTable, y: int) -> str:
    return table.render_line(y).text


async def test_five_thousand_plans_draw_only_the_rows_in_view(monkeypatch):
    drawn = count_drawn(monkeypatch)
    app = TableApp([summary(n) for n in range(1, 5001)])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(PlanTable)
        assert table.row_count == 5000
        in_view = table.size.height - 1  # the header takes a line
        assert set(drawn) == {f"P{n}" for n in range(1, in_view + 1)}
        assert max(drawn.values()) <= 2  # the cursor row: before and after focus

        drawn.clear()
        await pilot.press("pagedown")
        await pilot.pause()
        assert 0 < len(drawn) <= in_view + 1
        assert table.current_plan == f"P{in_view + 1}"

        drawn.clear()
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.current_plan == "P5000"
        assert "Trainee 05000" in line(table, table.size.height - 1)
        assert len(drawn) <= in_view + 1


async def test_cursor_keys_scroll_and_enter_opens():
    app = TableApp([summary(n) for n in range(1, 101)])
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PlanTable)
        assert table.current_plan == "P1"
        await pilot.press("down", "down")
        assert table.current_plan == "P3"
        await pilot.press("up")
        assert table.current_plan == "P2"
        await pilot.press("up", "up")  # stays on the first row
        assert table.current_plan == "P1"
        for _ in range(30):
            await pilot.press("down")
        await pilot.pause()
        assert table.current_plan == "P31"
        assert table.scroll_y > 0  # the cursor stays in view
        assert "Trainee 00031" in line(table, table.size.height - 1)
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert table.current_plan == "P1" and table.scroll_y == 0
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == ["P2"]


async def test_the_header_shows_the_sort_and_a_click_on_it_sorts():
    app = TableApp([summary(n) for n in range(1, 4)])
    async with app.run_test(size=(120, 24)) as pilot:
        table = app.query_one(PlanTable)
        assert table.labels()[:2] == ["Plan", "Trainee ▲"]
        assert line(table, 0).startswith(" Plan ")
        await pilot.click(PlanTable, offset=Offset(10, 0))  # on "Trainee"
        await pilot.pause()
        assert app.sorted_by == ["trainee"]
        table.show(app.plans, sort="progress", reverse=True)
        await pilot.pause()
        assert "Progress ▼" in line(table, 0) and "▲" not in line(table, 0)
        # A column too narrow for its name and the arrow keeps the arrow.
        table.show(app.plans, sort="week", reverse=False)
        await pilot.pause()
        assert " Wee ▲ " in line(table, 0)


async def test_a_click_moves_the_cursor_and_a_second_opens():
    app = TableApp([summary(n) for n in range(1, 4)])
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PlanTable)
        await pilot.click(PlanTable, offset=Offset(5, 3))  # the third row
        await pilot.pause()
        assert table.current_plan == "P3" and app.opened == []
        await pilot.click(PlanTable, offset=Offset(5, 3))
        await pilot.pause()
        assert app.opened == ["P3"]


async def test_a_changed_plan_is_redrawn_in_place_and_the_cursor_follows_its_plan(monkeypatch):
    app = TableApp([summary(n) for n in range(1, 6)])
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PlanTable)
        await pilot.press("down")  # P2
        # The rows the cursor left and reached are drawn anew, whenever the screen next
        # refreshes: draw them now, so that only the change below is counted.
        line(table, 1), line(table, 2)
        drawn = count_drawn(monkeypatch)
        table.update_plans({"P4": summary(4, overdue=9)})
        await pilot.pause()
        assert drawn == Counter({"P4": 1})
        assert "! 9" in line(table, 4)
        # P2 renamed to sort last: it moves down, the cursor goes with it.
        table.update_plans({"P2": summary(2, trainee="Zoë Zeeman")})
        await pilot.pause()
        assert table.row_ids == ["P1", "P3", "P4", "P5", "P2"]
        assert table.current_plan == "P2"
        assert "Zoë Zeeman" in line(table, 5)
        # A plan no longer shown, one new: the rest stay in order.
        table.update_plans({"P3": None, "P9": summary(9)})
        await pilot.pause()
        assert table.row_ids == ["P1", "P4", "P5", "P9", "P2"]
        assert table.current_plan == "P2"


async def test_statuses_keep_their_colours_and_the_cursor_row_its_own():
    app = TableApp([summary(3), summary(4)])  # P3 behind, P4 on track
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(PlanTable)

        def style_of(y: int, text: str) -> Style:
            return next(s.style for s in table.render_line(y) if text in s.text)

        behind = table.get_component_rich_style("plan-table--behind", partial=True)
        on_track = table.get_component_rich_style("plan-table--on-track", partial=True)
        cursor = table.get_component_rich_style("datatable--cursor")
        assert behind.color != on_track.color != cursor.color
        assert style_of(2, "on track").color == on_track.color
        # The cursor row (P3) shows the cursor's colours over the status colour.
        assert style_of(1, "behind").color == cursor.color
        assert style_of(1, "behind").bgcolor == cursor.bgcolor
        await pilot.press("down")
        await pilot.pause()
        assert style_of(1, "behind").color == behind.color
