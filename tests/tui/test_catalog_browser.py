"""The catalog browser: occupations as a tree, every text in full beside it, shown literally."""

from __future__ import annotations

from pathlib import Path

from tui_support import PROFILE

from catalog import Catalog
from core.store import Store
from tui.screens.catalog_browser import CatalogScreen


async def open_catalog(pilot) -> CatalogScreen:
    pilot.app.push_screen(CatalogScreen())
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CatalogScreen)
    return screen


def detail(screen: CatalogScreen) -> str:
    return str(screen.query_one("#catb-text").render())


async def test_browse_to_an_action_and_read_it_in_full(open_store: Store, make_app, catalog):
    profile = catalog.get(PROFILE)
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalog(pilot)
        assert profile.title in detail(screen)
        assert profile.description in detail(screen)  # wrapped, never cut
        # occupation > A. job competencies > A1 > A1.1 > its skills, then its first action
        await pilot.press("down", "enter", "down")
        assert profile.job[0].title in detail(screen)
        await pilot.press("enter", "down")
        row = profile.job[0].rows[0]
        text = detail(screen)
        assert "Row A1.1" in text
        assert all(skill in text for skill in row.skills)
        assert all(action in text for action in row.actions)
        await pilot.press("enter", *["down"] * (len(row.skills) + 1))
        assert f"Training action A1.1.1\n{row.actions[0]}" in detail(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CatalogScreen)


async def test_personal_competencies_and_the_scale_in_dutch(open_store: Store, make_app, catalog):
    profile = catalog.get(PROFILE)
    app = make_app(open_store, lang="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalog(pilot)
        tree = screen.query_one("#catb-tree")
        personal = next(n for n in tree.root.children[0].children if n.data.kind == "personal")
        personal.expand()
        await pilot.pause()
        tree.move_cursor(personal.children[3])
        await pilot.pause()
        b4 = profile.personal[3]
        assert f"B4 {b4.name}\n{b4.description}" in detail(screen)
        tree.move_cursor(next(n for n in tree.root.children[0].children if n.data.kind == "scale"))
        await pilot.pause()
        assert "verworven / acquired  (verworven)  ✔ telt als verworven" in detail(screen)


async def test_catalog_text_is_never_markup(tmp_path: Path, open_store: Store, make_app, catalog):
    source = Path(catalog.sources[PROFILE]).read_text(encoding="utf-8")
    odd = source.replace('id = "commercieel-medewerker-binnendienst"', 'id = "odd"').replace(
        'title = "Commercieel medewerker binnendienst"', 'title = "Odd [bold red]x[/]"'
    )
    (tmp_path / "odd.toml").write_text(odd, encoding="utf-8")
    (tmp_path / "broken.toml").write_text("id = [", encoding="utf-8")
    app = make_app(open_store)
    app.catalog = Catalog.load([tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalog(pilot)
        tree = screen.query_one("#catb-tree")
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0].startswith("Commercieel")
        assert labels[1] == "Odd [bold red]x[/]"
        assert labels[2] == "⚠ Unreadable catalog files"
        assert "1 catalog file(s) could not be read" in str(
            screen.query_one("#catb-title").render()
        )
        problems = tree.root.children[2]
        problems.expand()
        await pilot.pause()
        tree.move_cursor(problems.children[0])
        await pilot.pause()
        assert "broken.toml: not valid TOML" in detail(screen)


async def test_find_shows_only_what_matches(open_store: Store, make_app, catalog):
    app = make_app(open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_catalog(pilot)
        tree = screen.query_one("#catb-tree")
        await pilot.press("slash", *"centrale")
        await pilot.pause()
        shown = []

        def walk(node):
            for child in node.children:
                shown.append(str(child.label))
                walk(child)

        walk(tree.root)
        # The occupation, A., A1, row A1.1 and the one action that mentions it.
        assert len(shown) == 5
        assert shown[-1].startswith("A1.1.2 Het gebruik van de telefoon(centrale)")
        await pilot.press("enter")  # back to the tree, filter kept
        assert app.focused is tree
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert app.screen is screen and len(tree.root.children[0].children) == 3
        await pilot.press("slash", *"zzzq")
        await pilot.pause()
        assert not list(tree.root.children)
        assert "Nothing in the catalog matches." in detail(screen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, CatalogScreen)
