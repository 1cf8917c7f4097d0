"""Helpers for the log's fault tests: child processes that append, and independent checks.

Run as a script it is the child: `python faultkit.py MODE ARGS...` (see `main`).
Imported, it gives the parent the means to start children and to check a log
without trusting the Store that wrote it.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core import commands, verify
from core import events as ev
from core.log import HEADER_SIZE, parse_header, scan_frames
from core.store import Store, StoreError

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]


class FillingDisk:
    """os.write on a disk with `room` bytes left: short writes, then ENOSPC (as Linux does)."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.real = os.write

    def __call__(self, fd: int, data: bytes) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = self.real(fd, bytes(data[: self.room]))
        self.room -= written
        return written


def child_env(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEERPAD_")}
    if home is not None:
        env["HOME"] = str(home)
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = str(home / var.lower())
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_child(*args: object, **popen: object) -> subprocess.Popen[str]:
    """Start `python faultkit.py ARGS...`, its stdout a text pipe."""
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, str(HERE), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=popen.pop("env", None) or child_env(),
        **popen,
    )


def log_size(store: Store) -> int:
    """The log's size on disk: unchanged means nothing was written."""
    return (store.path / "events.log").stat().st_size


def note_text(worker: int | str, i: int) -> str:
    return f"w{worker}-{i}"


# --- independent checks ---------------------------------------------------------------------


@dataclass
class LogCheck:
    """What an independent read of a log found: records, and the first problem if any."""

    records: list[ev.Record]
    problem: str | None
    tail: bytes

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.tail


def check_log(path: Path) -> LogCheck:
    """Read a log with nothing but the frame rules, msgspec and hashlib.

    Checks framing, CRCs (via scan_frames), dense seq from 1, unique ids and the
    SHA-256 chain from the header's hash.
    """
    data = path.read_bytes()
    header = parse_header(data[:HEADER_SIZE], path)
    frames, end, problem = scan_frames(data[HEADER_SIZE:], HEADER_SIZE)
    records: list[ev.Record] = []
    prev = hashlib.sha256(data[:HEADER_SIZE]).hexdigest()
    assert prev == header.hash
    ids: set[str] = set()
    for f in frames:
        try:
            rec = ev.RECORD_DECODER.decode(f.payload)
        except msgspec.DecodeError as exc:
            return LogCheck(records, f"record at {f.offset} does not decode: {exc}", b"")
        if rec.seq != len(records) + 1:
            return LogCheck(records, f"seq {rec.seq} at {f.offset}", b"")
        if rec.prev != prev:
            return LogCheck(records, f"chain broken at seq {rec.seq}", b"")
        if rec.id in ids:
            return LogCheck(records, f"id {rec.id} twice", b"")
        ids.add(rec.id)
        prev = hashlib.sha256(f.payload).hexdigest()
        records.append(opened_note(path.parent, rec))
    if problem is not None and not problem.torn:
        return LogCheck(records, f"{problem.text('en')} at {problem.offset}", b"")
    return LogCheck(records, None, data[end:])


def opened_note(store_dir: Path, rec: ev.Record) -> ev.Record:
    """A note's text opened as docs/FORMAT.md says, with nothing but its key file and AES-GCM."""
    event = rec.event
    if not isinstance(event, ev.NoteAdded) or not isinstance(event.text, ev.Sealed):
        return rec
    key = (store_dir / "keys" / f"{event.plan}.key").read_bytes()
    ad = f"{event.plan}\x00{rec.id}\x00text".encode()
    text = AESGCM(key).decrypt(event.text.n, event.text.c, ad).decode()
    return msgspec.structs.replace(rec, event=msgspec.structs.replace(event, text=text))


def verify_store(path: Path) -> tuple[bool, str]:
    """`leerpad verify`'s check (core.verify) and the independent `check_log` must agree."""
    report = verify.verify_store(path)
    check = check_log(path / "events.log")
    verified = report.intact and report.torn is None
    assert verified == check.ok, (report, check.problem, check.tail[:40])
    if report.problem is not None:
        return False, report.problem.message
    return verified, "torn tail" if report.torn else "ok"


def notes(records: list[ev.Record]) -> list[str]:
    return [r.event.text for r in records if isinstance(r.event, ev.NoteAdded)]


