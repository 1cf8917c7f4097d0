"""The key footer, rebuilt only when the keys it shows changed.

Textual's Footer rebuilds all its keys whenever the screen says its bindings may have
changed: every focus move and every `refresh_bindings`. Most of those change nothing
shown, and each rebuild restyles a dozen widgets (over SSH, on every key press). It also
builds no key before the screen first says so, after the screen's first frame: a second
layout of the whole screen before it is complete.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """A Footer that keeps its keys while what it would show is the same."""

    _shown: tuple[Any, ...] | None = None

    def _what_is_shown(self) -> tuple[Any, ...]:
        """Everything `compose` reads to build the keys (the keys shown and the palette's)."""
        app = self.app
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            tuple(
                (
                    name,
                    binding.key,
                    app.get_key_display(binding),
                    binding.action,
                    binding.description,
                    binding.tooltip,
                    binding.group,
                    enabled,
                    tooltip,
                )
                for name, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or name == app.COMMAND_PALETTE_BINDING
            ),
        )

    def compose(self) -> ComposeResult:
        # Built with the screen: its keys are known by now, and when focus settles and the
        # screen says its bindings changed, `recompose` keeps these if they are the same.
        self.set_reactive(TextualFooter._bindings_ready, True)
        self._shown = self._what_is_shown()
        for widget in super().compose():
            # A key takes the footer's `compact` as it mounts, and its watcher then adds the
            # class and restyles that key on its own: a dozen restyles after the first frame.
            # With the class given up front the watcher finds it there and does nothing.
            if self.compact and isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        shown = self._what_is_shown() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
