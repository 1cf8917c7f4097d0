"""Where the store is and which language to speak: flags, environment, config files, defaults.

Precedence for the store: `--store` > `LEERPAD_STORE` > the user's config file >
the site config file > the default store in the user data directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
import platformdirs

from core import i18n
from core.i18n import t
from core.storage import is_database_url, shown_location

i18n.register(
    {
        "config.is_dir": ("it is a directory, not a file", "het is een map, geen bestand"),
        "config.no_permission": (
            "you have no permission to read it",
            "je hebt geen leesrechten op dit bestand",
        ),
        "config.unreadable": ("it cannot be read ({why})", "het kan niet gelezen worden ({why})"),
        "config.not_utf8": ("it is not UTF-8 text", "het is geen UTF-8-tekst"),
        "config.not_toml": ("it is not valid TOML ({error})", "het is geen geldige TOML ({error})"),
        "config.not_string": (
            '{key} must be a non-empty text in quotes, like {key} = "..."',
            '{key} moet een niet-lege tekst tussen aanhalingstekens zijn, zoals {key} = "..."',
        ),
        "config.nul": (
            "{key} holds a NUL character (\\u0000), which no path can hold",
            "{key} bevat een NUL-teken (\\u0000), dat geen pad kan bevatten",
        ),
        "config.bad_lang": (
            'lang = {lang!r} is not a language: use "nl" or "en"',
            'lang = {lang!r} is geen taal: gebruik "nl" of "en"',
        ),
    }
)

APP = "leerpad"
CONFIG_NAME = "config.toml"
STORE_VARIABLE = "LEERPAD_STORE"
KNOWN_KEYS = ("store", "lang", "signing_key", "allowed_signers")
SITE_ONLY = ("allowed_signers",)
"""Settings a member must not choose for themselves: read from the site config only."""
USER_ONLY = ("signing_key",)
"""Settings that are personal: read from the user's config only."""

# Stable names of where a setting came from (`leerpad where --json` prints them).
SOURCE_FLAG = "flag"
SOURCE_ENV = "env"
SOURCE_USER = "user-config"
SOURCE_SITE = "site-config"
SOURCE_DEFAULT = "default"
SOURCE_LOCALE = "locale"


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def user_config_path() -> Path:
    """The user's config file (e.g. ~/.config/leerpad/config.toml); it may not exist."""
    return Path(platformdirs.user_config_dir(APP)) / CONFIG_NAME


def site_config_path() -> Path:
    """The site config file for a shared server (e.g. /etc/xdg/leerpad/config.toml)."""
    return Path(platformdirs.site_config_dir(APP, multipath=False)) / CONFIG_NAME


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "store"


def user_catalog_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "catalog"


class ConfigFile(msgspec.Struct):
    """One config file as read: its settings, and the unknown keys it had (ignored)."""

    kind: str
    """SOURCE_USER or SOURCE_SITE."""
    path: Path
    exists: bool
    values: dict[str, str] = msgspec.field(default_factory=dict)
    unknown: list[str] = msgspec.field(default_factory=list)
    misplaced: list[str] = msgspec.field(default_factory=list)
    """Known settings that this kind of file may not set (ignored)."""


def read_config(path: Path, kind: str) -> ConfigFile:
    """Read and check one config file; a missing file is an empty config."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile(kind, path, exists=False)
    except IsADirectoryError as exc:
        raise ConfigError(path, t("config.is_dir")) from exc
    except PermissionError as exc:
        raise ConfigError(path, t("config.no_permission")) from exc
    except OSError as exc:
        raise ConfigError(path, t("config.unreadable", why=exc.strerror or exc)) from exc
    import tomllib  # only when a config file exists

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, t("config.not_utf8")) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, t("config.not_toml", error=exc)) from exc
    config = ConfigFile(kind, path, exists=True)
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            config.unknown.append(key)
            continue
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, t("config.not_string", key=key))
        if "\0" in value:
            raise ConfigError(path, t("config.nul", key=key))
        if key in (SITE_ONLY if kind == SOURCE_USER else USER_ONLY):
            config.misplaced.append(key)
            continue
        config.values[key] = value.strip()
    lang = config.values.get("lang")
    if lang is not None and lang not in i18n.LANGUAGES:
        raise ConfigError(path, t("config.bad_lang", lang=lang))
    return config


def config_files() -> list[ConfigFile]:
    """The user's config file, then the site's: the order in which they are consulted."""
    return [
        read_config(user_config_path(), SOURCE_USER),
        read_config(site_config_path(), SOURCE_SITE),
    ]


def _path_setting(config: ConfigFile, key: str) -> Path:
    # A relative path in a config file is relative to that file, not to wherever leerpad runs.
    path = Path(config.values[key]).expanduser()
    return path if path.is_absolute() else config.path.parent / path


def _store_from_config(config: ConfigFile) -> Path | str:
    if is_database_url(config.values["store"]):
        return config.values["store"]
    return _path_setting(config, "store")


def signing_key() -> Path | None:
    """The user's `signing_key` (a private key, or a public key held by ssh-agent), if set."""
    config = read_config(user_config_path(), SOURCE_USER)
    return _path_setting(config, "signing_key") if "signing_key" in config.values else None


