"""`leerpad catalog list|show|import`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_support import OCCUPATION, Run

from catalog import load_profile

SEED = (
    Path(__file__).resolve().parents[1]
    / "data/seed/opleidingsplan-commercieel-medewerker-binnendienst.txt"
)


def test_list(run: Run) -> None:
    result = run("catalog", "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "WEEKS", "A/B", "ACTIONS", "SOURCE"]
    assert lines[1].split()[0] == OCCUPATION
    assert lines[1].split()[-3:] == ["10/8", "61", "shipped"]


def test_list_json(run: Run) -> None:
    data = json.loads(run("catalog", "list", "--json").out)
    assert data == [
        {
            "id": OCCUPATION,
            "version": 1,
            "title": "Commercieel medewerker binnendienst",
            "weeks": None,
            "job": 10,
            "rows": 31,
            "skills": 51,
            "actions": 61,
            "personal": 8,
            "source": "shipped",
        }
    ]


def test_show(run: Run) -> None:
    result = run("catalog", "show", "commercieel")
    assert result.code == 0
    out = result.out
    assert out.startswith(f"Commercieel medewerker binnendienst  ({OCCUPATION})\n")
    for part in (
        "A1  Telefonische oproepen",
        "  A3.2\n",
        "    A3.2.1  De cursist leert hoe",
        "B8  Resultaat nastreven",
        "  verworven: acquired  (counts as acquired)\n",
    ):
        assert part in out, part


def test_show_json_uses_plan_ids(run: Run) -> None:
    data = json.loads(run("catalog", "show", OCCUPATION, "--json").out)
    assert list(data) == [
        "id",
        "version",
        "title",
        "description",
        "weeks",
        "source",
        "job",
        "personal",
        "scale",
    ]
    assert data["job"][2]["rows"][1]["actions"][0]["id"] == "A3.2.1"
    assert [p["id"] for p in data["personal"]] == [f"B{i}" for i in range(1, 9)]
    assert [lv["key"] for lv in data["scale"]] == [
        "nog-niet-verworven",
        "in-ontwikkeling",
        "verworven",
        "ruim-verworven",
    ]


def test_show_unknown(run: Run) -> None:
    result = run("catalog", "show", "bakker")
    assert result.code == 1
    assert result.err == f"leerpad: Unknown occupation 'bakker'; known: {OCCUPATION}.\n"


def test_import_the_seed_under_a_new_id(run: Run, store_dir: Path) -> None:
    result = run("catalog", "import", str(SEED), "--id", "cmb-kopie")
    assert result.code == 0, result.err
    target = store_dir / "catalog" / "cmb-kopie.toml"
    assert result.out == (
        "Commercieel medewerker binnendienst (cmb-kopie): 10 job competencies, 31 rows, "
        "51 skill statements, 61 training actions, 8 personal competencies.\n"
        f"Written to {target}.\n"
    )
    profile = load_profile(target)
    assert profile.id == "cmb-kopie" and len(profile.job) == 10
    listed = json.loads(run("catalog", "list", "--json").out)
    assert {p["id"]: p["source"] for p in listed}["cmb-kopie"] == str(target)
    # A plan can start from it straight away.
    new = run("plan", "new", "--occupation", "cmb-kopie", "--trainee", "X", "--start", "1/9/2026")
    assert new.code == 0


def test_import_refuses_an_existing_id_unless_forced(run: Run, store_dir: Path) -> None:
    result = run("catalog", "import", str(SEED))
    assert result.code == 1
    assert f"Occupation {OCCUPATION} already exists (shipped); use --force" in result.err
    assert not (store_dir / "catalog").exists()
    assert run("catalog", "import", str(SEED), "--id", "x1").code == 0
    again = run("catalog", "import", str(SEED), "--id", "x1")
    assert again.code == 1 and "x1 already exists" in again.err
    assert run("catalog", "import", str(SEED), "--id", "x1", "--force").code == 0
    assert sorted(p.name for p in (store_dir / "catalog").iterdir()) == ["x1.toml"]


def test_import_dry_run_writes_nothing(run: Run, store_dir: Path) -> None:
    result = run("catalog", "import", str(SEED), "--id", "droog", "--dry-run")
    assert result.code == 0 and "Nothing written (--dry-run)" in result.out
    assert not store_dir.exists()


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("form.txt", "Dit is geen formulier.\n", 1, "The form cannot be imported: "),
        ("form.txt", b"\xff\xfe\x00binary", 1, "is not UTF-8 text"),
        ("missing.txt", None, 2, "Cannot read"),
        ("missing.docx", None, 2, "Cannot read"),
    ],
)
def test_import_refusals(
    run: Run,
    tmp_path: Path,
    store_dir: Path,
    name: str,
    content: str | bytes | None,
    code: int,
    message: str,
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run("catalog", "import", str(path), "--id", "nieuw")
    assert result.code == code
    assert message in result.err and result.err.count("\n") == 1
    assert not store_dir.exists()


def test_a_broken_catalog_file_is_a_warning(run: Run, store_dir: Path) -> None:
    (store_dir / "catalog").mkdir(parents=True)
    (store_dir / "catalog" / "kapot.toml").write_text("id = \n")
    result = run("catalog", "list")
    assert result.code == 0
    assert OCCUPATION in result.out
    assert "warning: catalog file skipped: " in result.err and "kapot.toml" in result.err


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_import_into_a_team_store_keeps_its_modes(
    run: Run, store_dir: Path, plan: str, umask: int
) -> None:
    # A team store (init-store): setgid, group read/write; its files 0660.
    os.chmod(store_dir, 0o2770)
    old = os.umask(umask)
    try:
        assert run("catalog", "import", str(SEED), "--id", "cmb-team").code == 0
    finally:
        os.umask(old)
    folder = store_dir / "catalog"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o2770
    assert stat.S_IMODE((folder / "cmb-team.toml").stat().st_mode) == 0o660


def test_import_into_a_new_personal_store_keeps_it_private(run: Run, store_dir: Path) -> None:
    assert run("catalog", "import", str(SEED), "--id", "cmb-eigen").code == 0
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
