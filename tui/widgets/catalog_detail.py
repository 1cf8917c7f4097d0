"""The catalog as tree nodes, and the full text of one node (occupation ... action, level).

Tree nodes carry a `CatalogItem` (ids, not objects); `item_text` looks the
text up in the catalog, so the pane always shows what the catalog holds.
`profile_nodes` and `prune` are plain data, so the filter is testable without a UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich.text import Text

from catalog import Catalog, Profile
from core.commands import instantiate
from core.events import CompetencySpec, PersonalSpec, PlanStructure, RowSpec
from core.i18n import register, t
from tui.widgets.text import literal_text, one_line


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A node of the catalog tree: which profile, what kind, which id, which position."""

    profile: str
    kind: str
    """profile, job, competency, row, skill, action, personal, trait, scale, level, error"""
    node: str = ""
    """A1, A1.2 or B3 (the ids a plan made from this profile uses)."""
    index: int = 0
    """1-based skill or action number in its row; 0-based level or error number."""


@dataclass(frozen=True, slots=True)
class CatalogNode:
    """One line of the catalog tree, with the text a filter searches and its children."""

    label: Text
    item: CatalogItem
    text: str
    children: list[CatalogNode] = field(default_factory=list)


def _node(
    prefix: str,
    text: str,
    item: CatalogItem,
    children: list[CatalogNode] | None = None,
    *,
    more: str = "",
) -> CatalogNode:
    """A line `prefix text`; a filter also searches `more` (text only the pane shows)."""
    label = Text(prefix, style="bold")
    label.append(" ")
    label.append_text(literal_text(one_line(text)))
    return CatalogNode(label, item, f"{item.node} {text} {more}", children or [])


def profile_nodes(profile: Profile) -> CatalogNode:
    """The tree of one occupation: A competencies > rows > skills and actions, B, the scale.

    The ids are the ones a plan made from the profile uses (core.commands.instantiate).
    """
    pid = profile.id
    structure = instantiate(profile)
    comps = []
    for comp in structure.job:
        rows = []
        for row in comp.rows:
            leaves = [
                _node("•", skill, CatalogItem(pid, "skill", row.id, si))
                for si, skill in enumerate(row.skills, 1)
            ] + [
                _node(action.id, action.text, CatalogItem(pid, "action", row.id, ai))
                for ai, action in enumerate(row.actions, 1)
            ]
            first = row.skills[0] if row.skills else t("ui.catd.no_skills")
            rows.append(_node(row.id, first, CatalogItem(pid, "row", row.id), leaves))
        comps.append(_node(comp.id, comp.title, CatalogItem(pid, "competency", comp.id), rows))
    personal = [
        _node(p.id, p.name, CatalogItem(pid, "trait", p.id), more=p.description)
        for p in structure.personal
    ]
    levels = [
        _node(
            "✔" if level.acquired else "·",
            f"{level.nl} / {level.en}",
            CatalogItem(pid, "level", "", li),
        )
        for li, level in enumerate(profile.scale)
    ]
    return CatalogNode(
        literal_text(one_line(profile.title)),
        CatalogItem(pid, "profile"),
        f"{profile.title} {profile.description}",
        [
            CatalogNode(Text(t("ui.catd.job_short")), CatalogItem(pid, "job"), "", comps),
            CatalogNode(
                Text(t("ui.catd.personal_short")), CatalogItem(pid, "personal"), "", personal
            ),
            CatalogNode(Text(t("ui.catd.scale")), CatalogItem(pid, "scale"), "", levels),
        ],
    )


def prune(node: CatalogNode, needle: str) -> CatalogNode | None:
    """Only what matches `needle` (casefolded), with the nodes that lead to it; a matching
    node keeps all it holds, so a matching competency shows its rows."""
    if needle in node.text.casefold():
        return node
    kept = [c for c in (prune(child, needle) for child in node.children) if c is not None]
    return replace(node, children=kept) if kept else None


def _nodes(structure: PlanStructure) -> list[CompetencySpec | RowSpec | PersonalSpec]:
    """Every competency, row and personal competency of the structure, to find by id."""
    found: list[CompetencySpec | RowSpec | PersonalSpec] = []
    for comp in structure.job:
        found.append(comp)
        found.extend(comp.rows)
    found.extend(structure.personal)
    return found


def _heading(text: str) -> Text:
    return Text(text + "\n", style="bold")


def _field(label: str, value: str) -> Text:
    line = Text(f"{label}: ", style="bold")
    line.append_text(literal_text(value))
    line.append("\n")
    return line


