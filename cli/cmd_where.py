"""`leerpad where`: which store and config files are in effect, and where each came from."""

from __future__ import annotations

import argparse

from cli.context import Context, print_json
from core import config, i18n
from core.i18n import t
from core.identity import current_actor

i18n.register(
    {
        "cli.where.store": ("store", "opslag"),
        "cli.where.language": ("language", "taal"),
        "cli.where.user-config": ("user config", "gebruikersconfiguratie"),
        "cli.where.site-config": ("site config", "systeemconfiguratie"),
        "cli.where.catalog": ("catalog folder", "catalogusmap"),
        "cli.where.actor": ("you act as", "je werkt als"),
        "cli.where.from.flag": ("from {option}", "via {option}"),
        "cli.where.from.env": ("from ${var}", "via ${var}"),
        "cli.where.from.user-config": ("from the user config", "uit de gebruikersconfiguratie"),
        "cli.where.from.site-config": ("from the site config", "uit de systeemconfiguratie"),
        "cli.where.from.default": ("the default", "de standaard"),
        "cli.where.from.locale": ("from the locale", "uit de locale"),
        "cli.where.found": ("sets {keys}", "stelt {keys} in"),
        "cli.where.found_empty": ("found, sets nothing", "gevonden, stelt niets in"),
        "cli.where.missing": ("not present", "niet aanwezig"),
        "cli.where.exists": ("present", "aanwezig"),
        "cli.where.no_access": ("no access", "geen toegang"),
        "cli.where.unknown": ("ignored: {keys}", "genegeerd: {keys}"),
    }
)


def _source(source: str, option: str) -> str:
    return t(f"cli.where.from.{source}", option=option, var=config.STORE_VARIABLE)


def cmd_where(args: argparse.Namespace, ctx: Context) -> int:
    info = config.describe(getattr(args, "store", None), getattr(args, "lang", None))
    info["actor"] = current_actor()
    if args.json:
        print_json(info)
        ctx.require_access(ctx.store_path)
        return 0
    rows: list[tuple[str, str]] = []
    store = info["store"]
    rows.append((t("cli.where.store"), f"{store['path']}  ({_source(store['source'], '--store')})"))
    lang = info["language"]
    rows.append(
        (t("cli.where.language"), f"{lang['value']}  ({_source(lang['source'], '--lang')})")
    )
    for file in info["config_files"]:
        if not file["exists"]:
            state = t("cli.where.missing")
        elif file["settings"]:
            state = t("cli.where.found", keys=", ".join(file["settings"]))
        else:
            state = t("cli.where.found_empty")
        if file["unknown_keys"]:
            state += "; " + t("cli.where.unknown", keys=", ".join(file["unknown_keys"]))
        rows.append((t(f"cli.where.{file['kind']}"), f"{file['path']}  ({state})"))
    for folder in info["catalog_dirs"]:
        state = t("cli.where.exists" if folder["exists"] else "cli.where.missing")
        if not folder["reachable"]:
            state = t("cli.where.no_access")
        rows.append((t("cli.where.catalog"), f"{folder['path']}  ({state})"))
    rows.append((t("cli.where.actor"), info["actor"]))
    width = max(len(label) for label, _ in rows) + 1
    for label, value in rows:
        print(f"{label + ':':<{width}} {value}")
    # Where the store is, and also that this user cannot get in: as every command says it.
    ctx.require_access(ctx.store_path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("where", help="show the store and config files in effect")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_where)
