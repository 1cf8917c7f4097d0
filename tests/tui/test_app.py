"""App-wide behaviour: new plan, read-only store, old versions, language, safety, help, palette."""

from __future__ import annotations

from datetime import date

from core import commands
from core import events as ev
from core.store import Store
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.screens.plan import PlanScreen
from tui.screens.plan_form import PlanForm
from tui.widgets.banner import Banner
from tui.widgets.detail import DetailPane
from tui.widgets.fields import Field
from tui.widgets.plan_table import PlanTable
from tui.widgets.plan_tree import PlanTree


def events(store: Store) -> list[ev.Event]:
    return [r.event for r, _ in store.records()]


def field_message(form, field_id: str) -> str:
    return str(form.query_one(f"#{field_id}", Field).query_one(".field--message").render())


async def test_create_a_plan(open_store, make_app):
    app = make_app(open_store)
    before = len(events(open_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PlanForm)
        await pilot.press(*"Noor Jacobs", "enter", *"IBO-7", "enter", *"Drukkerij Lux", "enter")
        # Entering a field selects its value, so typing replaces the default.
        await pilot.press("enter", *"2/11/2026", "enter")
        await pilot.press(*"30", "enter")  # weeks out of range: refused in place
        await pilot.pause()
        assert isinstance(app.screen, PlanForm)
        assert "A whole number of weeks from 4 to 26" in field_message(form, "weeks")
        assert len(events(open_store)) == before
        await pilot.press("ctrl+a", "ctrl+k", *"16", "ctrl+s")
        await pilot.pause()
        created = events(open_store)[-1]
        assert isinstance(created, ev.PlanCreated)
        assert (created.plan, created.trainee, created.contract, created.company) == (
            "P4",
            "Noor Jacobs",
            "IBO-7",
            "Drukkerij Lux",
        )
        assert (created.start, created.weeks, created.contact) == (date(2026, 11, 2), 16, "")
        assert created.structure.occupation == "commercieel-medewerker-binnendienst"
        assert isinstance(app.screen, PlanScreen) and app.screen.plan_id == "P4"


async def test_new_plan_form_writes_nothing_until_valid(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        before = len(events(open_store))
        await pilot.press("n", "ctrl+s")  # no trainee yet
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PlanForm)
        assert "Required" in field_message(form, "trainee")
        assert app.screen.focused is form.query_one("#trainee-input")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert len(events(open_store)) == before


async def test_read_only_store_shows_a_banner_and_says_why(open_store, make_app):
    open_store.read_only = "record 7 at byte 900 is damaged"
    before = len(events(open_store))
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(Banner)
        assert banner.display and "damaged" in str(banner.render())
        await pilot.press("n")
        assert isinstance(app.screen, DashboardScreen)  # no form
        assert any("record 7 at byte 900 is damaged" in m for m in app.messages)
        await pilot.press("enter")
        await pilot.pause()
        tree = app.screen.query_one(PlanTree)
        tree.select("A1.1.4")
        await pilot.press("d")
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.query_one(Banner).display
        footer_done = app.screen.active_bindings["d"]
        assert not footer_done.enabled  # dimmed in the footer
        assert len(events(open_store)) == before


async def test_time_travel_shows_an_old_version_read_only(open_store, make_app):
    before = len(events(open_store))
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        # After record 10 (A1.1.1 completed), A1.1.2 was still only planned.
        app.push_screen(PlanScreen("P1", as_of=10))
        await pilot.pause()
        screen = app.screen
        assert "after change 10" in str(screen.query_one(Banner).render())
        tree = screen.query_one(PlanTree)
        tree.select("A1.1.2")
        await pilot.pause()
        assert "planned 25/09" in str(tree.cursor_node.label)
        assert "A1.2.4" not in tree._by_id  # the own action came later
        await pilot.press("d")
        assert any("as it was after change 10" in m for m in app.messages)
        assert len(events(open_store)) == before
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_dutch_and_english(open_store, make_app):
    for lang, header, key in (("nl", "Cursist", "Nieuw"), ("en", "Trainee", "New")):
        app = make_app(open_store, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.screen.query_one(PlanTable)
            labels = table.labels()
            assert labels[0].startswith(header)
            assert app.screen.active_bindings["n"].binding.description == key
            await pilot.press("enter")
            await pilot.pause()
            app.screen.query_one(PlanTree).select("A1.1.1")
            await pilot.pause()
            label = str(app.screen.query_one(PlanTree).cursor_node.label)
            assert ("afgewerkt 17/09" if lang == "nl" else "done 17/09") in label


async def test_user_text_is_shown_literally(store_path, make_app):
    markup = "[bold red]x[/]"
    escape = "\x1b[31mred"
    with Store.open(store_path) as store:
        store.actor = "els"
        store.execute(lambda s: commands.add_note(s, "P1", "A1.1.2", text=f"{markup} {escape}"))
        store.execute(lambda s: commands.edit_plan(s, "P2", company=markup))
    with Store.open(store_path) as store:
        store.actor = "an"
        app = make_app(store)
        async with app.run_test(size=(120, 36)) as pilot:
            cells = app.screen.query_one(PlanTable).cells("P2")
            assert markup in cells
            app.push_screen(PlanScreen("P1"))
            await pilot.pause()
            app.screen.query_one(PlanTree).select("A1.1.2")
            await pilot.pause()
            text = str(app.screen.query_one(DetailPane).query_one("#detail-text").render())
            assert markup in text
            assert "\\x1b[31mred" in text and "\x1b" not in text


async def test_help_lists_every_screen_and_closes(open_store, make_app):
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        titles = [title for title, _ in help_screen.sections()]
        assert titles[0] == "Plan"  # the screen it was opened from comes first
        assert "Overzicht (lijst van plannen)" in titles
        plan_keys = dict(help_screen.sections())["Plan"]
        assert any(k.key == "d" and k.description == "Afgewerkt" for k in plan_keys)
        await pilot.press("escape")
        assert isinstance(app.screen, PlanScreen)


async def test_command_palette_runs_an_action_of_the_screen(open_store, make_app):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"open plan p2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen) and app.screen.plan_id == "P2"
        app.screen.query_one(PlanTree).select("A1.1.1")
        await pilot.press("ctrl+p", *"done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        from tui.screens.date_form import DateForm

        assert isinstance(app.screen, DateForm)


async def _palette(screen, query: str) -> list:
    from tui.commands import ScreenCommands

    provider = ScreenCommands(screen)
    if not query:
        return [hit async for hit in provider.discover()]
    hits = [hit async for hit in provider.search(query)]
    return sorted(hits, key=lambda hit: hit.score, reverse=True)


async def test_palette_finds_commands_in_either_language_own_ones_first(open_store, make_app):
    app = make_app(open_store)  # English
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listed = [hit.text for hit in await _palette(app.screen, "")]
        # The dashboard's own commands first, then the app-wide ones.
        assert listed.index("New") < listed.index("Theme") and listed[-1] in ("Quit", "Screenshot")
        assert "Cursor up" not in listed  # the table's own keys are no commands of leerpad
        found = await _palette(app.screen, "nieuw")
        assert found[0].text == "New" and "Nieuw" in str(found[0].help)
        assert len(app.COMMANDS) == 1  # no second provider to list Textual's entries first
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one(PlanTree).select("A1.1.4")
        await pilot.pause()
        found = await _palette(app.screen, "done")
        assert found[0].text == "Afgewerkt"
        assert "Done" in str(found[0].help)
