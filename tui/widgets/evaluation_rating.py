"""One competency in the evaluation form: its title, a level from the plan's scale, a comment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

from core.commands import MAX_TEXT
from core.events import LevelSpec, Rating
from core.i18n import language, register, t
from tui.commands import localize_bindings
from tui.widgets.fields import Limited
from tui.widgets.text import literal, one_line


def level_label(level: LevelSpec, lang: str | None = None) -> str:
    """A scale level in the user's language (the plan's own nl / en words)."""
    return level.nl if (lang or language()) == "nl" else level.en


class LevelPicker(Widget, can_focus=True):
    """A level of the scale, or none, chosen with the arrow keys or its number (0 = none).

    One line and one widget: a form with eighteen of these opens quickly over SSH.
    `enter` moves on; a letter typed here is the start of the comment, not lost.
    """

    DEFAULT_CSS = """
    LevelPicker { width: 30; height: 1; background: $boost; padding: 0 1; }
    LevelPicker:focus { background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold; }
    """

    BINDINGS: ClassVar = [
        Binding("right,plus", "step(1)", "ui.evalr.key.next", id="evaluation.level_next"),
        Binding("left,minus", "step(-1)", "ui.evalr.key.previous", id="evaluation.level_prev"),
        Binding("0,delete,backspace", "pick(0)", "ui.evalr.key.clear", id="evaluation.level_clear"),
        *[Binding(str(n), f"pick({n})", "", show=False) for n in range(1, 10)],
        Binding("enter", "submit", "ui.evalr.key.submit", id="evaluation.level_submit"),
    ]

    index: reactive[int] = reactive(0, init=False)
    """0 when not rated, else the 1-based position of the level on the scale."""

    @dataclass
    class Changed(Message):
        picker: LevelPicker

    @dataclass
    class Submitted(Message):
        """Enter on the level: on to its comment."""

        picker: LevelPicker

    @dataclass
    class Typed(Message):
        """Text typed on the picker: it belongs in the comment."""

        text: str

    def __init__(self, levels: list[LevelSpec], *, id: str | None = None) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.levels = levels

    @property
    def value(self) -> str | None:
        """The chosen level's key, or None."""
        return self.levels[self.index - 1].key if self.index else None

    def render(self) -> Content:
        if self.index:
            word = level_label(self.levels[self.index - 1])
            return Content(f"◂ {self.index} {word} ▸")
        return Content(f"◂ {t('ui.evalr.not_rated')} ▸")

    def watch_index(self) -> None:
        self.post_message(self.Changed(self))

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % (len(self.levels) + 1)

    def action_pick(self, n: int) -> None:
        if n <= len(self.levels):
            self.index = n

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def on_key(self, event: events.Key) -> None:
        # Not a key binding: any printable character other than the level keys is text.
        if event.is_printable and event.character and event.character not in "0123456789+- ":
            event.stop()
            self.post_message(self.Typed(event.character))


@dataclass(frozen=True, slots=True)
class RatingState:
    """What a row holds right now (for 'did the user type anything?')."""

    level: str
    comment: str


class EvaluationRating(Horizontal):
    """Level (or not rated) and comment for one competency; `rating` is None when unrated.

    The competency is the frame's title; the line under it shows what the previous
    evaluation said, or what is wrong. Three widgets a row keeps a long form light.
    """

    DEFAULT_CSS = """
    EvaluationRating {
        height: auto;
        padding-left: 4;
        border-top: solid $panel-lighten-2;
        border-title-align: left;
        border-title-color: $foreground;
        border-subtitle-align: left;
        border-subtitle-color: $text-muted;
        border-subtitle-style: italic;
    }
    EvaluationRating.-noted { border-bottom: solid $panel-lighten-2; }
    EvaluationRating.-invalid {
        border-bottom: heavy $error;
        border-subtitle-color: $error;
        border-subtitle-style: bold;
    }
    EvaluationRating Input { width: 1fr; margin-left: 1; }
    """

    @dataclass
    class Submitted(Message):
        """Enter in the comment: the form moves on."""

        rating: EvaluationRating

    def __init__(
        self,
        competency: str,
        title: str,
        scale: list[LevelSpec],
        *,
        previous: str = "",
    ) -> None:
        super().__init__(id=f"rating-{competency}")
        self.competency = competency
        self.scale = scale
        self.previous = previous
        """What the latest earlier evaluation said (level and comment), shown as a reminder."""
        self.border_title = Content.assemble((competency, "bold"), " ", literal(one_line(title)))
        self._note(None)
        self.picker = LevelPicker(scale, id=f"level-{competency}")
        self.comment = Input(
            placeholder=t("ui.evalr.comment"),
            validators=[Limited(MAX_TEXT)],
            compact=True,
            # Text typed on the level moves here; selected, the next key would replace it.
            select_on_focus=False,
            id=f"comment-{competency}",
        )
        self.comment.cursor_blink = False

    def compose(self) -> ComposeResult:
        yield self.picker
        yield self.comment

    def _note(self, problem: str | None) -> None:
        """Under the row: the problem if there is one, else the previous evaluation."""
        note = f"✘ {problem}" if problem else self.previous
        self.border_subtitle = literal(one_line(note)) if note else None
        self.set_class(problem is not None, "-invalid")
        self.set_class(bool(note) and problem is None, "-noted")

    @property
    def message(self) -> str:
        """The line under the row, as shown."""
        return str(self.border_subtitle or "")

    @property
    def level(self) -> str | None:
        return self.picker.value

    @property
    def state(self) -> RatingState:
        return RatingState(self.level or "", self.comment.value)

    @property
    def rating(self) -> Rating | None:
        level = self.level
        if level is None:
            return None
        return Rating(self.competency, level, self.comment.value.strip())

    def problem(self) -> str | None:
        """A comment that is too long, or one without a level (it would be lost)."""
        result = self.comment.validate(self.comment.value)
        if result is not None and not result.is_valid:
            return "; ".join(result.failure_descriptions)
        if self.level is None and self.comment.value.strip():
            return t("ui.evalr.comment_needs_level")
        return None

    def check(self) -> bool:
        problem = self.problem()
        self._note(problem)
        return problem is None

    @on(LevelPicker.Changed)
    @on(Input.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        if self.has_class("-invalid") or self.problem():
            self.check()

    @on(LevelPicker.Submitted)
    def _level_chosen(self, event: LevelPicker.Submitted) -> None:
        event.stop()
        self.comment.focus()

    @on(LevelPicker.Typed)
    def _typed(self, event: LevelPicker.Typed) -> None:
        event.stop()
        self.comment.insert_text_at_cursor(event.text)
        self.comment.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.check():
            self.post_message(self.Submitted(self))


register(
    {
        "ui.evalr.not_rated": ("— not rated", "— niet beoordeeld"),
        "ui.evalr.key.next": ("Next level", "Volgend niveau"),
        "ui.evalr.key.previous": ("Previous level", "Vorig niveau"),
        "ui.evalr.key.clear": ("Not rated", "Niet beoordeeld"),
        "ui.evalr.key.submit": ("Next field", "Volgend veld"),
        "ui.evalr.comment": ("comment (optional)", "commentaar (niet verplicht)"),
        "ui.evalr.comment_needs_level": (
            "Choose a level for this comment, or clear the comment.",
            "Kies een niveau bij dit commentaar, of wis het commentaar.",
        ),
    }
)
