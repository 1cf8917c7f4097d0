"""The help screen: the whole keyboard map, built from the screens' own Bindings.

The section of the screen you came from comes first; the other screens follow,
so one page answers "which key does that?" anywhere.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from core.i18n import register, t
from tui import editor  # noqa: F401 - registers the editor key's words
from tui.commands import KeyHelp, key_help
from tui.widgets.banner import TitleBar
from tui.widgets.footer import Footer

# (module, class, section title key): the screens whose keys the map lists, in this order.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("tui.screens.dashboard", "DashboardScreen", "ui.help.dashboard"),
    ("tui.screens.plan", "PlanScreen", "ui.help.plan"),
    ("tui.screens.form_table", "FormTableScreen", "ui.help.form_table"),
    ("tui.screens.progress", "ProgressScreen", "ui.help.progress"),
    ("tui.screens.forms", "FormScreen", "ui.help.forms"),
    ("tui.screens.history", "HistoryScreen", "ui.help.history"),
    ("tui.screens.evaluation", "EvaluationScreen", "ui.help.evaluation"),
    ("tui.screens.signoff", "SignOffScreen", "ui.help.signoff"),
    ("tui.screens.catalog_browser", "CatalogScreen", "ui.help.catalog"),
)

KEY_WIDTH = 15


def _screen_bindings(cls: type) -> list[BindingType]:
    """A screen's keys, with those of the widgets it is built around (the plan's tree, say)."""
    found: list[BindingType] = list(getattr(cls, "BINDINGS", []))
    for widget in getattr(cls, "HELP_WIDGETS", ()):
        found.extend(widget.BINDINGS)
    return found


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [
        Binding("escape,q,question_mark,f1", "close", "ui.key.close_help", id="help_close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { background: $background; }
    HelpScreen > VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen .help--section { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen .help--lines { height: auto; }
    """

    def __init__(self, origin: Screen[Any] | None = None) -> None:
        super().__init__()
        self.origin = type(origin) if origin is not None else None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(can_focus=True):
            for title, lines in self.sections():
                yield Static(Content(title), classes="help--section")
                yield Static(self._render_lines(lines), classes="help--lines")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TitleBar).title = Content.assemble(
            ("leerpad", "bold"), f" · {t('ui.help.title')}"
        )
        self.query_one(VerticalScroll).focus()

    def sections(self) -> list[tuple[str, list[KeyHelp]]]:
        display = self.app.get_key_display
        found: list[tuple[type, str]] = []
        for module, name, title in SECTIONS:
            try:
                cls = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError):
                continue  # a screen not built yet has no keys to list
            found.append((cls, t(title)))
        if self.origin is not None:
            # The screen you came from first (a form: its own frame's keys).
            found.sort(key=lambda item: not issubclass(self.origin, item[0]))  # type: ignore[arg-type]
        result = [(title, key_help(_screen_bindings(cls), display)) for cls, title in found]
        result.insert(1, (t("ui.help.everywhere"), self._everywhere()))
        result.append((t("ui.help.typing"), self._typing()))
        return [(title, lines) for title, lines in result if lines]

    def _everywhere(self) -> list[KeyHelp]:
        lines = key_help(self.app.BINDINGS, self.app.get_key_display)
        lines.append(KeyHelp("esc", t("ui.help.back")))
        lines.append(KeyHelp("tab / shift+tab", t("ui.help.focus")))
        lines.append(KeyHelp(t("ui.help.footer_key"), t("ui.help.footer")))
        return lines

    def _typing(self) -> list[KeyHelp]:
        return [
            KeyHelp(t("ui.help.dates"), t("ui.field.date_hint")),
            KeyHelp("enter", t("ui.help.enter")),
            KeyHelp("^s", t("ui.help.save")),
            KeyHelp("^e", t("ui.editor.key"), t("ui.editor.key.tip")),
        ]

    @staticmethod
    def _render_lines(lines: Iterable[KeyHelp]) -> Table:
        """Keys in one column, what they do in the other, wrapped under itself."""
        table = Table.grid(padding=(0, 1))
        table.add_column(width=KEY_WIDTH, no_wrap=True)
        table.add_column(ratio=1)
        for line in lines:
            what = Text(line.description)
            if line.tooltip:
                what.append(f" · {line.tooltip}", style="dim")
            table.add_row(Text(line.key, style="bold"), what)
        return table

    def action_close(self) -> None:
        self.dismiss(None)


register(
    {
        "ui.key.close_help": ("Close help", "Sluit help"),
        "ui.help.title": ("Keyboard map", "Alle toetsen"),
        "ui.help.dashboard": ("Dashboard (list of plans)", "Overzicht (lijst van plannen)"),
        "ui.help.plan": ("Plan", "Plan"),
        "ui.help.form_table": ("Plan as the form (f)", "Plan als formulier (f)"),
        "ui.help.progress": ("Progress picture (g)", "Voortgangsbeeld (g)"),
        "ui.help.forms": ("Forms", "Formulieren"),
        "ui.help.history": ("History", "Historiek"),
        "ui.help.evaluation": ("Evaluation", "Evaluatie"),
        "ui.help.signoff": ("Sign-off", "Aftekenen"),
        "ui.help.catalog": ("Catalog", "Catalogus"),
        "ui.help.everywhere": ("Everywhere", "Overal"),
        "ui.help.typing": ("Typing in forms", "Typen in formulieren"),
        "ui.help.back": ("Back, or cancel a form", "Terug, of een formulier annuleren"),
        "ui.help.focus": ("Next / previous field or pane", "Volgend / vorig veld of paneel"),
        "ui.help.footer_key": ("(footer)", "(voetregel)"),
        "ui.help.footer": (
            "The keys for what is selected. A dimmed key cannot act right now: press it to "
            "hear why. When the line is too short the least important are left out; "
            "every key is listed here and in ctrl+p.",
            "De toetsen voor wat gekozen is. Een gedimde toets kan nu niets doen: druk erop "
            "om te horen waarom. Is de regel te kort, dan vallen de minst belangrijke weg; "
            "elke toets staat hier en in ctrl+p.",
        ),
        "ui.help.dates": ("dates", "datums"),
        "ui.help.enter": (
            "Next field; in the last field: save",
            "Volgend veld; in het laatste veld: bewaren",
        ),
        "ui.help.save": ("Save the form from any field", "Bewaar het formulier vanuit elk veld"),
    }
)
