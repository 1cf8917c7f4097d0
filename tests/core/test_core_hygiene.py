"""The core stays a domain library: it never pulls in the terminal UI toolkits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORE_MODULES = [
    "core.store",
    "core.commands",
    "core.projections",
    "core.history",
    "core.events",
    "core.log",
    "core.verify",
    "core.dates",
    "core.i18n",
]


def test_core_imports_neither_textual_nor_rich() -> None:
    code = (
        f"import {', '.join(CORE_MODULES)}; import sys; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_import_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml (core and catalog import no UI)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