# --- scenarios shared by the fast tests and the reliability suite -----------------------------


@dataclass
class Ack:
    """An append a child reported as returned: it must be in the log for ever."""

    seq: int
    id: str
    text: str


def parse_acks(output: str) -> list[Ack]:
    acks = []
    for line in output.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[0].isdigit():
            acks.append(Ack(int(parts[0]), parts[1], parts[2]))
    return acks


@dataclass
class WritersResult:
    records: int
    acks: int
    reader_rounds: int


def run_writers(
    store_dir: Path, workers: int, count: int, *, reader: bool = False
) -> WritersResult:
    """`workers` processes append `count` notes each at once; check every append landed once."""
    base = len(check_log(store_dir / "events.log").records)
    go = store_dir.parent / f"go-{os.getpid()}-{time.monotonic_ns()}"
    stop = go.with_name(go.name + "-stop")
    children = [start_child("append", store_dir, w, count, "--go", go) for w in range(workers)]
    replayer = start_child("replay", store_dir, stop) if reader else None
    go.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=900)
        assert child.returncode == 0, err
        assert out.endswith("done\n")
        outputs.append(out)
    rounds = 0
    if replayer is not None:
        stop.touch()
        out, err = replayer.communicate(timeout=900)
        assert replayer.returncode == 0, out + err
        rounds = int(out.split()[1])
    check = check_log(store_dir / "events.log")
    assert check.ok, check.problem
    ok, why = verify_store(store_dir)
    assert ok, why
    records = check.records
    assert [r.seq for r in records] == list(range(1, base + workers * count + 1))
    by_id = {r.id: r for r in records}
    texts = notes(records[base:])
    assert sorted(texts) == sorted(note_text(w, i) for w in range(workers) for i in range(count))
    acks = [ack for out in outputs for ack in parse_acks(out)]
    assert len(acks) == workers * count
    for ack in acks:
        assert by_id[ack.id].seq == ack.seq
        assert by_id[ack.id].event.text == ack.text  # type: ignore[union-attr]
    # each writer's own appends are in its order
    for w, out in enumerate(outputs):
        seqs = [a.seq for a in parse_acks(out)]
        assert seqs == sorted(seqs) and len(seqs) == count, w
    return WritersResult(len(records), len(acks), rounds)


@dataclass
class KillResult:
    kills: int = 0
    acked: int = 0
    torn_moved: int = 0
    side_files: int = 0


def kill_loop(store_dir: Path, kills: int, rng: random.Random, *, pad: int = 0) -> KillResult:
    """Start a writer, SIGKILL it after a random number of acknowledged appends, reopen, check.

    Every append the child acknowledged (printed after `execute` returned) must be in the
    log with the seq it was given; the log must stay valid (a torn tail is moved aside).
    """
    result = KillResult()
    acked: dict[str, Ack] = {}
    for k in range(kills):
        child = start_child("append", store_dir, f"k{k}", 10**9, "--pad", pad)
        assert child.stdout is not None
        lines = []
        for _ in range(rng.randint(1, 6)):
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else ""
            lines.append(line)
        time.sleep(rng.random() * 0.004)  # land somewhere in a later append
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        # Lines still in the pipe were printed after execute returned: acknowledged too.
        for ack in parse_acks("".join(lines) + out):
            acked[ack.id] = ack
        result.kills += 1
        with Store.open(store_dir) as store:
            assert store.read_only is None, store.read_only
            result.torn_moved += len(store.notices)
            present = {rec.id: rec.seq for rec, _ in store.records()}
        for ack in acked.values():
            assert present.get(ack.id) == ack.seq, ack
    result.acked = len(acked)
    result.side_files = len(list(store_dir.glob("events.log.torn-*")))
    ok, why = verify_store(store_dir)
    assert ok, why
    return result


