"""The export form (o): the plan as a document (docx, Markdown, JSON) or, once closed, its
competency report, written to a file by core.export (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from core.export import (
    PLAN_FORMATS,
    REPORT_FORMATS,
    ExportError,
    check_target,
    default_filename,
    render_plan,
    render_report,
    write_atomic,
)
from core.i18n import language, register, t
from core.projections import PlanState
from tui.screens.forms import FormScreen
from tui.widgets.fields import ChoiceField, Field, Limited, Required

if TYPE_CHECKING:
    from tui.app import LeerpadApp
    from tui.screens.base import LeerpadScreen

KINDS = ("plan", "report")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    kind: str
    fmt: str
    lang: str
    path: str


class ExportForm(FormScreen[ExportRequest]):
    def __init__(self, plan: PlanState) -> None:
        super().__init__()
        self.plan = plan
        self.title_text = t("ui.export.title", plan=plan.id)
        self.context_text = t("ui.export.context", folder=str(Path.cwd()))
        self._suggested = default_filename(plan, "docx", lang=language())

    def fields(self) -> ComposeResult:
        kinds = KINDS if self.plan.closed else KINDS[:1]
        yield ChoiceField(
            t("ui.export.kind"),
            [(t(f"ui.export.kind.{k}"), k) for k in kinds],
            value="plan",
            id="kind",
        )
        yield ChoiceField(t("ui.export.format"), self._formats("plan"), value="docx", id="fmt")
        yield ChoiceField(
            t("ui.export.lang"),
            [(t("ui.export.lang.nl"), "nl"), (t("ui.export.lang.en"), "en")],
            value=language(),
            id="lang",
        )
        yield Field(
            t("ui.export.file"),
            value=self._suggested,
            validators=[Required(), Limited(1000)],
            id="path",
        )

    @staticmethod
    def _formats(kind: str) -> list[tuple[str, str]]:
        formats = REPORT_FORMATS if kind == "report" else PLAN_FORMATS
        return [(t(f"ui.export.fmt.{f}"), f) for f in formats]

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}-row", ChoiceField).value or ""

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            self.query_one("#fmt-row", ChoiceField).set_options(
                self._formats(self._value("kind")), "docx"
            )
        path = self.query_one("#path", Field).input
        if path.value == self._suggested:
            # The suggested name follows the choices until the user types their own.
            self._suggested = default_filename(
                self.plan,
                self._value("fmt") or "docx",
                lang=self._value("lang") or language(),
                report=self._value("kind") == "report",
            )
            path.value = self._suggested

    def result(self) -> ExportRequest | None:
        return ExportRequest(
            self._value("kind"),
            self._value("fmt"),
            self._value("lang"),
            self.query_one("#path", Field).value.strip(),
        )


def start_export(screen: LeerpadScreen, plan_id: str) -> None:
    """Ask what to export and where; write it in a thread; say where it went."""
    app = screen.leerpad
    plan = app.store.state.plan(plan_id)
    if plan is None:
        return

    def chosen(request: ExportRequest | None) -> None:
        if request is not None:
            _write(screen, plan_id, request)

    app.push_screen(ExportForm(plan), chosen)


def _write(screen: LeerpadScreen, plan_id: str, request: ExportRequest) -> None:
    # The document is made here, on the UI thread, from the state as it is now: the
    # state only changes on this thread, so a worker must not walk it. Only the slow
    # part, writing and fsyncing the file, goes to a thread.
    app = screen.leerpad
    render = render_report if request.kind == "report" else render_plan
    try:
        target = check_target(request.path, request.fmt)
        content = render(
            app.store.state, plan_id, request.fmt, lang=request.lang, today=app.today()
        )
    except ExportError as exc:
        _tell(app, exc)
        return
    screen.run_worker(
        lambda: _write_now(app, target, content, request.fmt),
        thread=True,
        exclusive=True,
        group="export",
    )


def _write_now(app: LeerpadApp, target: Path, content: bytes, fmt: str) -> None:
    try:
        written = write_atomic(target, content, fmt)
    except ExportError as exc:
        app.call_from_thread(_tell, app, exc)
    else:
        message = t("ui.export.wrote", path=str(written.resolve()))
        app.call_from_thread(app.notify, message, severity="information", timeout=10, markup=False)


def _tell(app: LeerpadApp, exc: ExportError) -> None:
    app.notify(
        exc.message(), title=t("ui.export.failed"), severity="error", timeout=10, markup=False
    )


register(
    {
        "ui.export.title": ("Export plan {plan}", "Plan {plan} exporteren"),
        "ui.export.context": (
            "A file name without a folder is written in {folder}.",
            "Een bestandsnaam zonder map wordt geschreven in {folder}.",
        ),
        "ui.export.kind": ("What", "Wat"),
        "ui.export.kind.plan": (
            "The training plan (the form)",
            "Het opleidingsplan (het formulier)",
        ),
        "ui.export.kind.report": ("The competency report", "Het competentieverslag"),
        "ui.export.format": ("Format", "Formaat"),
        "ui.export.fmt.docx": ("Word document (.docx)", "Word-document (.docx)"),
        "ui.export.fmt.md": ("Markdown text (.md)", "Markdown-tekst (.md)"),
        "ui.export.fmt.json": ("JSON data (.json)", "JSON-gegevens (.json)"),
        "ui.export.lang": ("Language", "Taal"),
        "ui.export.lang.nl": ("Dutch", "Nederlands"),
        "ui.export.lang.en": ("English", "Engels"),
        "ui.export.file": ("File", "Bestand"),
        "ui.export.failed": ("Export failed", "Export mislukt"),
        "ui.export.wrote": ("Wrote {path}.", "{path} geschreven."),
    }
)
