"""Turning domain values into display text: user text kept literal, statuses as symbol + word.

Everything a user typed goes through `literal` so that markup like `[bold]` or a
terminal escape sequence is shown as typed, never interpreted.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.content import Content

from core import safe
from core.i18n import fmt_date, fmt_short_date, register, t
from core.projections import Status

if TYPE_CHECKING:  # the dashboard's first paint needs no plan views
    from core.planview import ActionView


def visible(text: str) -> str:
    """Control characters (a terminal escape's ESC, a bell, a bidi override) as visible escapes
    such as `\\x1b`; newlines and tabs stay."""
    return safe.visible(text, multiline=True)


def literal(text: str, style: str = "") -> Content:
    """User text as Content that is never parsed as markup."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def literal_text(text: str, style: str | Style = "") -> Text:
    """User text as a Rich Text (for widgets such as DataTable and Tree that take Rich)."""
    return Text(visible(text), style=style, end="")


def one_line(text: str) -> str:
    """Collapse whitespace so a paragraph fits a single table or tree line."""
    return " ".join(visible(text).split())


def action_word(action: ActionView, *, long: bool = False) -> str:
    """The status word an action shows (open, planned 01/12, overdue 01/12, done 01/12, n/a)."""
    status = action.status
    word = t(f"status.{status.value}")
    show = fmt_date if long else fmt_short_date
    if status is Status.DONE:
        return f"{word} {show(action.done_on)}"
    if status in (Status.PLANNED, Status.OVERDUE):
        return f"{word} {show(action.due)}"
    return word


STATUS_STYLE = {
    Status.OPEN: "",
    Status.PLANNED: "",
    Status.OVERDUE: "bold $error",
    Status.DONE: "$success",
    Status.NA: "dim",
}
"""Colour only repeats what the symbol and word already say."""

STATUS_COMPONENT = {status: f"status--{status.value}" for status in Status}
"""Component classes a Rich-rendering widget (Tree, DataTable) styles statuses with."""

STATUS_CSS = """
    .status--overdue { color: $error; text-style: bold; }
    .status--done { color: $success; }
    .status--na { color: $text-muted; }
    .status--open, .status--planned { }
"""


EXPECTED_MARK = "┃"


def progress_bar(percent: float, width: int = 10, *, expected: float | None = None) -> str:
    """A text progress bar that reads the same in 16 colours or none: '██████░░░░'.

    With `expected`, the cell where the plan should be by now is marked '┃' ('|' in ASCII):
    done blocks short of it say "behind" without a colour."""
    filled = round(max(0.0, min(100.0, percent)) * width / 100)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if expected is not None and expected > 0:
        cells[min(width - 1, math.ceil(min(100.0, expected) * width / 100) - 1)] = EXPECTED_MARK
    return "".join(cells)


def date_or_dash(value: date | None) -> str:
    return fmt_date(value)


_STATUS_WORDS = re.compile(r"^(open|n/a|done|planned|version|completed|stopped)\b")
_WORD_KEYS = {
    "open": "status.open",
    "n/a": "status.na",
    "done": "status.done",
    "planned": "status.planned",
    "version": "ui.word.version",
    "completed": "outcome.completed",
    "stopped": "outcome.stopped",
}
# Kinds whose before/after core.history builds from status words and dates only (no user text).
_WORDS_ONLY = ("action.", "plan.signed", "plan.closed", "plan.reopened")


def change_text(kind: str, value: str) -> str:
    """A history entry's before/after in the user's language, where it holds no user text.

    core.history writes these values in English; translating the leading status word
    of the kinds built only from status words and dates is safe.
    """
    if not kind.startswith(_WORDS_ONLY) or kind == "action.added":
        return value
    match = _STATUS_WORDS.match(value)
    if match is None:
        return value
    return t(_WORD_KEYS[match.group(1)]) + value[match.end() :]


register(
    {
        # Plan fields, shared by the plan form and the detail pane.
        "ui.label.occupation": ("Occupation", "Beroep"),
        "ui.label.trainee": ("Trainee", "Cursist"),
        "ui.label.contract": ("Contract no.", "Contractnummer"),
        "ui.label.company": ("Company", "Bedrijf"),
        "ui.label.contact": ("Contact person", "Contactpersoon"),
        "ui.label.start": ("Start", "Start"),
        "ui.label.weeks": ("Weeks", "Weken"),
        "ui.label.behind": ("behind", "achterop"),
        "ui.label.on_track": ("on track", "op schema"),
        "ui.label.erased": ("erased", "gewist"),
        "ui.label.overdue": ("Overdue", "Te laat"),
        "ui.label.next_due": ("Next due", "Volgende"),
        "ui.word.version": ("version", "versie"),
    }
)
