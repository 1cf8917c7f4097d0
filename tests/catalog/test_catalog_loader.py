"""Catalog files: bad ones name file and field; extra folders override, errors are collected."""

from __future__ import annotations

import os
import re
from pathlib import Path

import msgspec
import pytest

from catalog import (
    Catalog,
    CatalogError,
    Profile,
    ScaleLevel,
    UnknownOccupation,
    load_profile,
    profile_to_toml,
)

ID = "commercieel-medewerker-binnendienst"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def variant(shipped: Profile, **changes: object) -> str:
    return profile_to_toml(msgspec.structs.replace(shipped, **changes))


def test_shipped_loads(shipped_path: Path) -> None:
    profile = load_profile(shipped_path)
    assert profile.id == ID
    assert len(profile.job) == 10


def _broken(shipped_path: Path, tmp_path: Path, old: str, new: str, count: int = 1) -> CatalogError:
    text = shipped_path.read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, "bad.toml", text.replace(old, new, count))
    with pytest.raises(CatalogError) as info:
        load_profile(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == str(path)
    assert str(err).startswith(f"{path}: ")
    return err


def _nth(text: str, needle: str, n: int) -> int:
    return [m.start() for m in re.finditer(re.escape(needle), text)][n]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("version = 1", 'version = "1"', "$.version"),
        ("version = 1\n", "", "$.version"),
        ('title = "Commercieel medewerker binnendienst"', 'title = ""', "$.title"),
        ('title = "Commercieel medewerker binnendienst"', 'title = "  "', "$.title"),
        ('title = "Commercieel medewerker binnendienst"\n', "", "$.title"),
        ("version = 1\n", 'version = 1\ncolour = "red"\n', "$.colour"),
        ("[[job.rows]]\n", "[[job.rows]]\nnotes = 1\n", "$.job[0].rows[0].notes"),
        (
            "[[job.rows]]\nskills = [\n",
            "[[job.rows]]\nskills = [\n    3,\n",
            "$.job[0].rows[0].skills[0]",
        ),
        ("acquired = false", 'acquired = "no"', "$.scale[0].acquired"),
        ('id = "commercieel-medewerker-binnendienst"', 'id = "commercieel medewerker"', "$.id"),
        ('key = "verworven"', 'key = "in-ontwikkeling"', "$.scale[2].key"),
        ("acquired = true", "acquired = false", "$.scale"),
    ],
)
def test_bad_field(shipped_path: Path, tmp_path: Path, old: str, new: str, field: str) -> None:
    count = 2 if field == "$.scale" else 1
    err = _broken(shipped_path, tmp_path, old, new, count)
    assert err.field == field
    assert f": {field}: " in str(err)


def test_bad_field_in_a_later_competency(shipped_path: Path, tmp_path: Path) -> None:
    text = shipped_path.read_text(encoding="utf-8")
    at = _nth(text, "[[job]]\ntitle = ", 2) + len("[[job]]\ntitle = ")
    path = write(tmp_path, "bad.toml", text[:at] + "42\n" + text[text.index("\n", at) + 1 :])
    with pytest.raises(CatalogError, match=re.escape(r"$.job[2].title: Expected `str`, got `int`")):
        load_profile(path)


def test_syntax_error_names_the_line(shipped_path: Path, tmp_path: Path) -> None:
    err = _broken(shipped_path, tmp_path, "version = 1\n", "version = 1\ntitle = \n")
    assert err.line == 4
    assert "line 4" in str(err)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "café"'.encode("latin-1"))
    with pytest.raises(CatalogError, match="UTF-8"):
        load_profile(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_profile(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"job": []}, "$.job"),
        ({"weeks": 0}, "$.weeks"),
        ({"version": 0}, "$.version"),
        ({"description": "\n"}, "$.description"),
        ({"scale": [ScaleLevel("ja", "ja", "yes", True)]}, "$.scale"),
        (
            {"scale": [ScaleLevel("a", "a", "a", False), ScaleLevel("b", "b", "b", False)]},
            "$.scale",
        ),
        (
            {"scale": [ScaleLevel("a", "a", "a", True), ScaleLevel("b", "", "b", True)]},
            "$.scale[1].nl",
        ),
        (
            {"scale": [ScaleLevel("a", "a", "a", True), ScaleLevel("b", "b", "b", False)]},
            "$.scale[1].acquired",
        ),
    ],
)
def test_semantic_problems(shipped: Profile, tmp_path: Path, changes: dict, field: str) -> None:
    path = write(tmp_path, "bad.toml", variant(shipped, **changes))
    with pytest.raises(CatalogError) as info:
        load_profile(path)
    assert info.value.field == field
    assert str(info.value).startswith(f"{path}: {field}: ")


