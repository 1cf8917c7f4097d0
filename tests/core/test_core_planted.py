"""Another member of the group plants names in the store: links, FIFOs, a replaced log.

Each test reproduces what a member can do with plain shell commands in a shared
store directory and checks that leerpad neither follows nor hangs on it, and
never writes where nobody reads.
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.schema import Profile
from cli.main import main
from core import access, commands, filestore, readmodel, storefiles
from core import events as ev
from core.log import HEADER_SIZE, LogFile
from core.store import LOG_NAME, ReadOnly, Store, StoreError
from core.verify import verify_store
from tests.core.conftest import START

OpenStore = Callable[..., Store]


def _note(store: Store, text: str = "Goed bezig.") -> ev.Record:
    return store.execute(lambda s: commands.add_note(s, "P1", "P1", text=text))


def _victim(tmp_path: Path) -> Path:
    """Another member's private file, which the planted names point to."""
    private = tmp_path / "private"
    private.mkdir()
    secret = private / "secret.txt"
    secret.write_text("mine alone\n")
    secret.chmod(0o600)
    return secret


def _in_thread(call: Callable[[], object]) -> list[object]:
    """Run `call` in a thread; a hang (a FIFO opened for reading) leaves the list empty."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(call())
        except BaseException as exc:
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    return out


# --- access.toml ---------------------------------------------------------------------------


def test_a_planted_link_at_the_access_file_temp_name_is_not_followed(
    plan_store: Store, tmp_path: Path
) -> None:
    secret = _victim(tmp_path)
    # The name the temporary file used to have (predictable from the pid), and the file itself.
    for name in (f".{access.ACCESS_FILE}.{os.getpid()}.new", access.ACCESS_FILE):
        (plan_store.path / name).unlink(missing_ok=True)
        (plan_store.path / name).symlink_to(secret)
    access.write_access_file(plan_store.path, plan_store.state)
    assert secret.read_text() == "mine alone\n"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    written = plan_store.path / access.ACCESS_FILE
    assert not written.is_symlink() and written.read_text().startswith("# leerpad access")


def test_a_fifo_as_the_access_file_does_not_stall_opening(
    plan_store: Store, make_store: OpenStore
) -> None:
    os.mkfifo(plan_store.path / access.ACCESS_FILE)
    out = _in_thread(make_store)
    assert out, "opening the store waited on a FIFO"
    opened = out[0]
    assert isinstance(opened, Store)
    assert any("named pipe" in notice for notice in opened.notices)


# --- events.log ------------------------------------------------------------------------------


def test_a_symlinked_log_is_refused_and_the_target_untouched(
    plan_store: Store, tmp_path: Path, store_dir: Path
) -> None:
    elsewhere = tmp_path / "private-store"
    elsewhere.mkdir()
    target = elsewhere / LOG_NAME
    shutil.copyfile(store_dir / LOG_NAME, target)
    before = target.read_bytes()
    plan_store.close()
    (store_dir / LOG_NAME).unlink()
    (store_dir / LOG_NAME).symlink_to(target)
    with pytest.raises(StoreError, match="is a symbolic link, not a regular file"):
        Store.open(store_dir)
    code = main(["--store", str(store_dir), "note", "add", "P1", "P1", "Via een link."])
    assert code == 3
    assert target.read_bytes() == before


def test_a_dangling_symlinked_log_is_not_created_through(tmp_path: Path, store_dir: Path) -> None:
    store_dir.mkdir()
    target = tmp_path / "elsewhere" / "made-by-leerpad"
    target.parent.mkdir()
    (store_dir / LOG_NAME).symlink_to(target)
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open(store_dir)
    assert not target.exists()


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_log_that_is_no_file_is_refused_without_waiting(
    store_dir: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    store_dir.mkdir()
    if kind == "fifo":
        os.mkfifo(store_dir / LOG_NAME)
    else:
        (store_dir / LOG_NAME).mkdir()
    words = "named pipe" if kind == "fifo" else "a directory"
    report = _in_thread(lambda: verify_store(store_dir))
    assert report, "verify waited on the log"
    assert report[0].problem.kind == "not-regular" and words in report[0].problem.message
    opened = _in_thread(lambda: Store.open(store_dir))
    assert opened and isinstance(opened[0], StoreError) and words in str(opened[0])
    capsys.readouterr()
    # (verify was seen above not to wait; the CLI needs the main thread for its signals)
    assert main(["--store", str(store_dir), "verify"]) == 3
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


# --- the log replaced while open -------------------------------------------------------------


def _replace_by_copy(path: Path) -> None:
    """What a member does: copy the log, then rename the copy over it."""
    copy = path.with_name("copy-of-log")
    shutil.copyfile(path, copy)
    os.rename(copy, path)


def test_a_log_replaced_while_open_is_never_written_to(plan_store: Store, store_dir: Path) -> None:
    log = store_dir / LOG_NAME
    old = os.open(log, os.O_RDONLY)  # keeps the original inode readable after the rename
    try:
        size = os.fstat(old).st_size
        _replace_by_copy(log)
        with pytest.raises(StoreError, match="was replaced by another file") as refused:
            _note(plan_store, "Na de vervanging.")
        assert "read again" in str(refused.value)
        assert os.fstat(old).st_size == size  # nothing went into the file nobody reads
        assert log.stat().st_size == size
        # Now reading the file at the name: the next change goes there.
        record = _note(plan_store, "Daarna.")
        assert os.fstat(old).st_size == size
        with Store.open(store_dir) as again:
            assert again.state.seq == record.seq
            assert again.state.plans["P1"].notes[-1].text == "Daarna."
    finally:
        os.close(old)


def test_a_log_removed_or_hard_linked_while_open_is_not_written(
    plan_store: Store, store_dir: Path, tmp_path: Path
) -> None:
    log = store_dir / LOG_NAME
    size = log.stat().st_size
    os.link(log, store_dir / "second-name")
    with pytest.raises(StoreError, match="2 names"):
        _note(plan_store)
    assert log.stat().st_size == size
    os.unlink(store_dir / "second-name")
    os.rename(log, tmp_path / "moved-away")
    with pytest.raises(StoreError, match="was removed"):
        _note(plan_store)
    assert (tmp_path / "moved-away").stat().st_size == size


def test_a_log_header_rewritten_in_place_is_not_appended_to(
    plan_store: Store, store_dir: Path
) -> None:
    log = store_dir / LOG_NAME
    data = bytearray(log.read_bytes())
    data[20] ^= 0xFF  # the log id
    with open(log, "r+b") as out:
        out.write(bytes(data[:HEADER_SIZE]))
    with pytest.raises(StoreError, match="header of"):
        _note(plan_store)
    assert log.read_bytes() == bytes(data)


def test_the_open_log_still_matches_its_name(plan_store: Store) -> None:
    assert plan_store.log.replaced() is None
    assert _note(plan_store).seq == 2


# --- records the read model stood in for -------------------------------------------------------


@pytest.fixture
def checkpointed(
    plan_store: Store, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, int]:
    """P1 with 30 notes and a read model of all of it in the user's cache; returns the cache
    directory and the byte offset of record 10 (which the read model covers)."""
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    for n in range(30):
        _note(plan_store, f"Notitie {n}.")
    cache = readmodel.default_dir()
    assert cache is not None and readmodel.save(plan_store, cache) is not None
    offsets = [at for at, _ in LogFile(store_dir / LOG_NAME, writable=False).scan(HEADER_SIZE)]
    return cache, offsets[9]


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as out:
        out.seek(offset)
        byte = out.read(1)[0]
        out.seek(offset)
        out.write(bytes([byte ^ 0x10]))


def test_damage_behind_a_read_model_makes_the_store_read_only(
    checkpointed: tuple[Path, int], store_dir: Path, make_store: OpenStore
) -> None:
    cache, offset = checkpointed
    _flip(store_dir / LOG_NAME, offset + 40)
    store = make_store(cache_dir=cache)
    assert store.corruption is not None and store.corruption.seq == 10
    assert store.state.seq == 9  # the prefix before the damage, as without a read model
    assert f"record 10 at byte {offset}" in (store.read_only or "")


def test_a_writer_checks_what_the_read_model_covered_before_appending(
    checkpointed: tuple[Path, int], store_dir: Path, make_store: OpenStore
) -> None:
    cache, offset = checkpointed
    store = make_store(cache_dir=cache, check_now=False)
    assert store.state.seq == 31 and store.writable  # from the read model, not yet checked
    assert (
        isinstance(store.state.plans, readmodel.StoredPlans) and store.state.plans.head is not None
    )
    _flip(store_dir / LOG_NAME, offset + 40)
    size = (store_dir / LOG_NAME).stat().st_size
    assert store.covered_damaged()
    with pytest.raises(ReadOnly, match="record 10"):
        _note(store)
    assert (store_dir / LOG_NAME).stat().st_size == size


def test_the_cli_sees_damage_behind_a_read_model(
    checkpointed: tuple[Path, int], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, offset = checkpointed
    store = ["--store", str(store_dir)]
    assert main([*store, "plan", "list"]) == 0  # leaves the CLI's own read model
    assert list((readmodel.default_dir() or Path()).glob("readmodel/*.sqlite"))
    _flip(store_dir / LOG_NAME, offset + 40)
    size = (store_dir / LOG_NAME).stat().st_size
    capsys.readouterr()
    assert main([*store, "note", "add", "P1", "P1", "Na de schade."]) == 3
    assert "record 10" in capsys.readouterr().err
    assert (store_dir / LOG_NAME).stat().st_size == size
    main([*store, "plan", "list"])
    assert "record 10" in capsys.readouterr().err


@pytest.mark.parametrize("damaged", [1, 10, 29])
def test_plan_list_shows_what_a_replay_shows_when_damage_is_behind_a_read_model(
    plan_store: Store,
    store_dir: Path,
    tiny_profile: Profile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    damaged: int,
) -> None:
    """Damage anywhere in what the read model covers (its first record, one in the middle,
    the one before its last) gives the output of a replay, whenever the hash finds it."""
    for n in range(28):
        _note(plan_store, f"Notitie {n}.")
    plan_store.execute(  # record 30: a plan that a damaged record before it hides
        lambda s: commands.create_plan(s, tiny_profile, trainee="Bo Claes", start=START, weeks=8)
    )
    store = ["--store", str(store_dir)]
    monkeypatch.setattr(readmodel, "SAVE_AFTER", 1)
    assert main([*store, "plan", "list"]) == 0  # leaves the CLI's own read model
    assert list((readmodel.default_dir() or Path()).glob("readmodel/*.sqlite"))
    assert "Bo Claes" in capsys.readouterr().out
    offsets = [at for at, _ in LogFile(store_dir / LOG_NAME, writable=False).scan(HEADER_SIZE)]
    _flip(store_dir / LOG_NAME, offsets[damaged - 1] + 40)
    assert main([*store, "plan", "list"]) == 0
    shown = capsys.readouterr()
    assert f"record {damaged}" in shown.err and "Bo Claes" not in shown.out
    monkeypatch.setenv(readmodel.DISABLE_VARIABLE, "off")
    assert main([*store, "plan", "list"]) == 0
    assert capsys.readouterr() == shown  # exactly what a replay without the read model says


def test_closing_a_store_waits_for_the_check_running_ahead(
    checkpointed: tuple[Path, int], make_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log is never closed under the thread hashing it (its descriptor could be reused)."""
    cache, _ = checkpointed
    release, seen = threading.Event(), []
    damaged = filestore.FileBackend._damaged

    def held(backend: filestore.FileBackend, stop: int, spans: list[tuple[int, str]]) -> bool:
        release.wait()
        seen.append(backend.log.fd >= 0)
        return damaged(backend, stop, spans)

    monkeypatch.setattr(filestore.FileBackend, "_damaged", held)
    store = make_store(cache_dir=cache, check_now=False, check_in_background=True)
    assert (
        isinstance(store.state.plans, readmodel.StoredPlans) and store.state.plans.head is not None
    )
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join(timeout=0.5)
    assert closer.is_alive()  # waiting for the check
    release.set()
    closer.join()
    assert seen == [True] and store.log.fd < 0


