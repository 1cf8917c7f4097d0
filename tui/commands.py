"""Key descriptions and the command palette, both built from the screens' own Bindings.

Binding descriptions are i18n keys ("ui.key.done"). `localize_bindings` renders
them in the current language when a screen is pushed, so the footer, the help
screen and the command palette (ctrl+p) all show the same words for the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from core.i18n import register, t, translations
from tui.widgets.text import literal, visible

if TYPE_CHECKING:
    from textual.dom import DOMNode


def localize_bindings(node: DOMNode) -> None:
    """Render the node's binding descriptions and tooltips (i18n keys) in the current language.

    Textual copies a class's bindings into each instance; translating that copy
    (rather than the class) lets one process show Dutch and English screens.
    """
    bindings: BindingsMap = node._bindings
    node._bindings = BindingsMap.from_keys(
        {
            key: [_localized(binding) for binding in key_bindings]
            for key, key_bindings in bindings.key_to_bindings.items()
        }
    )


def _localized(binding: Binding) -> Binding:
    return replace(
        binding,
        description=t(binding.description) if binding.description else "",
        tooltip=t(binding.tooltip) if binding.tooltip else "",
    )


@dataclass(frozen=True, slots=True)
class KeyHelp:
    """One line of the keyboard map: the key as shown, what it does, and more words on it."""

    key: str
    description: str
    tooltip: str = ""


def key_help(bindings: Iterable[Binding], key_display: partial[str] | None = None) -> list[KeyHelp]:
    """The keyboard map of a list of bindings (a class's BINDINGS), translated.

    Bindings for the same action (`?` and `f1` for help) share one line.
    """
    lines: dict[str, KeyHelp] = {}
    for binding in Binding.make_bindings(bindings):
        if not binding.description:
            continue
        shown = key_display(binding) if key_display else binding.key
        line = lines.get(binding.action)
        if line is None:
            lines[binding.action] = KeyHelp(shown, t(binding.description), t(binding.tooltip))
        elif shown not in line.key.split(" / "):
            lines[binding.action] = replace(line, key=f"{line.key} / {shown}")
    return list(lines.values())


SYSTEM_WEIGHT = 0.9
"""An app-wide command (theme, quit) ranks below a screen's own that matches as well."""


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    title: str
    help: str
    callback: object
    others: tuple[str, ...] = ()
    """The title in the other languages: typing those finds the command too."""
    weight: float = 1.0


class ScreenCommands(Provider):
    """Every action the current screen offers through its bindings (what the footer shows,
    and the keys it hides for lack of room), plus any extra commands the screen yields,
    then the app-wide ones; each found by its words in either language.

    The app's only provider, so its own commands come first in the list."""

    def _all(self) -> Iterator[PaletteCommand]:
        for title, help_text, callback in self._commands():
            yield PaletteCommand(title, help_text, callback, tuple(translations(title)))
        # The app-wide ones last.
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                others = tuple(translations(title))
                yield PaletteCommand(title, help_text, callback, others, SYSTEM_WEIGHT)

    def _commands(self) -> Iterator[tuple[str, str, object]]:
        screen = self.screen
        seen: set[str] = set()
        palette_key = self.app.COMMAND_PALETTE_BINDING
        every = getattr(screen, "all_active_bindings", None)
        bindings = every() if callable(every) else screen.active_bindings
        for key, active in bindings.items():
            binding = active.binding
            if not binding.description or key == palette_key or binding.action in seen:
                continue
            if not active.enabled:
                continue
            if not translations(binding.description):
                continue  # a Textual widget's own key (Cursor up): not a command of leerpad's
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            help_text = t("ui.palette.key", key=shown)
            if binding.tooltip:
                help_text = f"{help_text} · {binding.tooltip}"
            yield (
                binding.description,
                help_text,
                partial(self.app.run_action, binding.action, active.node),
            )
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()

    async def discover(self) -> Hits:
        for command in self._all():
            yield DiscoveryHit(
                literal(command.title),
                command.callback,  # type: ignore[arg-type]
                text=command.title,
                help=literal(command.help),  # type: ignore[arg-type]
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._all():
            title = visible(command.title)
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            help_text = command.help
            for other in command.others:
                # Found by its name in the other language: say that name beside the key.
                other_score, _ = matcher.fuzzy_search.match(matcher.query, other)
                if other_score > score:
                    score, offsets = other_score, ()
                    help_text = f"{other} · {help_text}"
            if score > 0:
                yield Hit(
                    score * command.weight,
                    _highlight(title, offsets, matcher.match_style),
                    command.callback,  # type: ignore[arg-type]
                    text=title,
                    help=literal(help_text),  # type: ignore[arg-type]
                )


def _highlight(title: str, offsets: Iterable[int], style: object) -> Content:
    """Like Matcher.highlight, but the title (a trainee's name, say) is never markup."""
    content = literal(title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(style, offset, offset + 1)  # type: ignore[arg-type]
    return content


register(
    {
        "ui.palette.key": ("key: {key}", "toets: {key}"),
        "ui.palette.placeholder": ("Search for an action…", "Zoek een actie…"),
    }
)
