"""`leerpad init-store` (a store for a team) and `leerpad access ...` (roles in a store)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.context import EXIT_REJECTED, EXIT_STORE, EXIT_USAGE, Context, Fail, print_json, warn
from cli.render import literal, table
from core import access, config, events, i18n, team
from core.i18n import t
from core.identity import display_name, full_name
from core.projections import StoreState
from core.storage import MissingDriver, StoreError, is_database_url

i18n.register(
    {
        "cli.team.created": (
            "Created the team store {path}: group {group}, mode 2770 (setgid); leerpad keeps "
            "its files read/write for the group and closed to others.",
            "Teamopslag {path} aangemaakt: groep {group}, modus 2770 (setgid); leerpad houdt "
            "de bestanden lees- en schrijfbaar voor de groep en dicht voor anderen.",
        ),
        "cli.team.repaired": (
            "{path} was already a store: it now belongs to group {group}, mode 2770 (setgid), "
            "its files 0660.",
            "{path} was al een opslag: ze behoort nu tot groep {group}, modus 2770 (setgid), "
            "de bestanden 0660.",
        ),
        "cli.team.db_created": (
            "Created the leerpad store in {location}: schema leerpad, owned by {owner} (a role "
            "nobody logs in as); members of {group} read it and append through leerpad.append.",
            "leerpad-opslag aangemaakt in {location}: schema leerpad, eigendom van {owner} (een "
            "rol waarmee niemand inlogt); leden van {group} lezen ze en schrijven via "
            "leerpad.append.",
        ),
        "cli.team.db_repaired": (
            "{location} already holds a leerpad store: {group} now has its grants.",
            "{location} bevat al een leerpad-opslag: {group} heeft nu de rechten erop.",
        ),
        "cli.team.db_upgraded": (
            "{location} held a leerpad store of schema {old}: its schema is now {new} (the "
            "records are unchanged) and {group} has its grants.",
            "{location} bevatte een leerpad-opslag met schema {old}: het schema is nu {new} (de "
            "records zijn ongewijzigd) en {group} heeft de rechten erop.",
        ),
        "cli.team.config_line": (
            "To make it everyone's store, put this line in the site config {site}:",
            "Om er ieders opslag van te maken, zet je deze regel in de siteconfiguratie {site}:",
        ),
        "cli.team.configured": (
            "The site config {site} already names this store.",
            "De siteconfiguratie {site} verwijst al naar deze opslag.",
        ),
        "cli.team.single": (
            "No roles are set in this store: everyone who can open it may do everything "
            "(single-team mode). An admin turns roles on with: leerpad access grant LOGIN admin",
            "Er zijn geen rollen ingesteld in deze opslag: iedereen die ze kan openen mag alles "
            "(modus één team). Een beheerder zet rollen aan met: leerpad access grant LOGIN admin",
        ),
        "cli.team.header": (
            "Roles in {path} (from the log, last changed in record {seq}):",
            "Rollen in {path} (uit het logboek, laatst gewijzigd in record {seq}):",
        ),
        "cli.team.col.login": ("LOGIN", "LOGIN"),
        "cli.team.col.name": ("NAME", "NAAM"),
        "cli.team.col.roles": ("ROLES", "ROLLEN"),
        "cli.team.you": ("You: {who}: {roles}.", "Jij: {who}: {roles}."),
        "cli.team.now": ("{who} now: {roles}.", "{who} nu: {roles}."),
        "cli.team.file_failed": (
            "The change is in the log, but {file} could not be rewritten ({why}); "
            "run 'leerpad access sync'.",
            "De wijziging staat in het logboek, maar {file} kon niet herschreven worden "
            "({why}); voer 'leerpad access sync' uit.",
        ),
        "cli.team.sync_database": (
            "A database store has no access.toml: the database applies the roles itself.",
            "Een databaseopslag heeft geen access.toml: de database past de rollen zelf toe.",
        ),
        "cli.team.synced": (
            "Wrote {file} from the log (record {seq}).",
            "{file} geschreven uit het logboek (record {seq}).",
        ),
    }
)


# --- init-store ------------------------------------------------------------------------------


def cmd_init_store(args: argparse.Namespace, ctx: Context) -> int:
    if is_database_url(args.dir):
        return _init_database(args.dir, args.group)
    try:
        result = team.init_store(Path(args.dir).expanduser(), args.group)
    except team.SetupError as exc:
        raise Fail(str(exc), EXIT_USAGE if exc.usage else EXIT_STORE) from exc
    key = "cli.team.created" if result.created else "cli.team.repaired"
    print(t(key, path=literal(str(result.path)), group=result.group))
    for warning in result.warnings:
        warn(warning)
    site = config.site_config_path()
    if _site_names(site, result.path):
        print(t("cli.team.configured", site=site))
        return 0
    print(t("cli.team.config_line", site=site))
    print()
    print(team.site_config_line(result.path))
    return 0


def _init_database(url: str, group: str) -> int:
    try:
        from core import pgstore

        result = pgstore.init_database(url, group)
    except MissingDriver as exc:
        raise Fail(str(exc), EXIT_USAGE) from exc
    except (team.SetupError, StoreError) as exc:
        usage = isinstance(exc, team.SetupError) and exc.usage
        raise Fail(str(exc), EXIT_USAGE if usage else EXIT_STORE) from exc
    if result.upgraded_from:
        key = "cli.team.db_upgraded"
    else:
        key = "cli.team.db_created" if result.created else "cli.team.db_repaired"
    print(
        t(
            key,
            location=result.location,
            group=result.group,
            owner=pgstore.OWNER,
            old=result.upgraded_from,
            new=pgstore.SCHEMA_VERSION,
        )
    )
    return 0


def _site_names(site: Path, store: Path) -> bool:
    try:
        current = config.read_config(site, config.SOURCE_SITE).values.get("store")
    except config.ConfigError:
        return False
    return current is not None and Path(current).expanduser() == store


# --- access ----------------------------------------------------------------------------------


def _roles_text(state: StoreState, login: str) -> str:
    roles = access.roles_of(state, login)
    parts = [access.describe_grant(role, roles[role]) for role in access.ROLES if role in roles]
    return ", ".join(parts) if parts else t("access.none")


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store(create=False)
    state = store.state
    if args.json:
        print_json(_show_json(state, store.actor))
        return 0
    if not access.roles_on(state):
        print(t("cli.team.single"))
        return 0
    print(t("cli.team.header", path=literal(store.location), seq=state.access.seq))
    rows = [
        [literal(login), literal(full_name(login)), literal(_roles_text(state, login))]
        for login in access.visible_users(state, store.actor)
    ]
    headers = [t("cli.team.col.login"), t("cli.team.col.name"), t("cli.team.col.roles")]
    for line in table(headers, rows):
        print(line)
    print(
        t(
            "cli.team.you",
            who=literal(display_name(store.actor)),
            roles=_roles_text(state, store.actor),
        )
    )
    return 0


def _show_json(state: StoreState, actor: str) -> dict[str, Any]:
    visible = access.visible_plans(state, actor)
    users = []
    for login in access.visible_users(state, actor):
        roles: dict[str, Any] = {}
        for role in access.ROLES:
            held = state.access.users[login].get(role)
            if held is not None:
                roles[role] = {"plans": sorted(held.plans), "all_plans": held.all_plans}
        users.append({"login": login, "name": full_name(login), "roles": roles})
    return {
        "mode": "roles" if access.roles_on(state) else "single-team",
        "log_seq": state.access.seq,
        "users": users,
        "you": {
            "login": actor,
            "name": full_name(actor),
            "may_read": None if visible is None else sorted(visible),
        },
    }


def _change(ctx: Context, login: str, decide: Callable[[StoreState], events.Event]) -> int:
    ctx.execute(decide)
    store = ctx.store(create=False)
    try:
        access.sync_access_file(store)
    except OSError as exc:
        warn(t("cli.team.file_failed", file=access.ACCESS_FILE, why=exc.strerror or exc))
    print(
        t("cli.team.now", who=literal(display_name(login)), roles=_roles_text(store.state, login))
    )
    return 0


def cmd_grant(args: argparse.Namespace, ctx: Context) -> int:
    return _change(
        ctx,
        args.login,
        lambda s: access.grant(
            s,
            args.login,
            args.role,
            plans=args.plan,
            all_plans=args.all_plans,
            user_exists=ctx.store().login_exists,
        ),
    )


def cmd_revoke(args: argparse.Namespace, ctx: Context) -> int:
    return _change(
        ctx,
        args.login,
        lambda s: access.revoke(
            s, args.login, args.role, plans=args.plan, all_plans=args.all_plans
        ),
    )


def cmd_assign(args: argparse.Namespace, ctx: Context) -> int:
    return _change(
        ctx,
        args.login,
        lambda s: access.grant(
            s,
            args.login,
            access.plan_role(s, args.login, args.role),
            plans=args.plans,
            user_exists=ctx.store().login_exists,
        ),
    )


def cmd_unassign(args: argparse.Namespace, ctx: Context) -> int:
    return _change(
        ctx,
        args.login,
        lambda s: access.revoke(
            s, args.login, access.plan_role(s, args.login, args.role), plans=args.plans
        ),
    )


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store(create=False)
    if store.directory is None:
        raise Fail(t("cli.team.sync_database"), EXIT_REJECTED)
    if store.read_only:
        raise Fail(t("store.read_only", reason=store.read_only), EXIT_STORE)
    try:
        path = access.sync_access_file(store)
    except OSError as exc:
        raise Fail(t("cli.store_os", path=store.path, why=exc.strerror or exc), EXIT_STORE) from exc
    print(t("cli.team.synced", file=path, seq=store.state.access.seq))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init-store",
        help="create a store shared by a Unix group (run as root or a group member)",
    )
    p.add_argument(
        "dir",
        metavar="DIR|URL",
        help="the store directory, e.g. /srv/leerpad/ibo-team, or a postgresql:// URL",
    )
    p.add_argument(
        "--group", required=True, metavar="GROUP", help="the team's Unix group or database role"
    )
    p.set_defaults(handler=cmd_init_store)

    acc = sub.add_parser("access", help="roles in the store: show, grant, revoke, assign")
    cmds = acc.add_subparsers(dest="access_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("show", help="who has which role (and what you may do)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    roles = ", ".join(access.ROLES)
    for name, handler, what in (
        ("grant", cmd_grant, "give LOGIN a role (admins only; the first role given is admin)"),
        ("revoke", cmd_revoke, "take a role (or some of its plans) away from LOGIN"),
    ):
        p = cmds.add_parser(name, help=what)
        p.add_argument("login", metavar="LOGIN", help="a login name, as in 'id -un'")
        p.add_argument("role", metavar="ROLE", help=roles)
        p.add_argument(
            "--plan", action="append", default=[], metavar="PLAN", help="a plan (repeatable)"
        )
        p.add_argument(
            "--all-plans", action="store_true", help="mentor or consultant of every plan"
        )
        p.set_defaults(handler=handler)

    for name, handler, what in (
        ("assign", cmd_assign, "make LOGIN mentor, consultant or trainee of PLAN"),
        ("unassign", cmd_unassign, "take PLAN away from LOGIN's role"),
    ):
        p = cmds.add_parser(name, help=what)
        p.add_argument("login", metavar="LOGIN")
        p.add_argument("plans", nargs="+", metavar="PLAN")
        p.add_argument(
            "--as",
            dest="role",
            choices=access.PLAN_ROLES,
            help="the role (needed when LOGIN has more than one)",
        )
        p.set_defaults(handler=handler)

    p = cmds.add_parser("sync", help=f"rewrite {access.ACCESS_FILE} from the log")
    p.set_defaults(handler=cmd_sync)