def test_an_intact_log_behind_a_read_model_stays_writable(
    checkpointed: tuple[Path, int], make_store: OpenStore
) -> None:
    cache, _ = checkpointed
    store = make_store(cache_dir=cache, check_now=False)
    assert not store.covered_damaged()
    assert _note(store).seq == 32


# --- catalog/ ----------------------------------------------------------------------------------


SEED = (
    Path(__file__).parents[1]
    / "data"
    / "seed"
    / "opleidingsplan-commercieel-medewerker-binnendienst.txt"
)


def test_catalog_import_refuses_a_symlinked_catalog_dir(
    plan_store: Store, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "someone-elses"
    elsewhere.mkdir()
    (store_dir / "catalog").symlink_to(elsewhere)
    capsys.readouterr()
    code = main(["--store", str(store_dir), "catalog", "import", str(SEED), "--id", "cmb2"])
    assert code == 3
    assert "is a symbolic link, not a directory" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_catalog_import_replaces_a_planted_link_instead_of_writing_through_it(
    plan_store: Store, store_dir: Path, tmp_path: Path
) -> None:
    secret = _victim(tmp_path)
    (store_dir / "catalog").mkdir()
    (store_dir / "catalog" / "cmb2.toml").symlink_to(secret)
    argv = ["--store", str(store_dir), "catalog", "import", str(SEED), "--id", "cmb2", "--force"]
    assert main(argv) == 0
    assert secret.read_text() == "mine alone\n"
    written = store_dir / "catalog" / "cmb2.toml"
    assert not written.is_symlink() and written.read_text().startswith("#")


def test_a_new_file_never_opens_an_existing_name(tmp_path: Path) -> None:
    fd = storefiles.open_dir(tmp_path)
    try:
        os.symlink(tmp_path / "x", tmp_path / "taken")
        with pytest.raises(FileExistsError):
            storefiles.create_named(fd, "taken", mode=0o600)
        assert not (tmp_path / "x").exists()
    finally:
        os.close(fd)
