"""The plan screen's signature verdicts: ssh-keygen runs in a thread worker, never on the UI
thread; the detail pane shows what is known and is shown again when the rest is decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from core import signoffs
from core.projections import PlanState, SignOff
from core.signoffs import Checker, Verdict

if TYPE_CHECKING:
    from tui.screens.plan import PlanScreen

    _Base = PlanScreen
else:
    _Base = object


class SignatureVerdicts(_Base):
    """Mixed into PlanScreen. The checker (and its cache, one verdict per signed message) is
    the site's default checker as the worker last found it."""

    _checker: Checker | None = None
    _checking: frozenset[int] = frozenset()
    """The seqs of the sign-offs a worker is checking now."""

    def signature_verdicts(self, plan: PlanState) -> dict[int, Verdict]:
        """The verdicts known now; the others are checked in a worker."""
        log_id = self.state.log_id
        found = signoffs.known_verdicts(log_id, plan, self._checker)
        waiting = [s for s in plan.signoffs if s.seq not in found]
        if waiting and not {s.seq for s in waiting} <= self._checking:
            self._checking = frozenset(s.seq for s in waiting)
            self._check_signatures(log_id, plan.id, waiting)
        return found

    @work(thread=True, exclusive=True, group="signatures")
    def _check_signatures(self, log_id: str, plan_id: str, waiting: list[SignOff]) -> None:
        checker = signoffs.default_checker()
        for signoff in waiting:
            checker.verdict(log_id, plan_id, signoff)
        self.app.call_from_thread(self._signatures_checked, checker)

    def _signatures_checked(self, checker: Checker) -> None:
        self._checker = checker
        self._checking = frozenset()
        if self.is_attached and self._shown_node is not None:
            self._show_detail(self._shown_node)
