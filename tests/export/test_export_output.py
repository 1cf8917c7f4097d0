"""Writing exports: all or nothing, a clear error for a bad path, the user's umask, and the
refusals (unknown plan, unknown format) before anything is written."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from export_plans import TODAY

from core.export import (
    EXIT_OUTPUT,
    EXIT_REFUSED,
    ExportError,
    default_filename,
    export_plan,
    export_report,
)
from core.export import output as output_module
from core.store import Store

needs_non_root = pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")


def export(store: Store, path: Path | str, fmt: str = "md") -> Path:
    return export_plan(store.state, "P1", fmt, path, lang="nl", today=TODAY)


def test_writes_and_replaces(plans_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old")
    assert export(plans_store, target) == target
    assert target.read_text(encoding="utf-8").startswith("# Opleidingsplan P1")
    assert os.listdir(tmp_path) == ["plan.md"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing" / "plan.md", "does not exist"),
        (lambda d: d, "it is a folder"),
        (lambda d: (d / "file").write_text("x") and d / "file" / "plan.md", "is not a folder"),
        (lambda d: "", "Name the file"),
        (lambda d: "  ", "Name the file"),
    ],
)
def test_bad_paths_are_refused_and_nothing_is_written(
    plans_store: Store,
    tmp_path: Path,
    make,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    target = make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ExportError) as caught:
        export(plans_store, target, "docx")
    assert caught.value.code == EXIT_OUTPUT
    assert expected in caught.value.message("en")
    assert sorted(os.listdir(tmp_path)) == before


@needs_non_root
def test_folder_without_write_permission(plans_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="no permission") as caught:
            export(plans_store, folder / "plan.md")
        assert caught.value.code == EXIT_OUTPUT
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


@needs_non_root
def test_read_only_file_is_not_replaced(plans_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("keep me")
    target.chmod(0o444)
    with pytest.raises(ExportError, match="read-only"):
        export(plans_store, target)
    assert target.read_text() == "keep me"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    plans_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.docx"
    target.write_bytes(b"the earlier export")
    real_write = os.write
    calls = []

    def disk_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data)[:100])  # a short write first, then the disk is full

    monkeypatch.setattr(output_module.os, "write", disk_full)
    with pytest.raises(ExportError, match="No space left on device") as caught:
        export(plans_store, target, "docx")
    assert caught.value.code == EXIT_OUTPUT
    assert "Nothing was written" in caught.value.message("en")
    assert "Er is niets geschreven" in caught.value.message("nl")
    assert target.read_bytes() == b"the earlier export"
    assert os.listdir(tmp_path) == ["plan.docx"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_new_file_follows_the_umask(
    plans_store: Store, tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        path = export(plans_store, tmp_path / "plan.json", "json")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_symlink_target_is_replaced_not_the_link(plans_store: Store, tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    export(plans_store, link)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# Opleidingsplan")


def test_refusals_come_before_writing(plans_store: Store, tmp_path: Path) -> None:
    state = plans_store.state
    with pytest.raises(ExportError) as caught:
        export_plan(state, "P9", "md", tmp_path / "x.md", lang="nl", today=TODAY)
    assert caught.value.code == EXIT_REFUSED
    assert caught.value.message("nl") == "Er is geen plan P9."
    with pytest.raises(ExportError) as caught:
        export_plan(state, "P1", "pdf", tmp_path / "x.pdf", lang="nl", today=TODAY)
    assert caught.value.code == EXIT_OUTPUT and "docx, md, json" in caught.value.message("en")
    with pytest.raises(ExportError) as caught:
        export_plan(state, "P1", "md", tmp_path / "x.md", lang="fr", today=TODAY)
    assert caught.value.code == EXIT_OUTPUT
    with pytest.raises(ExportError) as caught:
        export_report(state, "P1", "md", tmp_path / "r.md", lang="nl", today=TODAY)
    assert caught.value.code == EXIT_REFUSED
    assert os.listdir(tmp_path) == []


def test_plan_ids_are_case_insensitive(plans_store: Store, tmp_path: Path) -> None:
    path = export_plan(plans_store.state, "p1", "md", tmp_path / "x.md", lang="nl", today=TODAY)
    assert path.exists()


def test_default_filename(plans_store: Store) -> None:
    p1 = plans_store.state.plan("P1")
    assert default_filename(p1, "docx", lang="nl") == "opleidingsplan-P1-jan-peeters.docx"  # type: ignore[arg-type]
    assert (
        default_filename(p1, "md", lang="en", report=True)  # type: ignore[arg-type]
        == "competency-report-P1-jan-peeters.md"
    )


def test_permission_refused_at_create_time(
    plans_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder looked writable but creating the file fails (ACLs, a race, root squash)."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output_module.os, "open", refuse)
    with pytest.raises(ExportError, match="no permission to write in") as caught:
        export(plans_store, tmp_path / "plan.md")
    assert caught.value.code == EXIT_OUTPUT
    assert os.listdir(tmp_path) == []


def _special_targets(tmp_path: Path) -> list[tuple[Path, str]]:
    """A FIFO, a link to it, and (as root) a character device, all inside tmp_path."""
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    link = tmp_path / "link.md"
    link.symlink_to(fifo)
    targets = [(fifo, "FIFO"), (link, "FIFO")]
    if os.geteuid() == 0:
        device = tmp_path / "null.md"
        # A private copy of /dev/null: replacing it by mistake would harm nothing.
        os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        targets.append((device, "character device"))
    return targets


def test_a_target_that_is_not_a_regular_file_is_refused(plans_store: Store, tmp_path: Path) -> None:
    for target, kind in _special_targets(tmp_path):
        before = os.lstat(target)
        with pytest.raises(ExportError) as caught:
            export(plans_store, target)
        assert caught.value.code == EXIT_OUTPUT
        assert f"is not a regular file ({kind})" in caught.value.message("en")
        after = os.lstat(target)
        assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("docx", "plan.pdf"), ("docx", "plan"), ("md", "plan.json"), ("json", "plan.docx")],
)
def test_a_name_that_does_not_end_as_the_format_is_refused(
    plans_store: Store, tmp_path: Path, fmt: str, name: str
) -> None:
    with pytest.raises(ExportError) as caught:
        export(plans_store, tmp_path / name, fmt)
    assert caught.value.code == EXIT_OUTPUT
    assert f"a {fmt} file ends in" in caught.value.message("en")
    assert os.listdir(tmp_path) == []


def test_the_temporary_file_has_an_unpredictable_name(
    plans_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_open = os.open

    def spy(path, flags, *rest):  # type: ignore[no-untyped-def]
        seen.append(os.fspath(path))
        assert flags & os.O_EXCL and flags & os.O_CREAT
        return real_open(path, flags, *rest)

    monkeypatch.setattr(output_module.os, "open", spy)
    export(plans_store, tmp_path / "a.md")
    export(plans_store, tmp_path / "a.md")
    assert len(seen) == 2 and seen[0] != seen[1]
    assert all(Path(p).parent == tmp_path for p in seen)
