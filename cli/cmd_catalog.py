"""`leerpad catalog list|show|import`: the occupation profiles new plans start from."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.context import EXIT_REJECTED, EXIT_STORE, EXIT_USAGE, Context, Fail, print_json
from cli.render import literal, table
from core import i18n, storefiles
from core.commands import instantiate
from core.export import jsonout
from core.i18n import t
from core.store import make_store_dir

if TYPE_CHECKING:
    from catalog import Catalog, Profile

i18n.register(
    {
        "cli.catalog.empty": ("The catalog is empty.", "De catalogus is leeg."),
        "cli.col.id": ("ID", "ID"),
        "cli.col.title": ("TITLE", "TITEL"),
        "cli.col.weeks": ("WEEKS", "WEKEN"),
        "cli.col.competencies": ("A/B", "A/B"),
        "cli.col.actions": ("ACTIONS", "ACTIES"),
        "cli.col.source": ("SOURCE", "BRON"),
        "cli.catalog.shipped": ("shipped", "meegeleverd"),
        "cli.catalog.weeks": ("Duration", "Duurtijd"),
        "cli.catalog.weeks_value": ("{weeks} weeks", "{weeks} weken"),
        "cli.catalog.weeks_none": ("not given", "niet vermeld"),
        "cli.catalog.version": ("Version", "Versie"),
        "cli.catalog.source": ("Source", "Bron"),
        "cli.catalog.scale": ("Evaluation scale", "Evaluatieschaal"),
        "cli.catalog.acquired": ("counts as acquired", "telt als verworven"),
        "cli.catalog.summary": (
            "{title} ({id}): {job} job competencies, {rows} rows, {skills} skill statements, "
            "{actions} training actions, {personal} personal competencies.",
            "{title} ({id}): {job} jobcompetenties, {rows} rijen, {skills} uitspraken over "
            "kennis en vaardigheden, {actions} opleidingsacties, {personal} "
            "persoonsgebonden competenties.",
        ),
        "cli.catalog.written": ("Written to {path}.", "Weggeschreven naar {path}."),
        "cli.catalog.dry_run": (
            "Nothing written (--dry-run); it would go to {path}.",
            "Niets weggeschreven (--dry-run); het zou naar {path} gaan.",
        ),
        "cli.catalog.exists": (
            "Occupation {id} already exists ({source}); use --force to replace it "
            "or --id to import it under another id.",
            "Beroep {id} bestaat al ({source}); gebruik --force om het te vervangen "
            "of --id om het onder een andere id te importeren.",
        ),
        "cli.catalog.no_file": (
            "Cannot read {path}: {why}.",
            "Kan {path} niet lezen: {why}.",
        ),
        "cli.catalog.not_text": (
            "{path} is not UTF-8 text; save the form as plain text (UTF-8) or .docx.",
            "{path} is geen UTF-8-tekst; bewaar het formulier als platte tekst (UTF-8) of .docx.",
        ),
        "cli.catalog.no_docx": (
            "Reading .docx files needs python-docx (pip install python-docx); "
            "or save the form as plain text.",
            "Voor .docx-bestanden is python-docx nodig (pip install python-docx); "
            "of bewaar het formulier als platte tekst.",
        ),
        "cli.catalog.bad_form": (
            "The form cannot be imported: {problem}",
            "Het formulier kan niet geïmporteerd worden: {problem}",
        ),
        "cli.catalog.cannot_write": (
            "Cannot write {path}: {why}.",
            "Kan {path} niet schrijven: {why}.",
        ),
    }
)


def _source(catalog: Catalog, profile_id: str) -> str:
    """ "shipped" for the profiles that come with leerpad, else the file's path."""
    import catalog as package

    source = catalog.sources.get(profile_id, "")
    shipped = str(Path(package.__file__).parent / "data")
    return "shipped" if not source or source.startswith(shipped) else source


def _shown_source(catalog: Catalog, profile_id: str) -> str:
    source = _source(catalog, profile_id)
    return t("cli.catalog.shipped") if source == "shipped" else literal(source)


def _count(profile: Profile) -> dict[str, int]:
    rows = [row for job in profile.job for row in job.rows]
    return {
        "job": len(profile.job),
        "rows": len(rows),
        "skills": sum(len(row.skills) for row in rows),
        "actions": sum(len(row.actions) for row in rows),
        "personal": len(profile.personal),
    }


def profile_summary_json(catalog: Catalog, profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "version": profile.version,
        "title": profile.title,
        "weeks": profile.weeks,
        **_count(profile),
        "source": _source(catalog, profile.id),
    }


