"""The form importer: the seed gives exactly the shipped profile; bad forms name a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import FormatError, Profile, parse_form_text, profile_problems
from catalog.importer import form_to_toml, main, slugify

JOB_HEADER = {
    "Onderliggende kennis en vaardigheden",
    "Opleidingsacties",
    "Voorziene einddatum",
    "Afgewerkt op",
}
PERSONAL_HEADER = {"Competentie", "Omschrijving"}


def norm(text: str) -> str:
    return " ".join(text.split())


def profile_texts(profile: Profile) -> list[str]:
    """The profile's table texts in form order: titles, skills, actions, names, descriptions."""
    out: list[str] = []
    for job in profile.job:
        out.append(job.title)
        for row in job.rows:
            out += row.skills + row.actions
    for personal in profile.personal:
        out.append(personal.name)
        out += personal.description.split("\n\n")
    return out


def seed_table_lines(seed: str) -> list[str]:
    """Every non-empty line of the seed's tables (A and B sections) except headers, in order."""
    lines = seed.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("A. Jobgerelateerde"))
    out = []
    for line in lines[start + 1 :]:
        text = norm(line)
        if (
            text
            and text not in JOB_HEADER | PERSONAL_HEADER
            and text != "B. Persoonsgebonden competenties"
        ):
            out.append(text)
    return out


def test_seed_counts(shipped: Profile) -> None:
    rows = [row for job in shipped.job for row in job.rows]
    assert len(shipped.job) == 10
    assert len(rows) == 31
    assert sum(len(row.skills) for row in rows) == 51
    assert sum(len(row.actions) for row in rows) == 61
    assert len(shipped.personal) == 8
    assert all(p.description for p in shipped.personal)
    assert [len(job.rows) for job in shipped.job] == [5, 2, 4, 3, 2, 3, 6, 3, 1, 2]


def test_shipped_header_fields(shipped: Profile) -> None:
    assert shipped.id == "commercieel-medewerker-binnendienst"
    assert shipped.version == 1
    assert shipped.title == "Commercieel medewerker binnendienst"
    assert shipped.weeks is None  # the seed's duration is a "…" placeholder
    assert [level.key for level in shipped.scale] == [
        "nog-niet-verworven",
        "in-ontwikkeling",
        "verworven",
        "ruim-verworven",
    ]
    assert profile_problems(shipped) == []


def test_seed_gives_exactly_the_shipped_profile(seed_text: str, shipped: Profile) -> None:
    assert parse_form_text(seed_text) == shipped


def test_shipped_file_is_the_generated_one(seed_path: Path, shipped_path: Path) -> None:
    # If this fails, regenerate: python -m catalog <seed> -o catalog/data/<id>.toml
    assert form_to_toml(seed_path) == shipped_path.read_text(encoding="utf-8")


def test_competency_order_follows_the_table_of_contents(seed_text: str, shipped: Profile) -> None:
    lines = seed_text.split("\n")
    start = lines.index("1. De competenties: Inhoudstafel") + 1
    toc = [norm(line) for line in lines[start : start + 10]]
    assert [job.title for job in shipped.job] == toc
    assert [p.name for p in shipped.personal] == [
        "Commercieel zijn",
        "Flexibel zijn",
        "Klantgericht zijn",
        "Kunnen doorzetten",
        "Kunnen omgaan met stress",
        "Kunnen plannen en organiseren",
        "Kunnen samenwerken",
        "Resultaat nastreven",
    ]


def test_tables_carried_verbatim_in_order(seed_text: str, shipped: Profile) -> None:
    seed_lines = seed_table_lines(seed_text)
    texts = profile_texts(shipped)
    # Each seed line is one statement or paragraph: same items, same order, nothing added.
    assert texts == seed_lines
    assert " ".join(texts) == " ".join(seed_lines)


def test_every_seed_line_is_in_the_profile(seed_text: str, shipped: Profile) -> None:
    everything = [shipped.title, shipped.description, *profile_texts(shipped)]
    lines = seed_text.split("\n")
    body = lines[lines.index("Beroep: Commercieel medewerker binnendienst") :]
    skip = (
        "Beroep:",
        "Indicatieve duurtijd:",
        "1. De competenties",
        "2.",
        "Geplande opleidingsacties",
        "A. ",
        "B. ",
    )
    for line in body:
        text = norm(line)
        if text and not text.startswith(skip) and text not in JOB_HEADER | PERSONAL_HEADER:
            assert any(text in item for item in everything), text


