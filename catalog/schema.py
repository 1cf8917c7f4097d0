"""The shape of an occupation profile (a plan template), as validated on load."""

from __future__ import annotations

import msgspec


class ProfileRow(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One row of a job competency's table: skill statements and training actions."""

    skills: list[str]
    actions: list[str]


class JobCompetency(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: str
    rows: list[ProfileRow]


class PersonalCompetency(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    description: str


class ScaleLevel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One step of the evaluation scale; `acquired` marks the levels that count as acquired."""

    key: str
    nl: str
    en: str
    acquired: bool


DEFAULT_SCALE: tuple[ScaleLevel, ...] = (
    ScaleLevel("nog-niet-verworven", "nog niet verworven", "not yet acquired", False),
    ScaleLevel("in-ontwikkeling", "in ontwikkeling", "developing", False),
    ScaleLevel("verworven", "verworven", "acquired", True),
    ScaleLevel("ruim-verworven", "ruim verworven", "well acquired", True),
)


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An occupation's template: what a new plan for that occupation starts from."""

    id: str
    version: int
    title: str
    description: str
    job: list[JobCompetency]
    personal: list[PersonalCompetency]
    weeks: int | None = None
    scale: list[ScaleLevel] = msgspec.field(default_factory=lambda: list(DEFAULT_SCALE))
