"""What every subcommand shares: exit codes, the store in effect, "today", output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from core import i18n
from core.commands import Rejected
from core.dates import DateError, parse_date
from core.store import Decide, ReadOnly, Store, StoreError

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_STORE = 3

TODAY_VARIABLE = "LEERPAD_TODAY"
"""For tests and demos only: pretend today is this date (it never changes who acts)."""


class Fail(Exception):
    """Stop the command with a message on stderr and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Context:
    store_path: Path
    store_source: str
    """Where the store path came from (--store, LEERPAD_STORE, a config file, the default)."""
    lang: str
    today: date
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace, *, today: date | None = None) -> Context:
        from core.config import resolve_language, resolve_store

        lang = resolve_language(args.lang)
        i18n.set_language(lang)
        path, source = resolve_store(args.store)
        if today is None:
            override = os.environ.get(TODAY_VARIABLE)
            today = date.fromisoformat(override) if override else date.today()
        return cls(store_path=path, store_source=source, lang=lang, today=today)

    def store(self, *, create: bool = True) -> Store:
        if self._store is None:
            try:
                self._store = Store.open(self.store_path, create=create)
            except StoreError as exc:
                raise Fail(str(exc), EXIT_STORE) from exc
            for notice in self._store.notices:
                print(f"leerpad: {notice}", file=sys.stderr)
        return self._store

    def execute(self, decide: Decide) -> Any:
        """Run a command through the store, turning refusals into exit codes."""
        store = self.store()
        try:
            return store.execute(decide)
        except Rejected as exc:
            raise Fail(exc.message(self.lang), EXIT_REJECTED) from exc
        except ReadOnly as exc:
            raise Fail(str(exc), EXIT_STORE) from exc
        except StoreError as exc:
            raise Fail(str(exc), EXIT_STORE) from exc

    def date(self, text: str) -> date:
        try:
            return parse_date(text, self.today)
        except DateError as exc:
            raise Fail(str(exc), EXIT_USAGE) from exc

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def print_json(value: Any) -> None:
    """Stable JSON: msgspec's encoding of structs/dates, keys in declaration order."""
    sys.stdout.write(json.dumps(json.loads(msgspec.json.encode(value)), indent=2, ensure_ascii=False))
    sys.stdout.write("\n")
