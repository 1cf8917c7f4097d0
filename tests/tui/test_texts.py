"""Pure pieces of the UI: every key described in both languages, literal text, small renderers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tui_support import TODAY

from core import i18n
from core.planview import action_view
from core.projections import ActionState
from tui.app import LeerpadApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.forms import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.plan import PlanScreen
from tui.widgets.plan_table import PlanTable
from tui.widgets.plan_tree import PlanTree
from tui.widgets.text import action_word, change_text, literal, progress_bar, visible

KEYED = (LeerpadApp, DashboardScreen, PlanScreen, FormScreen, HelpScreen, PlanTable, PlanTree)


@pytest.mark.parametrize("owner", KEYED, ids=lambda c: c.__name__)
def test_every_key_is_described_in_both_languages(owner):
    for binding in owner.BINDINGS:
        for key in (binding.description, binding.tooltip):
            if not key:
                continue
            assert key.startswith("ui."), key
            en, nl = i18n.t(key, "en"), i18n.t(key, "nl")
            assert en != key and nl != key, f"{owner.__name__}: {key} is not registered"


def test_control_characters_become_visible_and_markup_stays_text():
    assert visible("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert visible("line\nnext\ttab") == "line\nnext\ttab"
    assert visible("abc\u202edcba") == "abc\\u202edcba"  # a right-to-left override stays inert
    assert literal("[bold red]x[/]").plain == "[bold red]x[/]"


def test_progress_bar_and_status_words():
    assert progress_bar(0, 6) == "░░░░░░"
    assert progress_bar(50, 6) == "███░░░"
    assert progress_bar(140, 6) == "██████"
    action = ActionState("A1.1.1", "x", due=TODAY)

    def word(long: bool = False) -> str:
        return action_word(action_view(action, "A1.1", action.status(TODAY)), long=long)

    i18n.set_language("nl")
    assert word() == "gepland 25/11"
    action.done_on = TODAY
    assert word(long=True) == "afgewerkt 25/11/2026"
    i18n.set_language("en")
    action.dropped = "no phone"
    assert word() == "n/a"


def test_history_changes_are_translated_only_where_they_hold_no_user_text():
    i18n.set_language("nl")
    assert change_text("action.completed", "planned 18/09/2026") == "gepland 18/09/2026"
    assert change_text("plan.signed", "version 16") == "versie 16"
    # A trainee called "open" is a name, not a status.
    assert change_text("plan.created", "open, 01/09/2026, 20 weeks").startswith("open,")
    assert change_text("action.added", "done by the trainee") == "done by the trainee"


def test_the_keys_of_the_first_screens_are_described_before_anything_else_is_imported():
    """Screens import some forms only when a key needs them: the words of every key they
    show must not live in those forms (a fresh interpreter, as at start-up)."""
    script = (
        "from core import i18n\n"
        "from tui.app import LeerpadApp\n"
        "from tui.screens.dashboard import DashboardScreen\n"
        "from tui.screens.plan import PlanScreen\n"
        "from tui.widgets.plan_table import PlanTable\n"
        "from tui.widgets.plan_tree import PlanTree\n"
        "for owner in (LeerpadApp, DashboardScreen, PlanScreen, PlanTable, PlanTree):\n"
        "    for b in owner.BINDINGS:\n"
        "        for key in (b.description, b.tooltip):\n"
        "            if key and i18n.t(key, 'en') == key:\n"
        "                print(key)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == ""
