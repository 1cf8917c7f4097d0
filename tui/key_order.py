"""Keys typed ahead are handled in order, each by what has the focus once the one before is done.

Textual hands each key from the terminal to the widget focused *when the key is read*,
by posting it to that widget's queue. A burst of keys (tmux send-keys 'abc' Tab 'def',
a paste of keystrokes, a fast typist over SSH) is read all at once, so every key of it
goes to the same widget: `tab` only moves the focus when it comes back up to the app's
bindings, after 'def' was already given to the first field; a key that opens a form
or a find line loses the text typed after it, which lands on the screen below.

The app therefore hands out one key at a time: the next waits until the previous one
was used (a widget stopped it) or came back up through the bindings, and until what
that started is done: the messages it set off (enter submits a field, the form moves
on), a screen being mounted, a focus change queued with `call_later`.
"""

from __future__ import annotations

import time
from collections import deque

from textual import events
from textual.app import App

SETTLE_SECONDS = 0.002
"""How often a held key checks whether the one before it is done."""

GIVE_UP_SECONDS = 0.5
"""A key never seen again (its widget was removed) stops holding the others after this."""


class KeyOrder(App[None]):
    """An App whose keys from the terminal are handed out one at a time, in order."""

    def __init__(self) -> None:
        super().__init__()
        self._held: deque[events.Key] = deque()
        self._flying: events.Key | None = None
        self._flying_since = 0.0
        self._back: set[int] = set()
        """ids of keys that came back up to the app (see _on_key)."""
        self._settling = False

    def _done(self, key: events.Key) -> bool:
        if time.monotonic() - self._flying_since > GIVE_UP_SECONDS:
            return True
        if not (key._stop_propagation or id(key) in self._back):
            return False
        screen = self.screen
        if not screen.is_mounted:
            return False
        return all(node.message_queue_size == 0 for node in screen.walk_children(with_self=True))

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if self._held or (self._flying is not None and not self._done(self._flying)):
            self._held.append(event)
            self._settle()
            return
        await self._hand_out(event)

    async def _hand_out(self, key: events.Key) -> None:
        self._back.clear()
        self._flying, self._flying_since = key, time.monotonic()
        await super().on_event(key)
        if not key.is_forwarded:
            self._back.add(id(key))  # a priority binding of the app took it

    async def _on_key(self, event: events.Key) -> None:
        # The key came back up through the widgets. Textual calls every class's _on_key,
        # so App's (the bindings) runs right after this, before any held key is looked at.
        self._back.add(id(event))

    def _settle(self) -> None:
        if not self._settling:
            self._settling = True
            self.set_timer(SETTLE_SECONDS, self._check_held)

    def _check_held(self) -> None:
        self._settling = False
        if not self._held:
            return
        if self._flying is not None and not self._done(self._flying):
            self._settle()
            return
        # Whatever the last key queued for the app (a focus change, say) runs first.
        self._settling = True
        self.call_later(self._next_held)

    async def _next_held(self) -> None:
        self._settling = False
        if self._held:
            await self._hand_out(self._held.popleft())
        if self._held:
            self._settle()