def item_text(catalog: Catalog, item: CatalogItem) -> Text:
    """Everything the catalog says about `item`, wrapped by the widget that shows it."""
    if item.kind == "error":
        return literal_text(str(catalog.errors[item.index]))
    if item.kind == "problems":
        return Text(t("ui.catd.problems", count=len(catalog.errors)))
    profile = catalog.get(item.profile)
    structure = instantiate(profile)
    nodes = {node.id: node for node in _nodes(structure)}
    out = Text()
    if item.kind == "profile":
        out.append_text(_heading(profile.title))
        out.append_text(_field(t("ui.catd.id"), profile.id))
        out.append_text(_field(t("ui.catd.version"), str(profile.version)))
        if profile.weeks:
            out.append_text(_field(t("ui.catd.weeks"), str(profile.weeks)))
        rows = sum(len(c.rows) for c in profile.job)
        actions = sum(len(r.actions) for c in profile.job for r in c.rows)
        out.append(
            t(
                "ui.catd.counts",
                job=len(profile.job),
                rows=rows,
                actions=actions,
                personal=len(profile.personal),
            )
            + "\n"
        )
        source = catalog.sources.get(profile.id)
        if source:
            out.append_text(_field(t("ui.catd.source"), source))
        out.append("\n")
        out.append_text(literal_text(profile.description))
    elif item.kind == "job":
        out.append_text(_heading(t("ui.catd.job", count=len(profile.job))))
        for comp in structure.job:
            out.append(f"{comp.id} ", style="bold")
            out.append_text(literal_text(comp.title))
            out.append("\n")
    elif item.kind == "competency":
        comp = nodes[item.node]
        assert isinstance(comp, CompetencySpec)
        out.append_text(_heading(item.node))
        out.append_text(literal_text(comp.title))
        out.append("\n\n" + t("ui.catd.rows", count=len(comp.rows)))
    elif item.kind in ("row", "skill", "action"):
        row = nodes[item.node]
        assert isinstance(row, RowSpec)
        if item.kind == "row":
            out.append_text(_heading(t("ui.catd.row", row=item.node)))
            out.append(t("ui.catd.skills") + "\n", style="bold underline")
            for skill in row.skills:
                out.append("• ")
                out.append_text(literal_text(skill))
                out.append("\n")
            out.append("\n" + t("ui.catd.actions") + "\n", style="bold underline")
            for action in row.actions:
                out.append(f"{action.id} ", style="bold")
                out.append_text(literal_text(action.text))
                out.append("\n")
        elif item.kind == "skill":
            out.append_text(_heading(t("ui.catd.skill", row=item.node, n=item.index)))
            out.append_text(literal_text(row.skills[item.index - 1]))
        else:
            action = row.actions[item.index - 1]
            out.append_text(_heading(t("ui.catd.action", action=action.id)))
            out.append_text(literal_text(action.text))
    elif item.kind == "personal":
        out.append_text(_heading(t("ui.catd.personal", count=len(profile.personal))))
        for pers in structure.personal:
            out.append(f"{pers.id} ", style="bold")
            out.append_text(literal_text(pers.name))
            out.append("\n")
    elif item.kind == "trait":
        pers = nodes[item.node]
        assert isinstance(pers, PersonalSpec)
        out.append(f"{item.node} ", style="bold")
        out.append_text(literal_text(pers.name, "bold"))
        out.append("\n")
        out.append_text(literal_text(pers.description))
    elif item.kind == "scale":
        out.append_text(_heading(t("ui.catd.scale")))
        for level in profile.scale:
            out.append_text(_level(level.key, level.nl, level.en, level.acquired))
    elif item.kind == "level":
        level = profile.scale[item.index]
        out.append_text(_level(level.key, level.nl, level.en, level.acquired))
    return out


def _level(key: str, nl: str, en: str, acquired: bool) -> Text:
    mark = "✔ " + t("ui.catd.acquired") if acquired else "· " + t("ui.catd.not_acquired")
    line = literal_text(f"{nl} / {en}", "bold")
    line.append_text(literal_text(f"  ({key})"))
    line.append(f"  {mark}\n")
    return line


register(
    {
        "ui.catd.problems": (
            "{count} file(s) in the catalog folders could not be used; "
            "choose one to see why. Plans cannot start from them until they are fixed.",
            "{count} bestand(en) in de catalogusmappen zijn onbruikbaar; "
            "kies er een om te zien waarom. Plannen kunnen er pas van starten na herstel.",
        ),
        "ui.catd.job_short": ("A. Job competencies", "A. Jobcompetenties"),
        "ui.catd.personal_short": ("B. Personal competencies", "B. Persoonlijke competenties"),
        "ui.catd.no_skills": ("(no skills listed)", "(geen vaardigheden vermeld)"),
        "ui.catd.id": ("Id", "Id"),
        "ui.catd.version": ("Version", "Versie"),
        "ui.catd.weeks": ("Usual length in weeks", "Gebruikelijke duur in weken"),
        "ui.catd.source": ("File", "Bestand"),
        "ui.catd.counts": (
            "{job} job competencies, {rows} rows, {actions} training actions, "
            "{personal} personal competencies",
            "{job} jobcompetenties, {rows} rijen, {actions} opleidingsacties, "
            "{personal} persoonlijke competenties",
        ),
        "ui.catd.job": ("Job competencies ({count})", "Jobcompetenties ({count})"),
        "ui.catd.rows": (
            "{count} rows of skills and training actions.",
            "{count} rijen met vaardigheden en opleidingsacties.",
        ),
        "ui.catd.row": ("Row {row}", "Rij {row}"),
        "ui.catd.skills": ("Skills", "Vaardigheden"),
        "ui.catd.actions": ("Training actions", "Opleidingsacties"),
        "ui.catd.skill": ("Skill {n} of row {row}", "Vaardigheid {n} van rij {row}"),
        "ui.catd.action": ("Training action {action}", "Opleidingsactie {action}"),
        "ui.catd.personal": (
            "Personal competencies ({count})",
            "Persoonlijke competenties ({count})",
        ),
        "ui.catd.scale": ("Evaluation scale", "Evaluatieschaal"),
        "ui.catd.acquired": ("counts as acquired", "telt als verworven"),
        "ui.catd.not_acquired": ("not yet acquired", "nog niet verworven"),
    }
)