def test_description_and_wording_unchanged(seed_text: str, shipped: Profile) -> None:
    description = next(line for line in seed_text.split("\n") if line.startswith("Als commercieel"))
    assert shipped.description == norm(description)
    # The template's own typos are kept, never fixed.
    assert "Je ben het aanspreekpunt" in shipped.description
    assert (
        shipped.job[0]
        .rows[1]
        .actions[1]
        .startswith("Toelichten welke gegevens uit een gesprek belangrijk zij ")
    )
    assert shipped.job[9].rows[0].actions[0].endswith("hoe hiermee rekening worde gehouden")
    assert shipped.job[0].rows[0].skills[0] == "Stelt gerichte vragen over de wensen van de klant ."


def test_whitespace_is_normalised_not_content(seed_text: str) -> None:
    noisy = seed_text.replace("Klantentypes kennen\n", "Klantentypes\u00a0  kennen \t\n").replace(
        "\tKlantentypologie kennen", "\tKlantentypologie\u2003kennen  "
    )
    profile = parse_form_text(noisy)
    assert profile == parse_form_text(seed_text)
    for text in profile_texts(profile):
        assert text == text.strip() and "  " not in text


def test_crlf_and_bom_are_accepted(seed_text: str, shipped: Profile) -> None:
    assert parse_form_text("\ufeff" + seed_text.replace("\n", "\r\n")) == shipped


def test_profile_id_and_weeks(seed_text: str) -> None:
    assert parse_form_text(seed_text, profile_id="cmb").id == "cmb"
    twelve = seed_text.replace("Indicatieve duurtijd: … weken", "Indicatieve duurtijd: 12 weken")
    assert parse_form_text(twelve).weeks == 12
    blank = seed_text.replace("Indicatieve duurtijd: … weken", "Indicatieve duurtijd:  weken")
    assert parse_form_text(blank).weeks is None


def test_slugify() -> None:
    assert slugify("Commercieel medewerker binnendienst") == "commercieel-medewerker-binnendienst"
    assert slugify("  Één   café/bar-medewerker (m/v) ") == "een-cafe-bar-medewerker-m-v"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _line_of(lines: list[str], prefix: str) -> int:
    return next(n for n, line in enumerate(lines, 1) if line.startswith(prefix))


