"""Find-as-you-type over a list of places: one input line with one status beside it.

The bar only reports what was typed and asked for (next, previous, keep, give up);
the screen moves its own cursor and tells the bar, through `status`, what it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from core.i18n import register, t
from tui.commands import localize_bindings


class FindBar(Horizontal):
    """Hidden until `open()`; `escape` posts Closed(keep=False), `enter` Closed(keep=True)."""

    DEFAULT_CSS = """
    FindBar { display: none; height: 1; background: $panel; }
    FindBar.-active { display: block; }
    FindBar > Input { width: 1fr; background: $panel; }
    FindBar > Input:focus { background: $panel-lighten-1; }
    FindBar > Static { width: auto; max-width: 50%; padding: 0 1; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    FindBar.-none > Static { color: $text-warning; text-style: bold; }
    """

    BINDINGS: ClassVar = [
        Binding("down", "step(1)", "ui.find.key.next", id="find.next"),
        Binding("up", "step(-1)", "ui.find.key.previous", id="find.previous"),
        Binding("escape", "close(False)", "ui.find.key.cancel", id="find.cancel"),
    ]

    status: reactive[str] = reactive("", layout=False)
    """What the search found, as the screen tells it (one line, replaced on every key)."""

    @dataclass
    class Search(Message):
        """Find `query`: from where the search began (step 0), or the next / previous match."""

        query: str
        step: int

    @dataclass
    class Closed(Message):
        """The bar was closed: stay on the match (keep) or go back to where the search began."""

        keep: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.input = Input(placeholder=t("ui.find.placeholder"), compact=True)
        self.input.cursor_blink = False
        self.found = True

    def compose(self) -> ComposeResult:
        yield self.input
        yield Static()

    @property
    def active(self) -> bool:
        return self.has_class("-active")

    def open(self) -> None:
        """Show the bar with an empty query and the focus in it."""
        self.input.value = ""
        self.status = t("ui.find.hint")
        self.set_class(False, "-none")
        self.add_class("-active")
        self.input.focus()

    def show(self, status: str, *, found: bool) -> None:
        """What the search found (or that nothing matches)."""
        self.status = status
        self.set_class(not found, "-none")

    def watch_status(self, status: str) -> None:
        self.query_one(Static).update(Content(status))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Search(event.value, 0))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_close(True)

    def action_step(self, step: int) -> None:
        self.post_message(self.Search(self.input.value, step))

    def action_close(self, keep: bool) -> None:
        self.remove_class("-active")
        self.post_message(self.Closed(keep))


register(
    {
        "ui.find.placeholder": (
            "Find: an id such as a3.2.1, or words from the text",
            "Zoek: een id zoals a3.2.1, of woorden uit de tekst",
        ),
        "ui.find.hint": (
            "↓↑ next/previous · enter: go · esc: back",
            "↓↑ volgende/vorige · enter: ga · esc: terug",
        ),
        "ui.find.found": (
            "{node} · {n} of {count} · ↓↑ enter esc",
            "{node} · {n} van {count} · ↓↑ enter esc",
        ),
        "ui.find.none": ("nothing matches “{query}”", "niets past bij “{query}”"),
        "ui.find.key.next": ("Next match", "Volgende"),
        "ui.find.key.previous": ("Previous match", "Vorige"),
        "ui.find.key.cancel": ("Back to where you were", "Terug naar waar je was"),
    }
)