def test_row_problems(shipped: Profile, tmp_path: Path) -> None:
    job = shipped.job[1]
    rows = [msgspec.structs.replace(job.rows[0], actions=[]), *job.rows[1:]]
    path = write(
        tmp_path,
        "a.toml",
        variant(shipped, job=[shipped.job[0], msgspec.structs.replace(job, rows=rows)]),
    )
    with pytest.raises(
        CatalogError, match=re.escape("$.job[1].rows[0].actions: needs at least one")
    ):
        load_profile(path)
    rows = [msgspec.structs.replace(job.rows[0], skills=["ok", ""]), *job.rows[1:]]
    path = write(
        tmp_path, "b.toml", variant(shipped, job=[msgspec.structs.replace(job, rows=rows)])
    )
    with pytest.raises(
        CatalogError, match=re.escape("$.job[0].rows[0].skills[1]: must not be empty")
    ):
        load_profile(path)
    path = write(tmp_path, "c.toml", variant(shipped, job=[msgspec.structs.replace(job, rows=[])]))
    with pytest.raises(CatalogError, match=re.escape("$.job[0].rows: needs at least one row")):
        load_profile(path)


# --- Catalog ------------------------------------------------------------------------------


def test_catalog_ships_the_seed_profile(shipped: Profile) -> None:
    catalog = Catalog.load()
    assert catalog.errors == []
    assert [p.id for p in catalog.profiles()] == [ID]
    assert catalog.get(ID) == shipped


def test_later_dirs_override_and_bad_files_are_collected(shipped: Profile, tmp_path: Path) -> None:
    store, user = tmp_path / "store" / "catalog", tmp_path / "user" / "catalog"
    write(store, "cmb.toml", variant(shipped, title="Winkel versie", version=2))
    write(store, "broken.toml", 'id = "x"\nversion = \n')
    write(store, "notes.txt", "not a profile")
    write(store, ".#cmb.toml", "editor lock file")
    write(store, "magazijn.toml", variant(shipped, id="magazijnier", title="Magazijnier"))
    write(user, "mine.toml", variant(shipped, title="Eigen versie", version=3))
    write(user, "empty.toml", variant(shipped, id="leeg", title=""))

    catalog = Catalog.load([store, user, tmp_path / "missing"])

    assert catalog.get(ID).title == "Eigen versie"
    assert catalog.get(ID).version == 3
    assert catalog.sources[ID] == str(user / "mine.toml")
    assert [p.title for p in catalog.profiles()] == ["Eigen versie", "Magazijnier"]
    assert sorted(Path(e.path).name for e in catalog.errors) == ["broken.toml", "empty.toml"]
    assert all(isinstance(e, CatalogError) for e in catalog.errors)


def test_duplicate_id_in_one_folder(shipped: Profile, tmp_path: Path) -> None:
    write(tmp_path, "a.toml", variant(shipped, title="A"))
    write(tmp_path, "b.toml", variant(shipped, title="B"))
    catalog = Catalog.load([tmp_path])
    assert catalog.get(ID).title == "A"
    assert [e.field for e in catalog.errors] == ["$.id"]
    assert "a.toml" in str(catalog.errors[0]) and "b.toml" in str(catalog.errors[0])


def test_extra_dir_that_is_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, "catalog", "")
    catalog = Catalog.load([path])
    assert [e.path for e in catalog.errors] == [str(path)]
    assert [p.id for p in catalog.profiles()] == [ID]


def test_links_and_fifos_in_a_catalog_folder_are_named_not_read(
    shipped: Profile, tmp_path: Path
) -> None:
    """A store's catalog/ is writable by the whole group: what another member planted there
    (a link to someone's private file, a FIFO that would block) is refused by name."""
    private = write(tmp_path / "private", "secret.toml", variant(shipped, title="Geheim"))
    folder = tmp_path / "store" / "catalog"
    write(folder, "own.toml", variant(shipped, id="eigen", title="Eigen"))
    (folder / "linked.toml").symlink_to(private)
    os.mkfifo(folder / "waits.toml")
    catalog = Catalog.load([folder])
    assert sorted(p.id for p in catalog.profiles()) == sorted(["eigen", ID])
    assert all(p.title != "Geheim" for p in catalog.profiles())
    problems = {Path(e.path).name: str(e) for e in catalog.errors}
    assert set(problems) == {"linked.toml", "waits.toml"}
    assert "not a regular file" in problems["linked.toml"]


def test_a_catalog_folder_that_is_a_link_is_not_followed(shipped: Profile, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, "secret.toml", variant(shipped, title="Geheim"))
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "catalog").symlink_to(elsewhere, target_is_directory=True)
    catalog = Catalog.load([tmp_path / "store" / "catalog"])
    assert [p.title for p in catalog.profiles()] != ["Geheim"]
    assert [Path(e.path).name for e in catalog.errors] == ["catalog"]
    assert "not a directory" in str(catalog.errors[0])


def test_get_by_prefix_and_title(shipped: Profile) -> None:
    other = msgspec.structs.replace(
        shipped, id="commercieel-medewerker-buitendienst", title="Vertegenwoordiger"
    )
    catalog = Catalog([shipped, other])
    assert catalog.get("commercieel-medewerker-bi") == shipped
    assert catalog.get("COMMERCIEEL medewerker binnendienst") == shipped
    assert catalog.get("verteg") == other
    with pytest.raises(UnknownOccupation, match="ambiguous") as info:
        catalog.get("commercieel")
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownOccupation) as info:
        catalog.get("bakker")
    assert str(info.value) == (
        "unknown occupation 'bakker'; known: "
        "commercieel-medewerker-binnendienst, commercieel-medewerker-buitendienst"
    )
    with pytest.raises(UnknownOccupation):
        catalog.get("")