def profile_json(catalog: Catalog, profile: Profile) -> dict[str, Any]:
    """The whole profile, with the ids a plan made from it will use."""
    structure = instantiate(profile)
    return {
        "id": profile.id,
        "version": profile.version,
        "title": profile.title,
        "description": profile.description,
        "weeks": profile.weeks,
        "source": _source(catalog, profile.id),
        "job": [
            {
                "id": comp.id,
                "title": comp.title,
                "rows": [
                    {
                        "id": row.id,
                        "skills": list(row.skills),
                        "actions": [{"id": a.id, "text": a.text} for a in row.actions],
                    }
                    for row in comp.rows
                ],
            }
            for comp in structure.job
        ],
        "personal": jsonout.personal_data(structure.personal),
        "scale": jsonout.scale_data(profile.scale),
    }


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    catalog = ctx.catalog()
    profiles = catalog.profiles()
    if args.json:
        print_json([profile_summary_json(catalog, p) for p in profiles])
        return 0
    if not profiles:
        print(t("cli.catalog.empty"))
        return 0
    headers = [
        t(f"cli.col.{k}") for k in ("id", "title", "weeks", "competencies", "actions", "source")
    ]
    rows = []
    for p in profiles:
        c = _count(p)
        rows.append(
            [
                literal(p.id),
                literal(p.title),
                str(p.weeks) if p.weeks else "-",
                f"{c['job']}/{c['personal']}",
                str(c["actions"]),
                _shown_source(catalog, p.id),
            ]
        )
    for line in table(headers, rows, right=(2, 3, 4)):
        print(line)
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    catalog = ctx.catalog()
    profile = ctx.profile(args.occupation)
    if args.json:
        print_json(profile_json(catalog, profile))
        return 0
    weeks = (
        t("cli.catalog.weeks_value", weeks=profile.weeks)
        if profile.weeks
        else t("cli.catalog.weeks_none")
    )
    lines = [
        f"{literal(profile.title)}  ({literal(profile.id)})",
        f"  {t('cli.catalog.version')}: {profile.version}",
        f"  {t('cli.catalog.weeks')}: {weeks}",
        f"  {t('cli.catalog.source')}: {_shown_source(catalog, profile.id)}",
        "",
        literal(profile.description),
    ]
    structure = instantiate(profile)
    lines += ["", t("cli.show.job")]
    for comp in structure.job:
        lines += ["", f"{comp.id}  {literal(comp.title)}"]
        for row in comp.rows:
            lines.append(f"  {row.id}")
            lines += [f"    • {literal(skill)}" for skill in row.skills]
            lines += [f"    {a.id}  {literal(a.text)}" for a in row.actions]
    lines += ["", t("cli.show.personal"), ""]
    for pers in structure.personal:
        lines += [f"{pers.id}  {literal(pers.name)}", f"    {literal(pers.description)}"]
    lines += ["", t("cli.catalog.scale")]
    for lv in profile.scale:
        name = lv.nl if ctx.lang == "nl" else lv.en
        mark = f"  ({t('cli.catalog.acquired')})" if lv.acquired else ""
        lines.append(f"  {literal(lv.key)}: {literal(name)}{mark}")
    for line in lines:
        print(line)
    return 0


def _parse_form(path: Path, profile_id: str | None) -> Profile:
    from catalog import FormatError, parse_form_docx, parse_form_text

    try:
        if path.suffix.lower() == ".docx":
            if not path.is_file():
                path.open("rb").close()  # the same OSError a text file would give
            try:
                return parse_form_docx(path, profile_id=profile_id)
            except ModuleNotFoundError as exc:
                raise Fail(t("cli.catalog.no_docx"), EXIT_USAGE) from exc
        text = path.read_text(encoding="utf-8-sig")
        return parse_form_text(text, profile_id=profile_id, source=str(path))
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise Fail(t("cli.catalog.no_file", path=path, why=why), EXIT_USAGE) from exc
    except UnicodeDecodeError as exc:
        raise Fail(t("cli.catalog.not_text", path=path), EXIT_REJECTED) from exc
    except (FormatError, ValueError) as exc:
        message = t("cli.catalog.bad_form", problem=exc)
        raise Fail(message, EXIT_REJECTED) from exc


def _write_atomically(target: Path, text: str) -> None:
    make_store_dir(target.parent.parent)
    # Never through a planted link: neither catalog/ nor the file itself.
    storefiles.replace_in_subdir(
        target.parent.parent, target.parent.name, target.name, text.encode("utf-8")
    )


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from catalog import CatalogError, decode_profile, profile_to_toml

    profile = _parse_form(Path(args.file), args.id)
    catalog = ctx.catalog()
    target = ctx.directory() / "catalog" / f"{profile.id}.toml"
    known = {p.id for p in catalog.profiles()}
    if not args.force and (profile.id in known or target.exists()):
        source = _shown_source(catalog, profile.id) if profile.id in known else str(target)
        raise Fail(t("cli.catalog.exists", id=profile.id, source=source), EXIT_REJECTED)
    text = profile_to_toml(profile, comment=f"Imported from {Path(args.file).name}.")
    try:
        decode_profile(text, str(target))
    except CatalogError as exc:
        message = t("cli.catalog.bad_form", problem=exc)
        raise Fail(message, EXIT_REJECTED) from exc
    print(t("cli.catalog.summary", title=literal(profile.title), id=profile.id, **_count(profile)))
    if args.dry_run:
        print(t("cli.catalog.dry_run", path=target))
        return 0
    if ctx.directory().exists() and not ctx.directory().is_dir():
        raise Fail(t("cli.store_not_dir", path=ctx.store_path), EXIT_STORE)
    try:
        _write_atomically(target, text)
    except storefiles.UnsafeFile as exc:
        raise Fail(str(exc), EXIT_STORE) from exc
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise Fail(t("cli.catalog.cannot_write", path=target, why=why), EXIT_STORE) from exc
    print(t("cli.catalog.written", path=target))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cat = sub.add_parser("catalog", help="the occupation profiles (plan templates)")
    cmds = cat.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("list", help="all occupations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("show", help="one occupation in full")
    p.add_argument("occupation", metavar="OCCUPATION", help="its id (or a unique start of it)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = cmds.add_parser("import", help="add an occupation from its form (.txt or .docx)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--id", metavar="ID", help="the occupation id (default: from the title)")
    p.add_argument("--force", action="store_true", help="replace an occupation with the same id")
    p.add_argument("--dry-run", action="store_true", help="check and summarise, write nothing")
    p.set_defaults(handler=cmd_import)
