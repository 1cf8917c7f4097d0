"""What every subcommand shares: exit codes, the store in effect, "today", output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from core import access, config, i18n, readmodel
from core.commands import Rejected
from core.dates import DateError, check_today, parse_date
from core.i18n import fmt_date, t
from core.identity import command_name
from core.projections import PlanState, StoreState
from core.safe import json_text as safe_json
from core.safe import visible
from core.storage import MissingDriver, shown_location
from core.store import LOG_NAME, Decide, ReadOnly, Store, StoreError
from core.team import NoAccess, require_access, shared_group

if TYPE_CHECKING:
    from catalog import Catalog
    from catalog.schema import Profile

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_BUG = 4
"""Not part of the contract: an unexpected error, i.e. a bug in leerpad."""

TODAY_VARIABLE = "LEERPAD_TODAY"
"""For tests and demos only: pretend today is this date (it never changes who acts)."""

i18n.register(
    {
        "cli.no_store": (
            "There is no leerpad store at {path} yet: '{leerpad} plan new' creates one, "
            "'{leerpad} demo' makes one with example plans.",
            "Er is nog geen leerpad-opslag in {path}: '{leerpad} plan new' maakt er een aan, "
            "'{leerpad} demo' maakt er een met voorbeeldplannen.",
        ),
        "cli.store_not_dir": (
            "The store {path} is not a directory.",
            "De opslag {path} is geen map.",
        ),
        "cli.store_os": (
            "Cannot use the store at {path}: {why}.",
            "Kan de opslag in {path} niet gebruiken: {why}.",
        ),
        "cli.config": (
            "The config file {path} cannot be used: {problem}.",
            "Het configuratiebestand {path} is onbruikbaar: {problem}.",
        ),
        "cli.config_unknown": (
            "warning: {path} has settings leerpad does not know ({keys}); they are ignored.",
            "waarschuwing: {path} bevat instellingen die leerpad niet kent ({keys}); "
            "ze worden genegeerd.",
        ),
        "cli.config_site_only": (
            "warning: {path} sets {keys}, which only the site config may set; ignored.",
            "waarschuwing: {path} zet {keys}, wat enkel de siteconfiguratie mag; genegeerd.",
        ),
        "cli.config_user_only": (
            "warning: {path} sets {keys}, which is personal (your own config); ignored.",
            "waarschuwing: {path} zet {keys}, wat persoonlijk is (je eigen configuratie); "
            "genegeerd.",
        ),
        "cli.today_pinned": (
            "{var} is set: acting as if today were {day} (a demo and test setting).",
            "{var} is ingesteld: leerpad doet alsof het vandaag {day} is "
            "(een instelling voor demo's en tests).",
        ),
        "cli.today_shared": (
            "{var} is set, and {path} is a store shared with group {group}: a pinned date "
            "is for demos and tests and is never used on a shared store; unset {var}.",
            "{var} is ingesteld, en {path} is een opslag die gedeeld wordt met groep {group}: "
            "een vaste datum is voor demo's en tests en wordt nooit gebruikt op een gedeelde "
            "opslag; verwijder {var}.",
        ),
        "cli.today_var": (
            "{var}={value!r} is not a date: use YYYY-MM-DD.",
            "{var}={value!r} is geen datum: gebruik JJJJ-MM-DD.",
        ),
        "cli.damaged": (
            "warning: the store is read-only: {reason}",
            "waarschuwing: de opslag is alleen-lezen: {reason}",
        ),
        "cli.catalog_problem": (
            "warning: catalog file skipped: {problem}",
            "waarschuwing: catalogusbestand overgeslagen: {problem}",
        ),
        "cli.occupation": ("{detail}.", "{detail}."),
        "cli.stdin_not_utf8": (
            "Standard input is not valid UTF-8 text (at byte {offset}): nothing was written.",
            "De standaardinvoer is geen geldige UTF-8-tekst (bij byte {offset}): er is niets "
            "geschreven.",
        ),
        "cli.needs_directory": (
            "This works on a store directory only, not on the database store {location}.",
            "Dit werkt alleen met een opslagmap, niet met de databaseopslag {location}.",
        ),
    }
)


class Fail(Exception):
    """Stop the command with a message on stderr and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def warn(message: str) -> None:
    print(f"leerpad: {message}", file=sys.stderr)


PATH_ARGUMENTS = frozenset({"store", "dir", "file", "output"})
"""Options that name files: any bytes the file system allows are fine there."""


def shown_bytes(text: str) -> str:
    """`text` as typed, undecodable bytes written as \\xff (for a message about them)."""
    raw = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return visible(raw)


