"""The one-line title bar, and the warning banner (read-only store, old version, closed plan)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


class TitleBar(Static):
    """The screen's title on one line: what you are looking at."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
    }
    """

    title: reactive[Content] = reactive(Content(""), layout=False)

    def watch_title(self, title: Content) -> None:
        self.update(title)


class Banner(Static):
    """A warning across the top of a screen; hidden while its message is empty."""

    DEFAULT_CSS = """
    Banner {
        height: auto;
        max-height: 3;
        width: 1fr;
        background: $warning;
        color: $text;
        text-style: bold;
        padding: 0 1;
        display: none;
    }
    Banner.-shown { display: block; }
    """

    message: reactive[str] = reactive("", layout=True)

    def watch_message(self, message: str) -> None:
        self.set_class(bool(message), "-shown")
        # The symbol says "warning" without colour; the message is never markup.
        self.update(Content.assemble("⚠ ", message) if message else Content(""))
