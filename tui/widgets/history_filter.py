"""What the history screen shows: a filter on plan, person, kind and text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.history import HistoryEntry


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the history shows: every field empty means everything."""

    plan: str = ""
    actor: str = ""
    kind: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.plan or self.actor or self.kind or self.text.strip())

    def matches(self, entry: HistoryEntry, haystack: Callable[[HistoryEntry], str]) -> bool:
        """Whether `entry` passes; `haystack` gives its searchable text (casefolded)."""
        if self.plan and entry.plan != self.plan:
            return False
        if self.actor and entry.actor != self.actor:
            return False
        if self.kind and entry.kind != self.kind:
            return False
        needle = self.text.strip().casefold()
        return not needle or needle in haystack(entry)
