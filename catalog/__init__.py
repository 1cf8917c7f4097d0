"""Occupation profiles (plan templates): schema, shipped data files, loader and form importer."""

from catalog.importer import FormatError, parse_form_docx, parse_form_text, profile_to_toml
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