def _has_undecodable(text: str) -> bool:
    # Python hands undecodable argv and stdin bytes over as lone surrogates.
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def undecodable(args: argparse.Namespace) -> str | None:
    """The first text argument holding bytes that are not UTF-8, shown, or None."""
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _has_undecodable(item):
                return shown_bytes(item)
    return None


def read_stdin() -> str:
    """Standard input as text; Fail (exit 2) when it is not UTF-8."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:
        text = sys.stdin.read()
        if not _has_undecodable(text):
            return text
        data = text.encode("utf-8", "surrogateescape")
    else:
        data = raw.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Fail(t("cli.stdin_not_utf8", offset=exc.start), EXIT_USAGE) from None


class Context:
    # A plain class, not a dataclass: generating one costs ~1 ms of every start-up.
    def __init__(self, store_path: Path | str, store_source: str, lang: str, today: date) -> None:
        self.store_path = store_path
        """The store's directory, or a postgresql:// URL for a database store."""
        self.store_source = store_source
        """Where the store path came from: one of core.config's SOURCE_* names."""
        self.lang = lang
        self.today = today
        self.today_pinned = False
        """Today comes from LEERPAD_TODAY (a demo or test): said on stderr, refused on shared
        stores."""
        self._store: Store | None = None
        self._catalog: Catalog | None = None
        self._notices_shown = 0

    @classmethod
    def from_args(cls, args: argparse.Namespace, *, today: date | None = None) -> Context:
        """The context for parsed args; raises Fail for an unusable config or LEERPAD_TODAY."""
        # Until the config is read, messages follow the flag or the locale.
        i18n.set_language(getattr(args, "lang", None) or i18n.detect_language())
        try:
            lang = config.resolve_language(getattr(args, "lang", None))
            i18n.set_language(lang)
            path, source = config.resolve_store(getattr(args, "store", None))
            for file in config.config_files():
                if file.unknown:
                    warn(t("cli.config_unknown", path=file.path, keys=", ".join(file.unknown)))
                if file.misplaced:
                    key = (
                        "cli.config_site_only"
                        if file.kind == config.SOURCE_USER
                        else ("cli.config_user_only")
                    )
                    warn(t(key, path=file.path, keys=", ".join(file.misplaced)))
        except config.ConfigError as exc:
            raise Fail(t("cli.config", path=exc.path, problem=exc.problem), EXIT_USAGE) from exc
        pinned = False
        if today is None:
            override = os.environ.get(TODAY_VARIABLE, "").strip()
            try:
                today = date.fromisoformat(override) if override else date.today()
            except ValueError as exc:
                raise Fail(
                    t("cli.today_var", var=TODAY_VARIABLE, value=override), EXIT_USAGE
                ) from exc
            if override:
                try:
                    check_today(today, TODAY_VARIABLE)
                except DateError as exc:
                    raise Fail(str(exc), EXIT_USAGE) from exc
                warn(t("cli.today_pinned", var=TODAY_VARIABLE, day=fmt_date(today)))
                pinned = True
        context = cls(store_path=path, store_source=source, lang=lang, today=today)
        context.today_pinned = pinned
        return context

    def require_access(self, path: Path) -> None:
        """Exit 3 with the sentence naming the group to join when `path` is closed to us."""
        try:
            require_access(path)
        except NoAccess as exc:
            raise Fail(str(exc), EXIT_STORE) from exc

    def refuse_pinned_today(self, path: Path) -> None:
        """Exit 2 when LEERPAD_TODAY is set and `path` is a store shared with a group."""
        group = shared_group(path) if self.today_pinned else None
        if group is not None:
            raise Fail(
                t("cli.today_shared", var=TODAY_VARIABLE, path=path, group=group), EXIT_USAGE
            )

    # --- the store ---------------------------------------------------------------------

    def store(
        self, *, create: bool = True, check_now: bool = True, check_meanwhile: bool = False
    ) -> Store:
        """The store, opened once. Without `create`, a missing store is an error (exit 3).

        `check_now` off: what the read model stands in for is checked before the first
        write instead of now (the UI checks it in the background meanwhile), or with
        `check_meanwhile` in a thread of the store's own (see `checked_state`).
        """
        if self._store is None and isinstance(self.store_path, str):
            try:
                self._store = Store.open(self.store_path, create=create)
            except MissingDriver as exc:
                raise Fail(str(exc), EXIT_USAGE) from exc
            except StoreError as exc:
                raise Fail(str(exc), EXIT_STORE) from exc
        if self._store is None:
            path = self.store_path
            self.refuse_pinned_today(path)
            self.require_access(path)  # "you are not in group G", before a bare EACCES below
            try:
                if path.exists() and not path.is_dir():
                    raise Fail(t("cli.store_not_dir", path=path), EXIT_STORE)
                # lexists: a planted link, even a dangling one, is a store whose log is
                # refused by name (Store.open), not "no store here".
                if not create and not os.path.lexists(path / LOG_NAME):
                    raise Fail(t("cli.no_store", path=path, leerpad=command_name()), EXIT_STORE)
                self._store = Store.open(
                    path,
                    create=create,
                    cache_dir=readmodel.default_dir(),
                    check_now=check_now and not check_meanwhile,
                    check_in_background=check_meanwhile,
                )
            except NoAccess as exc:
                raise Fail(str(exc), EXIT_STORE) from exc
            except StoreError as exc:
                raise Fail(str(exc), EXIT_STORE) from exc
            except OSError as exc:
                why = exc.strerror or str(exc)
                raise Fail(t("cli.store_os", path=path, why=why), EXIT_STORE) from exc
        self._show_notices()
        return self._store

    def directory(self) -> Path:
        """The store's directory, for commands that only a file store supports."""
        if isinstance(self.store_path, str):
            raise Fail(
                t("cli.needs_directory", location=shown_location(self.store_path)), EXIT_USAGE
            )
        return self.store_path

    def state(self, *, check_meanwhile: bool = False) -> StoreState:
        """The current state of an existing store (for commands that only read).

        A damaged store still shows what comes before the damage, with a warning.
        With `check_meanwhile`, what a read model stands in for may still be being
        checked: nothing of this state may be shown before `checked_state`.
        """
        first = self._store is None
        store = self.store(create=False, check_meanwhile=check_meanwhile)
        if first and store.corruption is not None:
            warn(t("cli.damaged", reason=store.read_only))
        return store.state

    def checked_state(self) -> StoreState:
        """The state once what a read model stood in for is checked: when that is damaged,
        a new state, the one (and the warning) an open without the read model gives."""
        store = self.store(create=False)
        found = store.corruption
        try:
            store.check_covered()
        except StoreError as exc:
            raise Fail(str(exc), EXIT_STORE) from exc
        if found is None and store.corruption is not None:
            warn(t("cli.damaged", reason=store.read_only))
        self._show_notices()
        return store.state

    def plan(self, plan_id: str) -> PlanState:
        """A plan of the store, or exit 1 naming the unknown plan."""
        plan = self.state().plan(plan_id)
        if plan is None or not access.can_read(self.state(), self.store().actor, plan.id):
            raise Fail(t("err.unknown_plan", plan=plan_id), EXIT_REJECTED)
        return plan

    def execute(self, decide: Decide, *, create: bool = False) -> Any:
        """Run a command through the store, turning refusals into exit codes."""
        store = self.store(create=create)
        try:
            return store.execute(decide)
        except Rejected as exc:
            raise Fail(exc.message(self.lang), EXIT_REJECTED) from exc
        except (ReadOnly, StoreError) as exc:
            raise Fail(str(exc), EXIT_STORE) from exc
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise Fail(t("cli.store_os", path=self.store_path, why=why), EXIT_STORE) from exc
        finally:
            self._show_notices()

    def _show_notices(self) -> None:
        if self._store is None:
            return
        for notice in self._store.notices[self._notices_shown :]:
            warn(notice)
        self._notices_shown = len(self._store.notices)

    # --- catalog -----------------------------------------------------------------------

    def catalog_dirs(self) -> list[Path]:
        """Folders with extra occupation profiles for this store (later ones win)."""
        return config.catalog_dirs(self.store_path)

    def catalog(self) -> Catalog:
        """The catalog, loaded once; files that cannot be used are reported and skipped."""
        if self._catalog is None:
            from catalog import Catalog

            self._catalog = Catalog.load(self.catalog_dirs())
            for error in self._catalog.errors:
                warn(t("cli.catalog_problem", problem=error))
        return self._catalog

    def profile(self, key: str) -> Profile:
        """The occupation profile with id or title `key`; Fail (exit 1) when there is none."""
        from catalog import UnknownOccupation

        try:
            return self.catalog().get(key)
        except UnknownOccupation as exc:
            detail = str(exc)
            message = t("cli.occupation", detail=detail[:1].upper() + detail[1:])
            raise Fail(message, EXIT_REJECTED) from None

    # --- input -------------------------------------------------------------------------

    def date(self, text: str) -> date:
        try:
            return parse_date(text, self.today)
        except DateError as exc:
            raise Fail(str(exc), EXIT_USAGE) from exc

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def json_text(value: Any) -> str:
    """Stable JSON: msgspec's encoding of structs/dates, keys in declaration order."""
    return safe_json(json.loads(msgspec.json.encode(value)))


def print_json(value: Any) -> None:
    sys.stdout.write(json_text(value) + "\n")
