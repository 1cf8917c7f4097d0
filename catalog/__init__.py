"""Occupation profiles (plan templates): schema, shipped data files, loader and form importer."""

from catalog.loader import (
    Catalog,
    CatalogError,
    UnknownOccupation,
    decode_profile,
    load_profile,
    profile_problems,
)
from catalog.schema import (
    DEFAULT_SCALE,
    JobCompetency,
    PersonalCompetency,
    Profile,
    ProfileRow,
    ScaleLevel,
)

_IMPORTER = ("FormatError", "parse_form_docx", "parse_form_text", "profile_to_toml")


def __getattr__(name: str) -> object:
    # The form importer is only needed by `catalog import`; loading it lazily keeps
    # every other command's start-up cheap.
    if name in _IMPORTER:
        from catalog import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'catalog' has no attribute {name!r}")


__all__ = [
    "DEFAULT_SCALE",
    "Catalog",
    "CatalogError",
    "FormatError",
    "JobCompetency",
    "PersonalCompetency",
    "Profile",
    "ProfileRow",
    "ScaleLevel",
    "UnknownOccupation",
    "decode_profile",
    "load_profile",
    "parse_form_docx",
    "parse_form_text",
    "profile_problems",
    "profile_to_toml",
]