def frame_offsets(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every frame in a valid log's bytes."""
    frames, end, problem = scan_frames(data[HEADER_SIZE:], HEADER_SIZE)
    assert problem is None and end == len(data)
    return [(f.offset, f.end) for f in frames]


def reset_store(store_dir: Path, data: bytes) -> None:
    """Make `store_dir` hold exactly a log with these bytes (and no side files)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    for old in store_dir.glob("events.log*"):
        old.unlink()
    (store_dir / "events.log").write_bytes(data)


def check_torn_cut(store_dir: Path, data: bytes, cut: int) -> None:
    """The log cut to `cut` bytes inside its last record: open keeps the rest, sets it aside."""
    spans = frame_offsets(data)
    start, _ = spans[-1]
    assert start < cut < len(data)
    reset_store(store_dir, data[:cut])
    with Store.open(store_dir) as store:
        assert store.read_only is None, store.read_only
        assert store.state.seq == len(spans) - 1
        assert len(store.notices) == 1, store.notices
        notice = store.notices[0]
        assert f"byte {start}" in notice and f"{cut - start} bytes" in notice, notice
    sides = list(store_dir.glob("events.log.torn-*"))
    assert len(sides) == 1 and sides[0].name in notice
    assert sides[0].read_bytes() == data[start:cut]
    assert (store_dir / "events.log").read_bytes() == data[:start]


@dataclass
class FlipResult:
    flips: int = 0
    refused_open: int = 0
    read_only: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def check_bit_flip(store_dir: Path, data: bytes, offset: int, bit: int, result: FlipResult) -> None:
    """Flip one bit; the store and `leerpad verify` must both name the damaged record.

    Detected means: the store refuses to open (the magic bytes) or opens read-only
    with the exact valid prefix before the damaged record, never a crash and never
    a record silently dropped or changed.
    """
    spans = frame_offsets(data)
    damaged = bytearray(data)
    damaged[offset] ^= 1 << bit
    reset_store(store_dir, bytes(damaged))
    result.flips += 1
    if offset < HEADER_SIZE:
        index, start = 0, 0  # the header: the first record's link to it breaks
    else:
        index = next(i for i, (a, b) in enumerate(spans) if a <= offset < b)
        start = spans[index][0]
    try:
        store = Store.open(store_dir)
    except StoreError as exc:
        assert offset < 8, (offset, exc)  # only the magic bytes make it "not a log"
        assert "not a leerpad log" in str(exc)
        result.refused_open += 1
        return
    with store:
        assert store.read_only is not None, (offset, bit)
        assert store.notices == [] or all("torn" not in n for n in store.notices)
        assert store.state.seq == index, (offset, store.state.seq, index)
        result.read_only += 1
        if offset >= HEADER_SIZE:
            assert store.corruption is not None
            assert (store.corruption.seq, store.corruption.offset) == (index + 1, start)
            assert f"record {index + 1} at byte {start}" in store.read_only
        assert (store_dir / "events.log").read_bytes() == bytes(damaged)  # nothing cut
    report = verify.verify_store(store_dir)
    assert report.problem is not None and report.torn is None
    assert report.records == index
    if offset >= HEADER_SIZE:
        assert (report.problem.seq, report.problem.offset) == (index + 1, start)
    result.by_kind[report.problem.kind] = result.by_kind.get(report.problem.kind, 0) + 1


def run_fsize_child(store_dir: Path, limit: int) -> tuple[list[Ack], list[str]]:
    """Append in a child whose file size limit is `limit` bytes until it is refused 3 times."""
    child = start_child("fsize", store_dir, limit)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err  # not killed by SIGXFSZ, no traceback
    acks = parse_acks("\n".join(line[3:] for line in out.splitlines() if line.startswith("ok ")))
    failures = [line[5:] for line in out.splitlines() if line.startswith("fail ")]
    return acks, failures


def check_after_write_failures(store_dir: Path, acks: list[Ack]) -> None:
    """After refused appends: no partial record left, every acknowledged one there, verify ok."""
    check = check_log(store_dir / "events.log")
    assert check.ok, (check.problem, check.tail[:20])
    with Store.open(store_dir) as store:
        assert store.read_only is None and store.notices == []
        present = {rec.id: rec.seq for rec, _ in store.records()}
    for ack in acks:
        assert present[ack.id] == ack.seq
    ok, why = verify_store(store_dir)
    assert ok, why


@contextmanager
def small_tmpfs(parent: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on a new directory under `parent` (root only), or skip."""
    import pytest

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("no mount command")
    point = parent / "tmpfs"
    point.mkdir()
    result = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill_disk(store_dir: Path, pad: int, rounds: int = 2000) -> tuple[list[ev.Record], list[str]]:
    """Append big notes in this process until the disk refuses, then a few more times."""
    acked: list[ev.Record] = []
    failures: list[str] = []
    with Store.open(store_dir) as store:
        for i in range(rounds):
            text = f"{note_text('d', i)} {'.' * pad}"
            try:
                acked.append(
                    store.execute(lambda s, text=text: commands.add_note(s, "P1", "P1", text=text))
                )
            except StoreError as exc:
                failures.append(str(exc))
                if len(failures) >= 3:
                    break
        # A short note may still fit where a big one did not: it must then work normally.
        try:
            acked.append(store.execute(lambda s: commands.add_note(s, "P1", "P1", text="kort")))
        except StoreError as exc:
            failures.append(str(exc))
    return acked, failures


@dataclass
class Users:
    group: str
    names: list[str]
    homes: dict[str, Path]


@contextmanager
def throwaway_users(count: int) -> Iterator[Users]:
    """Create `count` users in a new group (root only, else skip); remove them afterwards."""
    import pytest

    if os.geteuid() != 0:
        pytest.skip("creating throwaway users needs root")
    for tool in ("useradd", "groupadd", "userdel", "groupdel"):
        if shutil.which(tool) is None:
            pytest.skip(f"no {tool} command")
    tag = f"{os.getpid() % 100000:05d}"
    group = f"lpt{tag}"
    names = [f"lpt{tag}u{i}" for i in range(count)]
    created: list[str] = []
    group_made = False
    # Homes outside pytest's private (0700) temporary directories, so the users reach them.
    workdir = Path(tempfile.mkdtemp(prefix="leerpad-users-"))
    os.chmod(workdir, 0o755)
    try:
        result = subprocess.run(["groupadd", group], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"groupadd failed: {result.stderr.strip()}")
        group_made = True
        homes = {}
        for name in names:
            home = workdir / f"home-{name}"
            subprocess.run(
                [
                    "useradd",
                    "-M",
                    "-N",
                    "-g",
                    group,
                    "-d",
                    str(home),
                    "-s",
                    "/bin/sh",
                    "-c",
                    f"Testgebruiker {name}",
                    name,
                ],
                check=True,
                capture_output=True,
            )
            created.append(name)
            home.mkdir()
            shutil.chown(home, name, group)
            homes[name] = home
        yield Users(group, names, homes)
    finally:
        for name in created:
            subprocess.run(["userdel", name], check=False, capture_output=True)
        if group_made:
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def as_user(user: str, group: str, home: Path, argv: list[str]) -> list[str]:
    """argv run as `user` (with only its own groups), in a clean environment."""
    env = [
        "env",
        "-i",
        f"HOME={home}",
        "PATH=/usr/bin:/bin",
        "LANG=C.UTF-8",
        f"XDG_CONFIG_HOME={home}/.config",
        f"XDG_DATA_HOME={home}/.local/share",
    ]
    setpriv = shutil.which("setpriv")
    if setpriv is not None:
        return [setpriv, f"--reuid={user}", f"--regid={group}", "--init-groups", "--", *env, *argv]
    return ["runuser", "-u", user, "--", *env, *argv]


def team_store(parent: Path, group: str) -> Path:
    """A store directory for a team: group-owned, setgid, no access for others."""
    store_dir = Path(tempfile.mkdtemp(prefix="leerpad-team-", dir=parent))
    shutil.chown(store_dir, "root", group)
    os.chmod(store_dir, 0o2770)
    return store_dir


def interpreter_reachable(user: str, group: str) -> bool:
    """Can `user` run this venv's Python? (Not when it lives under a private /root.)"""
    python = os.path.realpath(sys.executable)
    probe = as_user(user, group, Path("/"), ["/usr/bin/test", "-x", python])
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def run_users_appending(store_dir: Path, users: Users, count: int) -> tuple[list[ev.Record], str]:
    """Every user appends `count` notes through the `leerpad` CLI, all at the same time.

    Returns the log's records and how the users ran leerpad: "setpriv" (the
    installed `leerpad` script started as that user) or, when that user cannot
    reach the interpreter, "dropped" (a child started as root that loads the CLI,
    then gives up root for the user's uid and group before running the commands).
    """
    leerpad = Path(sys.executable).with_name("leerpad")
    direct = all(interpreter_reachable(name, users.group) for name in users.names)
    children = []
    for name in users.names:
        home = users.homes[name]
        if direct:
            script = " && ".join(
                f"{leerpad} --store {store_dir} note add P1 P1 {name}-{i}" for i in range(count)
            )
            argv = as_user(name, users.group, home, ["/bin/sh", "-c", script])
            children.append(subprocess.Popen(argv, stderr=subprocess.PIPE, text=True))
        else:
            children.append(
                start_child("cli-as", name, users.group, home, store_dir, count, env=child_env())
            )
    for child in children:
        _, err = child.communicate(timeout=900)
        assert child.returncode == 0, err
    check = check_log(store_dir / "events.log")
    assert check.ok, check.problem
    ok, why = verify_store(store_dir)
    assert ok, why
    by_text = {r.event.text: r for r in check.records if isinstance(r.event, ev.NoteAdded)}
    for name in users.names:
        for i in range(count):
            assert by_text[f"{name}-{i}"].actor == name
    return check.records, "setpriv" if direct else "dropped"


def every_event_log(store_dir: Path, profile: object) -> bytes:
    """A log holding one record of each plan event type (the access events aside)."""
    from datetime import date

    today = date(2026, 11, 28)
    steps = [
        lambda s: commands.create_plan(s, profile, trainee="An", start=date(2026, 10, 5)),
        lambda s: commands.edit_plan(s, "P1", company="Bakkerij"),
        lambda s: commands.plan_action(s, "P1", "A1.1.1", due=date(2026, 12, 1)),
        lambda s: commands.complete_action(s, "P1", "A1.1.1", on=today, today=today),
        lambda s: commands.reopen_action(s, "P1", "A1.1.1", reason="Nog eens"),
        lambda s: commands.add_action(s, "P1", "A1.1", text="Eigen actie"),
        lambda s: commands.drop_action(s, "P1", "A1.2.1", reason="n.v.t."),
        lambda s: commands.restore_action(s, "P1", "A1.2.1"),
        lambda s: commands.add_note(s, "P1", "A1", text="Goed bezig"),
        lambda s: commands.record_evaluation(
            s,
            "P1",
            on=today,
            today=today,
            participants=["Jan"],
            ratings=[ev.Rating("A1", "verworven", "ok")],
        ),
        lambda s: commands.sign_off(s, "P1", role="mentor"),
        lambda s: commands.close_plan(
            s, "P1", outcome="completed", on=today, today=today, reason="Klaar"
        ),
        lambda s: commands.reopen_plan(s, "P1", reason="Verlengd"),
    ]
    with Store.open(store_dir) as store:
        for step in steps:
            store.execute(step)  # type: ignore[arg-type]
    return (store_dir / "events.log").read_bytes()


# --- the child -------------------------------------------------------------------------------


def _store(path: str) -> Store:
    return Store.open(path, create=False, clock=lambda: datetime.now(UTC))


def _wait_for(go: str | None) -> None:
    # A start line for children started one by one, so their appends really overlap.
    while go and not os.path.exists(go):
        time.sleep(0.002)


def _append(path: str, worker: str, count: int, pad: int = 0, go: str | None = None) -> int:
    """Append `count` notes on plan P1, printing 'seq id text' once each append has returned.

    `pad` makes each note that many characters longer (bigger records span several pages,
    so a kill can land in the middle of writing one).
    """
    store = _store(path)
    _wait_for(go)
    out = sys.stdout
    filler = "." * pad
    for i in range(count):
        text = note_text(worker, i)
        body = f"{text} {filler}" if pad else text
        record = store.execute(lambda s, body=body: commands.add_note(s, "P1", "P1", text=body))
        out.write(f"{record.seq} {record.id} {text}\n")
        out.flush()
    out.write("done\n")
    out.flush()
    return 0


def _fsize(path: str, limit: int) -> int:
    """Append notes under a file size limit until refused; report acks and the refusal."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = _store(path)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    failures = 0
    i = 0
    while failures < 3:
        text = note_text("f", i)
        i += 1
        try:
            record = store.execute(lambda s, text=text: commands.add_note(s, "P1", "P1", text=text))
        except StoreError as exc:
            failures += 1
            print(f"fail {exc}", flush=True)
            continue
        print(f"ok {record.seq} {record.id} {text}", flush=True)
    return 0


def _fsize_sweep(path: str, text_size: int) -> int:
    """Cut the same append at every byte with the soft file size limit; then let it through.

    Prints 'refused K' for each limit K bytes past the end that was refused cleanly
    (and left the log as it was), 'ok SEQ' when the limit finally lets the record in.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = _store(path)
    text = "s" * text_size
    log = Path(path) / "events.log"
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    k = 0
    while True:
        size = log.stat().st_size
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + k, hard))
        try:
            record = store.execute(lambda s: commands.add_note(s, "P1", "P1", text=text))
        except StoreError as exc:
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
            assert "file size limit" in str(exc), exc
            assert log.stat().st_size == size, (k, log.stat().st_size, size)
            print(f"refused {k}", flush=True)
            k += 1
            continue
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        print(f"ok {record.seq} {log.stat().st_size - size}", flush=True)
        return 0


