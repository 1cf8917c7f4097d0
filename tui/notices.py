"""Other people's changes told in one notice: counted per person and plan, replaced rather
than stacked, and held back while a form is open (a toast there would cover its fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.notifications import Notification, Notify
from textual.screen import ModalScreen

from core.i18n import register, t

if TYPE_CHECKING:
    from textual.app import App

NOTICE_SECONDS = 6
GROUPS_SHOWN = 3
"""Lines in the notice; more people or plans than this are counted on the last line."""


@dataclass
class ChangeTally:
    """What others changed since the notice on screen appeared: per (person, plan), what."""

    groups: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, actor: str, plan: str, what: str) -> None:
        self.groups.setdefault((actor, plan), []).append(what)

    def lines(self) -> list[str]:
        """'jan completed A3.2.1 (P2)' for one change, '3 changes by jan in P2' for more."""
        found = []
        for (actor, plan), whats in self.groups.items():
            if len(whats) == 1:
                found.append(t("ui.change_by_other", actor=actor, what=whats[0], plan=plan))
            else:
                found.append(t("ui.changes_by", count=len(whats), actor=actor, plan=plan))
        if len(found) > GROUPS_SHOWN:
            rest = list(self.groups.values())[GROUPS_SHOWN - 1 :]
            found = [*found[: GROUPS_SHOWN - 1], t("ui.changes_more", count=sum(map(len, rest)))]
        return found


class ChangeNotices:
    """The one notice of other people's changes an app shows at a time."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.tally = ChangeTally()
        self.shown: Notification | None = None
        self.held = False
        """Changes arrived while a form was open: told when it closes."""

    @property
    def text(self) -> str:
        """What the notice says (or would say, when held back)."""
        return "\n".join(self.tally.lines())

    def tell(self, changes: list[tuple[str, str, str]]) -> None:
        """Add (person, plan, what was done) to the notice on screen, or start a new one."""
        if not changes:
            return
        if not self.held and (self.shown is None or self.shown.has_expired):
            self.tally = ChangeTally()  # the last notice is gone: start counting afresh
        for actor, plan, what in changes:
            self.tally.add(actor, plan, what)
        self.show()

    def show(self) -> None:
        """Put the tally on screen, replacing the notice before it; not over a form."""
        if not self.tally.groups:
            return
        if isinstance(self.app.screen, ModalScreen):
            self.held = True
            return
        self.held = False
        if self.shown is not None:
            self.app._unnotify(self.shown)
        self.shown = Notification(self.text, timeout=NOTICE_SECONDS, markup=False)
        self.app.post_message(Notify(self.shown))

    def form_opened(self) -> None:
        """Take the notice off the screen while a form is open; it comes back after."""
        if self.shown is not None and not self.shown.has_expired:
            self.app._unnotify(self.shown)
            self.shown = None
            self.held = True

    def screen_changed(self) -> None:
        """A form closed (or another screen came on top): tell what was held back."""
        if self.held:
            self.show()


register(
    {
        "ui.change_by_other": ("{actor} {what} ({plan})", "{actor}: {what} ({plan})"),
        "ui.changes_by": (
            "{count} changes by {actor} in {plan}",
            "{count} wijzigingen door {actor} in {plan}",
        ),
        "ui.changes_more": (
            "and {count} more changes by others",
            "en nog {count} wijzigingen door anderen",
        ),
    }
)
