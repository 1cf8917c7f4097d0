"""The hand-written TOML emitter: any profile reads back exactly, whatever its text holds."""

from __future__ import annotations

import tomllib

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import (
    JobCompetency,
    PersonalCompetency,
    Profile,
    ProfileRow,
    ScaleLevel,
    profile_to_toml,
)
from catalog.importer import toml_string

# Text that leans on what TOML strings must escape, plus any other Unicode scalar value
# (lone surrogates cannot be written to a UTF-8 file at all).
tricky = st.sampled_from(
    ['"', "\\", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "'''", '"""', "\u2028", "é", "…"]
)
texts = (
    st.lists(st.one_of(tricky, st.characters(codec="utf-8")), max_size=12).map("".join) | st.text()
)
ints = st.integers(-(2**63), 2**63 - 1)

profiles = st.builds(
    Profile,
    id=texts,
    version=ints,
    title=texts,
    description=texts,
    job=st.lists(
        st.builds(
            JobCompetency,
            title=texts,
            rows=st.lists(
                st.builds(
                    ProfileRow,
                    skills=st.lists(texts, max_size=3),
                    actions=st.lists(texts, max_size=3),
                ),
                max_size=3,
            ),
        ),
        max_size=3,
    ),
    personal=st.lists(st.builds(PersonalCompetency, name=texts, description=texts), max_size=3),
    weeks=st.none() | ints,
    scale=st.lists(
        st.builds(ScaleLevel, key=texts, nl=texts, en=texts, acquired=st.booleans()), max_size=4
    ),
)


@given(texts)
def test_string_round_trips(value: str) -> None:
    assert tomllib.loads(f"x = {toml_string(value)}") == {"x": value}


@settings(max_examples=200)
@given(profiles, st.none() | st.text(st.characters(blacklist_categories=["Cc", "Cs"])))
def test_profile_round_trips(profile: Profile, comment: str | None) -> None:
    text = profile_to_toml(profile, comment=comment)
    tomllib.loads(text)  # valid TOML for any reader, not only msgspec
    assert msgspec.toml.decode(text.encode("utf-8"), type=Profile) == profile


def test_shipped_layout(shipped: Profile) -> None:
    text = profile_to_toml(shipped)
    assert "weeks" not in text  # None is left out, not written as a value
    assert text.count("[[job]]") == 10
    assert text.count("[[job.rows]]") == 31
    assert text.count("[[personal]]") == 8
    assert text.count("[[scale]]") == 4
    assert profile_to_toml(msgspec.structs.replace(shipped, weeks=12)).count("\nweeks = 12\n") == 1