def _error(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_form_text(text, source="form.txt")
    err = info.value
    assert isinstance(err, ValueError)
    assert str(err).startswith(f"form.txt, line {err.line}: expected ")
    return err


def test_row_with_three_cells_names_the_line(seed_text: str) -> None:
    lines = _lines(seed_text)
    row_start = _line_of(lines, "\tStelt gerichte vragen")
    planned = next(n for n in range(row_start, len(lines) + 1) if lines[n - 1] == "\t")
    del lines[planned - 1]  # the first row loses its (empty) planned-date cell
    err = _error("\n".join(lines))
    assert err.line == _line_of(lines, "\tRegistreert klantencontacten")
    assert f"row that starts at line {row_start}" in str(err)
    assert "'Afgewerkt op'" in str(err)


def test_last_row_with_three_cells(seed_text: str) -> None:
    lines = _lines(seed_text)
    last = _line_of(lines, "\tDe cursist wordt geïnformeerd over de in het bedrijf gehanteerde")
    del lines[last]  # its planned-date cell
    err = _error("\n".join(lines))
    assert "has 3" in str(err)
    assert err.line == last + 1


def test_row_without_actions(seed_text: str) -> None:
    lines = _lines(seed_text)
    n = _line_of(lines, "\tDe cursist wordt geïnformeerd over de in het bedrijf gehanteerde")
    lines[n - 1] = "\t"
    err = _error("\n".join(lines))
    assert err.line == n
    assert "'Opleidingsacties'" in str(err)


@pytest.mark.parametrize(
    "last",
    [
        "Contractnummer:",
        "Als commercieel medewerker",
        "Klantentypes kennen",
        "\tOnderliggende kennis",
        "\tGaat om met moeilijke klanten",
        "\tDe cursist wordt geïnformeerd over de in het bedrijf gehanteerde",
        "B. Persoonsgebonden",
        "\tCompetentie",
        "\tKlantgericht zijn",
    ],
)
def test_truncated_seed(seed_text: str, last: str) -> None:
    lines = _lines(seed_text)
    keep = _line_of(lines, last)
    err = _error("\n".join(lines[:keep]))
    assert 1 <= err.line <= keep


@pytest.mark.parametrize(
    ("old", "new", "expected", "at"),
    [
        ("Beroep: Commercieel", "Baan: Commercieel", "header field", "Baan:"),
        (
            "Indicatieve duurtijd: … weken",
            "Indicatieve duurtijd: twaalf weken",
            "number of weeks",
            "Indicatieve",
        ),
        ("Indicatieve duurtijd: … weken", "Duurtijd: 12", "'Indicatieve duurtijd", "Duurtijd"),
        ("\tOpleidingsacties\n", "\tActies\n", "'Opleidingsacties'", "\tActies"),
        (
            "Klantentypes kennen\n2.",
            "Klantentype kennen\n2.",
            "table of contents",
            "\tKlantentypes kennen",
        ),
        ("\tOmschrijving\n", "\tBeschrijving\n", "'Omschrijving'", "\tBeschrijving"),
        (
            "Geplande opleidingsacties\n",
            "Geplande acties\n",
            "'Geplande opleidingsacties'",
            "Geplande acties",
        ),
        ("\n\tDe technische en", "\nlos\n\tDe technische en", "'Afgewerkt op'", "los"),
        ("competenties: basis\n", "competenties: basis\nlos\n", "TAB", "los"),
    ],
)
def test_malformed_form(seed_text: str, old: str, new: str, expected: str, at: str) -> None:
    assert old in seed_text
    text = seed_text.replace(old, new, 1)
    err = _error(text)
    assert expected in str(err)
    assert err.line == _line_of(_lines(text), at)


def test_personal_without_description(seed_text: str) -> None:
    text = seed_text.rstrip("\n")
    text = text[: text.rindex("\n\t")]  # drop the last description cell
    err = _error(text)
    assert "2 cells per row" in str(err)
    assert err.line == _line_of(_lines(text), "\tResultaat nastreven")


@pytest.mark.parametrize("glue", ["\n", "\n\n", "\n\n\n"])
def test_text_after_the_end_of_the_form_is_refused(seed_text: str, glue: str) -> None:
    form = seed_text.rstrip("\n")
    other = "".join(
        f"Een andere regel {n} die niet bij het formulier hoort.\n" for n in range(50_000)
    )
    text = form + glue + other
    err = _error(text)
    assert "expected the end of the form" in str(err)
    assert "Een andere regel 0" in str(err)
    assert err.line == _line_of(_lines(text), "Een andere regel 0")


def test_blank_lines_after_the_form_are_fine(seed_text: str) -> None:
    assert len(parse_form_text(seed_text + "\n\n  \n\n").personal) == 8


@pytest.mark.parametrize("text", ["", "hello", "\n\n\t\n", "Beroep: X\n"])
def test_not_a_form(text: str) -> None:
    err = _error(text)
    assert err.line >= 1


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_form_fails_cleanly(seed_text: str, data: st.DataObject) -> None:
    # Deleting or duplicating lines either still parses into a valid profile or names a line.
    lines = _lines(seed_text)
    for _ in range(data.draw(st.integers(1, 3))):
        n = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[n]
        else:
            lines.insert(n, lines[n])
    try:
        profile = parse_form_text("\n".join(lines), source="damaged")
    except FormatError as err:
        assert re.match(r"damaged, line \d+: expected ", str(err))
    else:
        assert profile_problems(profile) == []


def test_command_line(seed_path: Path, shipped_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.toml"
    assert main([str(seed_path), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == shipped_path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("Beroep: Bakker\n", encoding="utf-8")
    assert main([str(bad)]) == 1
    assert capsys.readouterr().err.startswith(f"error: {bad}, line ")