def allowed_signers() -> Path | None:
    """The site's `allowed_signers` file, if set.

    Only the site config names it: the administrator keeps it out of the group's
    reach, and a member's own config (or the store) could name a file of their own.
    """
    config = read_config(site_config_path(), SOURCE_SITE)
    return _path_setting(config, "allowed_signers") if "allowed_signers" in config.values else None


def _store_location(text: str) -> Path | str:
    """A store named on the command line or in the environment: a directory or a URL."""
    return text if is_database_url(text) else Path(text).expanduser().absolute()


def resolve_store(
    flag: str | None, environ: Mapping[str, str] | None = None
) -> tuple[Path | str, str]:
    """The store in effect (a directory, or a postgresql:// URL) and where it came from."""
    env = os.environ if environ is None else environ
    if flag:
        return _store_location(flag), SOURCE_FLAG
    if env.get(STORE_VARIABLE, "").strip():
        return _store_location(env[STORE_VARIABLE].strip()), SOURCE_ENV
    for config in config_files():
        if "store" in config.values:
            return _store_from_config(config), config.kind
    return default_store_path(), SOURCE_DEFAULT


def resolve_language(flag: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language in effect: --lang > config `lang` (user, then site) > the locale."""
    return language_and_source(flag, environ)[0]


def language_and_source(
    flag: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """The language in effect and where it came from (one of the SOURCE_* names)."""
    if flag:
        return flag, SOURCE_FLAG
    for config in config_files():
        if "lang" in config.values:
            return config.values["lang"], config.kind
    return i18n.detect_language(environ), SOURCE_LOCALE


def catalog_dirs(store_path: Path | str) -> list[Path]:
    """Folders with extra occupation profiles, later ones winning on an id.

    The user's own catalog comes first so the store's (shared by the team, and
    where `leerpad catalog import` writes) wins over it. A database store has
    no folder of its own.
    """
    if isinstance(store_path, str):
        return [user_catalog_dir()]
    return [user_catalog_dir(), store_path / "catalog"]


def describe(
    store_flag: str | None, lang_flag: str | None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Everything `leerpad where` shows: the settings in effect and the files consulted."""
    store, store_source = resolve_store(store_flag, environ)
    lang, lang_source = language_and_source(lang_flag, environ)
    files = config_files()
    return {
        "store": {
            "path": shown_location(store),
            "source": store_source,
            "file": _file_of(files, store_source),
        },
        "language": {"value": lang, "source": lang_source, "file": _file_of(files, lang_source)},
        "config_files": [
            {
                "kind": c.kind,
                "path": str(c.path),
                "exists": c.exists,
                "settings": dict(c.values),
                "unknown_keys": list(c.unknown),
            }
            for c in files
        ],
        "catalog_dirs": [_folder(d) for d in catalog_dirs(store)],
    }


def _folder(path: Path) -> dict[str, Any]:
    """A catalog folder for `where`: whether it is there, and whether we may look (a team
    store's folder is closed to users outside its group)."""
    try:
        return {"path": str(path), "exists": path.is_dir(), "reachable": True}
    except PermissionError:
        return {"path": str(path), "exists": False, "reachable": False}


def _file_of(files: list[ConfigFile], source: str) -> str | None:
    return next((str(c.path) for c in files if c.kind == source), None)