def _replay(path: str, stop_file: str) -> int:
    """Open and re-read the store in a loop until `stop_file` exists; fail on any gap."""
    rounds = 0
    last = 0
    while True:
        stop = os.path.exists(stop_file)
        store = _store(path)
        try:
            if store.read_only and store.corruption is not None:
                print(f"corrupt {store.read_only}", flush=True)
                return 1
            seqs = [rec.seq for rec, _ in store.records()]
            if seqs != list(range(1, len(seqs) + 1)) or len(seqs) < last:
                print(f"gap after {last}", flush=True)
                return 1
            last = len(seqs)
            store.refresh()
        finally:
            store.close()
        rounds += 1
        if stop:
            break
    print(f"rounds {rounds} last {last}", flush=True)
    return 0


def _cli_as(user: str, group: str, home: str, store: str, count: int) -> int:
    """Run `leerpad note add` `count` times in this process as `user` (started as root)."""
    import grp
    import pwd

    from cli import main as cli

    warm_home = tempfile.mkdtemp(prefix="leerpad-warm-")
    os.environ.update(HOME=warm_home, XDG_CACHE_HOME=f"{warm_home}/cache")
    # A refused command loads every module a real one needs and writes nothing: after
    # dropping root this process may not be able to read the interpreter's files.
    assert cli.main(["--store", store, "note", "add", "P404", "P404", "warm-up"]) == 1
    entry = pwd.getpwnam(user)
    gid = grp.getgrnam(group).gr_gid
    os.setgroups([gid])
    os.setgid(gid)
    os.setuid(entry.pw_uid)
    os.environ.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_CACHE_HOME=f"{home}/.cache")
    for i in range(count):
        code = cli.main(["--store", store, "note", "add", "P1", "P1", f"{user}-{i}"])
        if code != 0:
            return code
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="faultkit")
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("append")
    p.add_argument("path")
    p.add_argument("worker")
    p.add_argument("count", type=int)
    p.add_argument("--pad", type=int, default=0)
    p.add_argument("--go")
    p = sub.add_parser("fsize")
    p.add_argument("path")
    p.add_argument("limit", type=int)
    p = sub.add_parser("fsize-sweep")
    p.add_argument("path")
    p.add_argument("text_size", type=int)
    p = sub.add_parser("cli-as")
    for name in ("user", "group", "home", "store"):
        p.add_argument(name)
    p.add_argument("count", type=int)
    p = sub.add_parser("replay")
    p.add_argument("path")
    p.add_argument("stop_file")
    args = parser.parse_args(argv)
    if args.mode == "append":
        return _append(args.path, args.worker, args.count, args.pad, args.go)
    if args.mode == "fsize":
        return _fsize(args.path, args.limit)
    if args.mode == "fsize-sweep":
        return _fsize_sweep(args.path, args.text_size)
    if args.mode == "cli-as":
        return _cli_as(args.user, args.group, args.home, args.store, args.count)
    return _replay(args.path, args.stop_file)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
