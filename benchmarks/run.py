"""Measure leerpad against the limit of its own format and against two peers; write the report.

    python -m benchmarks.run            # 10k, 100k and 1M events -> docs/PERFORMANCE.md
    python -m benchmarks.run --quick    # 10k and 100k, fewer runs -> build/bench/

Generated stores and peer databases are kept in build/bench/ and reused while
the generator is unchanged. Every time is the median of several runs on warm
files (the page cache holds the log); processes are measured from outside.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec

from benchmarks import generate, peers, pgbench
from core import events as ev
from core import pgstore, readmodel
from core.log import HEADER_SIZE, LogFile
from core.store import LOG_NAME, Store
from core.storecopy import copy_store

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
TAIL = 1_000
"""Records appended after the read model in the read model measurements."""


@dataclass
class Plan:
    """How much to measure: the full run or the quick one."""

    sizes: tuple[int, ...]
    repeat: int
    slow_repeat: int
    """Runs of the slowest measurements (seconds each at 1M)."""
    appends: int
    writers: int
    writer_appends: int
    ui: bool
    """Also measure the UI with a large store (a new event, the whole history): minutes at 1M."""


FULL = Plan(SIZES, 5, 3, appends=1_000, writers=8, writer_appends=1_000, ui=True)
QUICK = Plan(QUICK_SIZES, 3, 1, appends=300, writers=8, writer_appends=250, ui=False)


@dataclass
class Bench:
    data: Path
    plan: Plan
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    appends: dict[str, Any] = field(default_factory=dict)
    postgres: dict[str, Any] = field(default_factory=dict)

    @property
    def cache(self) -> Path:
        """Where the CLI and UI (XDG_CACHE_HOME below) keep their read models."""
        return self.data / "xdg-cache" / "leerpad"

    def env(self, *, today: date, checkpoints: bool = True) -> dict[str, str]:
        """A clean environment for leerpad processes: own home, fixed day, UTC."""
        env = {
            k: v
            for k, v in os.environ.items()
            # Bytecode is cached as on any installed system (no recompiling at each start).
            if not k.startswith(("LEERPAD_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"
        }
        home = self.data / "home"
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CACHE_HOME=str(self.data / "xdg-cache"),
            LEERPAD_TODAY=today.isoformat(),
            LANG="C.UTF-8",
            TZ="UTC",
        )
        if not checkpoints:
            env[readmodel.DISABLE_VARIABLE] = "off"
        return env


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    return clocked(fn)[0]


def clocked(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call; what it returns is freed only after the clock stops
    (tearing down a million-object state is not part of opening it)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return wall, cpu


@dataclass
class Child:
    seconds: float
    """Wall time from spawn to exit (or to the line that ends the measurement)."""
    output: dict[str, Any]


def run_child(
    argv: list[str], env: dict[str, str], *, until_line: bool = False, stdin: bool = False
) -> Child:
    """Run a process and time it from spawn; its last line of JSON output is kept."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    if until_line:
        line = proc.stdout.readline()
        seconds = time.perf_counter() - began
        rest = proc.stdout.read()
    else:
        line = b""
        rest = proc.stdout.read()
    errors = proc.stderr.read()
    proc.wait()
    if not until_line:
        seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {errors.decode()}")
    text = (line or rest).decode().strip().splitlines()
    output = json.loads(text[-1]) if text and text[-1].startswith("{") else {}
    return Child(seconds, output)


def probe(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.probes", *args]


def leerpad(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("leerpad")), *args]


# --- the stores ----------------------------------------------------------------------------


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1_000}k"


def ensure_store(bench: Bench, n: int) -> tuple[Path, dict[str, Any]]:
    """The generated store of `n` events, made (and checked) once per generator version."""
    path = bench.data / f"store-{label(n)}-g{generate.GENERATOR_VERSION}"
    marker = path / "generated.json"
    if marker.exists():
        meta = json.loads(marker.read_text())
        if (path / LOG_NAME).stat().st_size == meta["size"]:
            return path, meta
    shutil.rmtree(path, ignore_errors=True)
    say(f"generating {n:,} events into {path}")
    made = generate.generate(path, n)
    generate.check(made)
    meta = {
        "events": made.events,
        "plans": made.plans,
        "actors": made.actors,
        "last_time": made.last_time.isoformat(),
        "size": (path / LOG_NAME).stat().st_size,
        "seconds": made.seconds,
    }
    marker.write_text(json.dumps(meta))
    return path, meta


def payloads_of(path: Path) -> list[bytes]:
    log = LogFile(path / LOG_NAME, writable=False)
    try:
        return [payload for _, payload in log.scan(HEADER_SIZE)]
    finally:
        log.close()


def offset_of(path: Path, seq: int) -> int:
    """Where record `seq` starts (the end of the log for seq = last + 1)."""
    log = LogFile(path / LOG_NAME, writable=False)
    try:
        scan = log.scan(HEADER_SIZE)
        for n, (offset, _) in enumerate(scan, 1):
            if n == seq:
                return offset
        return scan.end
    finally:
        log.close()


def ensure_checkpointed_copy(bench: Bench, source: Path, n: int) -> Path:
    """A copy of the store whose read model covers all but the last TAIL records."""
    copy = bench.data / f"ckpt-{source.name}"
    log_path = copy / LOG_NAME
    tail = min(TAIL, n // 10)
    if log_path.exists() and log_path.stat().st_size == (source / LOG_NAME).stat().st_size:
        with Store.open(copy, create=False) as probe_store:
            found = readmodel.read_head(
                readmodel.model_path(
                    bench.cache, probe_store.log.path, probe_store.log.header.log_id
                ),
                probe_store.log,
            )
        if found is not None and found.seq == n - tail:
            return copy
    say(f"checkpointing {label(n)} at record {n - tail:,}")
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    # The plans' keys come along: without them the read model is not written (it keeps
    # personal texts sealed with them).
    shutil.copytree(source / "keys", copy / "keys")
    cut = offset_of(source, n - tail + 1)
    with open(source / LOG_NAME, "rb") as src, open(log_path, "wb") as dst:
        dst.write(src.read(cut))
    with Store.open(copy, create=False) as partial:
        if readmodel.save(partial, bench.cache) is None:
            raise RuntimeError("could not write the read model")
    with open(source / LOG_NAME, "rb") as src, open(log_path, "ab") as dst:
        src.seek(cut)
        shutil.copyfileobj(src, dst)
    return copy


# --- measurements per size -----------------------------------------------------------------


def measure_size(bench: Bench, n: int) -> dict[str, Any]:
    plan = bench.plan
    slow = plan.slow_repeat if n >= 1_000_000 else plan.repeat
    store, meta = ensure_store(bench, n)
    today = datetime.fromisoformat(meta["last_time"]).date()
    result: dict[str, Any] = {"meta": meta, "today": today.isoformat()}

    say(f"{label(n)}: floor (msgspec decoding alone) and full replay, taken in turns")
    payloads = payloads_of(store)
    decode = ev.RECORD_DECODER.decode

    def floor() -> None:
        with peers.paused_gc():
            for payload in payloads:
                decode(payload)

    def replay() -> Store:
        opened = Store.open(store, create=False)
        opened.close()
        return opened

    # In turns, so both see the same load on a shared machine; CPU time is the steadier
    # figure there, wall time what a user waits.
    runs = [(clocked(floor), clocked(replay)) for _ in range(slow)]
    result["floor"] = statistics.median(f[0] for f, _ in runs)
    result["replay"] = statistics.median(r[0] for _, r in runs)
    result["floor_cpu"] = statistics.median(f[1] for f, _ in runs)
    result["replay_cpu"] = statistics.median(r[1] for _, r in runs)
    result["bytes"] = sum(len(p) for p in payloads)
    payloads.clear()

    say(f"{label(n)}: checkpoint + tail")
    copy = ensure_checkpointed_copy(bench, store, n)
    with Store.open(copy, create=False) as opened:
        result["checkpoint_bytes"] = (
            readmodel.model_path(bench.cache, opened.log.path, opened.log.header.log_id)
            .stat()
            .st_size
        )
        result["checkpoint_save"] = median_of(
            min(3, plan.repeat),
            lambda: timed(lambda: readmodel.save(opened, bench.data / "scratch-cache")),
        )
    result["tail"] = min(TAIL, n // 10)

    def with_checkpoint() -> Store:
        with Store.open(copy, create=False, cache_dir=bench.cache) as opened:
            assert opened.state.seq == n
        return opened

    result["checkpoint_open"] = median_of(plan.repeat, lambda: timed(with_checkpoint))

    say(f"{label(n)}: processes (memory, plan list, first paint)")
    env_on = bench.env(today=today)
    env_off = bench.env(today=today, checkpoints=False)
    # A child process must find the checkpoint valid (same code), or it would replay.
    _check_valid(copy, bench, env_on, n - result["tail"])
    cold = run_child(probe("open", str(store)), env_off)
    result["process_replay"] = cold.seconds
    result["rss_replay"] = cold.output["peak_mb"]
    warm = run_child(probe("open", str(copy), str(bench.cache)), env_on)
    result["rss_checkpoint"] = warm.output["peak_mb"]

    def plan_list(env: dict[str, str]) -> Callable[[], float]:
        return lambda: run_child(leerpad("--store", str(copy), "plan", "list"), env).seconds

    result["list_checkpoint"] = median_of(plan.repeat, plan_list(env_on))
    result["list_replay"] = median_of(slow, plan_list(env_off))

    def paint(env: dict[str, str]) -> Callable[[], float]:
        return lambda: painted(run_child(probe("paint", str(copy)), env, until_line=True))

    result["paint_checkpoint"] = median_of(plan.repeat, paint(env_on))
    result["paint_replay"] = median_of(slow, paint(env_off))
    result["plan_frame"], result["plan_screen"] = plan_screen(copy, "P1", env_on, plan.repeat)

    _check_valid(copy, bench, env_on, n - result["tail"])
    if plan.ui:
        say(f"{label(n)}: the UI with this store (a new event, the whole history)")
        # A scratch copy (the probe appends to it), opened from its own checkpoint.
        scratch = bench.data / "scratch" / "ui"
        xdg = bench.data / "scratch" / "ui-xdg"
        _fresh_copy(store, scratch)
        shutil.rmtree(xdg, ignore_errors=True)
        with Store.open(scratch, create=False) as opened:
            readmodel.save(opened, xdg / "leerpad")
        env_ui = {**env_on, "XDG_CACHE_HOME": str(xdg)}
        result["ui"] = run_child(probe("responsive", str(scratch)), env_ui).output

    say(f"{label(n)}: peers")
    result.update(measure_peers(bench, store, n))
    return result


def measure_baseline(bench: Bench) -> dict[str, Any]:
    """Start-up alone: `plan list` and the UI's first paint on a store with one plan."""
    store = bench.data / "store-one-plan"
    today = date(2026, 11, 28)
    env = bench.env(today=today, checkpoints=False)
    if not (store / LOG_NAME).exists():
        shutil.rmtree(store, ignore_errors=True)
        subprocess.run(
            leerpad(
                "--store",
                str(store),
                "plan",
                "new",
                "--occupation",
                "commercieel",
                "--trainee",
                "Lotte Wouters",
                "--start",
                "2026-11-02",
            ),
            env=env,
            check=True,
            capture_output=True,
        )
    runs = bench.plan.repeat
    listing = median_of(
        runs, lambda: run_child(leerpad("--store", str(store), "plan", "list"), env).seconds
    )
    paint = median_of(
        runs, lambda: painted(run_child(probe("paint", str(store)), env, until_line=True))
    )
    python = median_of(runs, lambda: run_child([sys.executable, "-c", "pass"], env).seconds)
    frame, screen = plan_screen(store, "P1", env, runs)
    return {
        "list": listing,
        "paint": paint,
        "python": python,
        "plan_frame": frame,
        "plan_screen": screen,
    }


def painted(child: Child) -> float:
    """From the UI process's start until its dashboard's frame was handed to the terminal:
    the probe's line comes once the app is idle, which includes the background check of
    the log behind the read model (a thread, counted by the idle test's CPU time)."""
    out = child.output
    return child.seconds - (out["shown"] - out["frame"])


def plan_screen(store: Path, plan_id: str, env: dict[str, str], runs: int) -> tuple[float, float]:
    """Opening one plan's screen after the first paint, as Enter on its row does (the probe
    times it alone, once the background check of the log is done): medians of the time
    until its first frame reaches the terminal and until the app is idle again."""
    found = [
        run_child(probe("plan", str(store), plan_id), env, until_line=True).output
        for _ in range(runs)
    ]
    return (
        statistics.median(r["plan_frame"] for r in found),
        statistics.median(r["plan_seconds"] for r in found),
    )


def _check_valid(copy: Path, bench: Bench, env: dict[str, str], seq: int) -> None:
    found = run_child(probe("valid", str(copy), str(bench.cache)), env).output
    if not found["valid"] or found["seq"] != seq:
        raise RuntimeError(f"the read model of {copy} is not used by a new process: {found}")


def measure_peers(bench: Bench, store: Path, n: int) -> dict[str, Any]:
    plan = bench.plan
    out: dict[str, Any] = {}
    sqlite_path = bench.data / f"peer-sqlite-{store.name}.db"
    sqlite_peer = _filled(sqlite_path, n, lambda p: peers.SQLiteBlobs(p), store, "blobs")
    out["sqlite_replay"] = median_of(
        plan.slow_repeat if n >= 1_000_000 else plan.repeat, lambda: timed(sqlite_peer.replay)
    )
    sqlite_peer.close()
    es_path = bench.data / f"peer-eventsourcing-{store.name}.db"
    es_peer = _filled(es_path, n, lambda p: peers.EventSourcingPeer(p), store, "records")
    runs = 1 if n >= 1_000_000 else min(plan.slow_repeat, 3)
    out["eventsourcing_replay"] = median_of(runs, lambda: timed(es_peer.replay))
    out["eventsourcing_synchronous"] = es_peer.synchronous()
    es_peer.close()
    return out


def _filled(path: Path, n: int, make: Callable[[Path], Any], store: Path, feed: str) -> Any:
    """The peer database holding the store's records, filled once."""
    if path.exists():
        peer = make(path)
        if peer.count() == n:
            return peer
        peer.close()
    peers.remove_db(path)
    say(f"filling {path.name}")
    peer = make(path)
    records = peers.same_records(store / LOG_NAME)
    if feed == "blobs":
        peer.load(payload for payload, _ in records)
    else:
        peer.load(record for _, record in records)
    return peer


# --- appends -------------------------------------------------------------------------------


def measure_appends(bench: Bench) -> dict[str, Any]:
    """Durable append latency from one process, for leerpad and both peers; 8 writers at once."""
    plan = bench.plan
    n = min(bench.plan.sizes)
    store, meta = ensure_store(bench, n)
    today = datetime.fromisoformat(meta["last_time"]).date()
    env = bench.env(today=today, checkpoints=False)
    out: dict[str, Any] = {"base": n}
    scratch = bench.data / "scratch"
    sources = {
        "leerpad": (store, scratch / "append-leerpad"),
        "sqlite": (bench.data / f"peer-sqlite-{store.name}.db", scratch / "append-sqlite.db"),
        "eventsourcing": (
            bench.data / f"peer-eventsourcing-{store.name}.db",
            scratch / "append-eventsourcing.db",
        ),
    }
    say(f"append latency: {', '.join(sources)} x {plan.appends}, in turns")
    pooled: dict[str, list[float]] = {kind: [] for kind in sources}
    for source, target in sources.values():
        _fresh_copy(source, target)
    # In turns, so that a busy moment of the (shared) disk does not fall on one of them only.
    rounds = 5
    for _ in range(rounds):
        for kind, (_, target) in sources.items():
            child = run_child(probe("append", kind, str(target), str(plan.appends // rounds)), env)
            pooled[kind] += child.output["latencies"]
    for kind, times in pooled.items():
        latencies = sorted(times)
        out[kind] = {
            "p50": _percentile(latencies, 50),
            "p99": _percentile(latencies, 99),
            "mean": statistics.fmean(latencies),
        }

    say(f"{plan.writers} writers x {plan.writer_appends} appends")
    target = scratch / "writers"
    _fresh_copy(store, target)
    out["writers"] = measure_writers(bench, str(target), env)
    return out


def measure_writers(bench: Bench, target: str, env: dict[str, str]) -> dict[str, Any]:
    """`plan.writers` processes appending `plan.writer_appends` notes each, all at once."""
    plan = bench.plan
    with Store.open(target, create=False) as before:
        start_seq = before.state.seq
    procs = [
        subprocess.Popen(
            probe("writer", target, str(w), str(plan.writer_appends)),
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(plan.writers)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        if proc.wait() != 0:
            raise RuntimeError("a writer failed")
    seconds = time.perf_counter() - began
    with Store.open(target, create=False) as after:
        texts = {note.text for p in after.state.plans.values() for note in p.notes}
        expected = {
            f"writer {w} note {k}" for w in range(plan.writers) for k in range(plan.writer_appends)
        }
        return {
            "writers": plan.writers,
            "each": plan.writer_appends,
            "seconds": seconds,
            "present": len(expected & texts),
            "expected": len(expected),
            "records": after.state.seq - start_seq,
            "intact": after.corruption is None and after.read_only is None,
        }


def measure_postgres(bench: Bench) -> dict[str, Any]:
    """The same measurements on a database store; {"skipped": why} without PostgreSQL."""
    plan = bench.plan
    with pgbench.server() as started:
        if isinstance(started, str):
            say(f"PostgreSQL part skipped: {started}")
            return {"skipped": started}
        out: dict[str, Any] = {"sizes": {}}
        member = ""
        for n in (n for n in plan.sizes if n <= pgbench.LARGEST):
            store, meta = ensure_store(bench, n)
            env = bench.env(today=datetime.fromisoformat(meta["last_time"]).date())
            admin, member = pgbench.new_store(started)
            say(f"PostgreSQL: store copy of {label(n)} records")
            copy = timed(lambda s=store, a=admin: copy_store(s, a))
            say(f"PostgreSQL: catch-up of {label(n)} records in a new process")
            opens = [run_child(probe("open", member), env) for _ in range(plan.slow_repeat)]
            seconds = statistics.median(c.output["seconds"] for c in opens)
            out["sizes"][n] = {
                "copy": copy,
                "catch_up": seconds,
                "catch_up_process": statistics.median(c.seconds for c in opens),
                "peak_mb": max(c.output["peak_mb"] for c in opens),
                "records": opens[0].output["seq"],
            }
        # Appends and writers on the smallest store, as for the file store.
        n = min(plan.sizes)
        store, meta = ensure_store(bench, n)
        env = bench.env(today=datetime.fromisoformat(meta["last_time"]).date())
        admin, member = pgbench.new_store(started)
        copy_store(store, admin)
        say(f"PostgreSQL: append latency x {plan.appends}")
        child = run_child(probe("append", "leerpad", member, str(plan.appends)), env)
        latencies = sorted(child.output["latencies"])
        out["append"] = {
            "base": n,
            "p50": _percentile(latencies, 50),
            "p99": _percentile(latencies, 99),
            "mean": statistics.fmean(latencies),
        }
        say(f"PostgreSQL: {plan.writers} writers x {plan.writer_appends} appends")
        out["writers"] = measure_writers(bench, member, env)
    return out


def _fresh_copy(source: Path, target: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    else:
        peers.remove_db(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        target.mkdir()
        shutil.copyfile(source / LOG_NAME, target / LOG_NAME)
        if (source / "keys").is_dir():  # the plans' keys belong with their records
            shutil.copytree(source / "keys", target / "keys")
    else:
        shutil.copyfile(source, target)


def _percentile(ordered: list[float], pct: float) -> float:
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- the machine -----------------------------------------------------------------------------


def describe_machine(data: Path) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    disk = "unknown"
    try:
        device = os.stat(data).st_dev
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            parts = line.split()
            major, minor = (int(x) for x in parts[2].split(":"))
            if os.makedev(major, minor) == device:
                fstype, source = parts[parts.index("-") + 1], parts[parts.index("-") + 2]
                name = Path(source).name
                rotational = Path(f"/sys/class/block/{name}/queue/rotational")
                kind = ""
                if rotational.exists():
                    kind = "rotating" if rotational.read_text().strip() == "1" else "solid-state"
                disk = f"{source} ({fstype}{', ' + kind if kind else ''})"
                break
    except (OSError, ValueError):
        pass
    import sqlite3

    try:
        from importlib.metadata import version

        es_version = version("eventsourcing")
        textual_version = version("textual")
    except Exception:
        es_version = textual_version = "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "disk": disk,
        "python": platform.python_version(),
        "msgspec": msgspec.__version__,
        "textual": textual_version,
        "eventsourcing": es_version,
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": os.getloadavg(),
    }


# --- the report ------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def per_record(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e6:.2f} µs"


def verdict(met: bool, how: str) -> str:
    return f"met ({how})" if met else f"**missed** ({how})"


def report(bench: Bench) -> str:
    m = bench.machine
    sizes = sorted(bench.results)
    head = "| | " + " | ".join(f"{label(n)} events" for n in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)

    def row(name: str, cell: Callable[[int, dict[str, Any]], str]) -> str:
        return f"| {name} | " + " | ".join(cell(n, bench.results[n]) for n in sizes) + " |"

    lines = [
        "<!-- Written by `make bench` (benchmarks/run.py); numbers are replaced on each run. -->",
        "",
        "## Results",
        "",
        f"Measured {m['date']} on {m['nproc']} CPUs ({m['cpu']}), disk {m['disk']}, "
        f"{m['system']}, Python {m['python']}, msgspec {m['msgspec']}, textual {m['textual']}, "
        f"eventsourcing {m['eventsourcing']}, SQLite {m['sqlite']}. Load average "
        f"{m['load_before'][0]:.2f} before and {m['load_after'][0]:.2f} after the run "
        "(the machine is shared: other work adds noise).",
        "",
        head,
        rule,
        row("plans / actors", lambda n, r: f"{r['meta']['plans']:,} / {r['meta']['actors']:,}"),
        row("log size", lambda n, r: f"{r['meta']['size'] / 1e6:,.1f} MB"),
        row(
            "floor: msgspec decode alone",
            lambda n, r: f"{ms(r['floor'])} ({per_record(r['floor'], n)}/rec)",
        ),
        row(
            "full replay (open, in-process)",
            lambda n, r: f"{ms(r['replay'])} ({per_record(r['replay'], n)}/rec)",
        ),
        row(
            "**full replay / raw decode speed**",
            lambda n, r: (
                f"**{r['floor'] / r['replay']:.2f}x** (CPU time "
                f"{r['floor_cpu'] / r['replay_cpu']:.2f}x)"
            ),
        ),
        row(
            "open with read model + tail",
            lambda n, r: f"{ms(r['checkpoint_open'])} (tail {r['tail']:,})",
        ),
        row(
            "read model file / write",
            lambda n, r: f"{r['checkpoint_bytes'] / 1e6:,.1f} MB / {ms(r['checkpoint_save'])}",
        ),
        row("`plan list`, process, no read model", lambda n, r: ms(r["list_replay"])),
        row("`plan list`, process, read model", lambda n, r: ms(r["list_checkpoint"])),
        row("UI first paint, no read model", lambda n, r: ms(r["paint_replay"])),
        row("UI first paint, read model", lambda n, r: ms(r["paint_checkpoint"])),
        row(
            "open one plan's screen, read model: first frame / app idle",
            lambda n, r: f"{ms(r['plan_frame'])} / {ms(r['plan_screen'])}",
        ),
        row(
            "peak RSS: replay / read model",
            lambda n, r: f"{r['rss_replay']:,.0f} / {r['rss_checkpoint']:,.0f} MB",
        ),
        row("peer: SQLite msgpack blobs, replay", lambda n, r: ms(r["sqlite_replay"])),
        row("peer: eventsourcing (SQLite), replay", lambda n, r: ms(r["eventsourcing_replay"])),
        row(
            "**replay speed: leerpad / SQLite blobs**",
            lambda n, r: f"**{r['sqlite_replay'] / r['replay']:.2f}x**",
        ),
        row(
            "**replay speed: leerpad / eventsourcing**",
            lambda n, r: f"**{r['eventsourcing_replay'] / r['replay']:.2f}x**",
        ),
        "",
    ]
    a = bench.appends
    w = a["writers"]
    lines += [
        f"Durable appends (a note each, fsync/commit per append, from one process, "
        f"{bench.plan.appends:,} appends on the {label(a['base'])} store):",
        "",
        "| | p50 | p99 | mean |",
        "|---|---:|---:|---:|",
    ]
    for kind, name in (
        ("leerpad", "leerpad"),
        ("sqlite", "SQLite msgpack blobs (WAL, synchronous=FULL)"),
        ("eventsourcing", "eventsourcing (SQLite recorder)"),
    ):
        s = a[kind]
        lines.append(f"| {name} | {ms(s['p50'])} | {ms(s['p99'])} | {ms(s['mean'])} |")
    lines += [
        "",
        f"{w['writers']} processes x {w['each']:,} appends at once: {w['present']:,} of "
        f"{w['expected']:,} present, {w['records']:,} records added, log "
        f"{'intact' if w['intact'] else 'NOT intact'}, {w['seconds']:.1f} s "
        f"({w['records'] / w['seconds']:,.0f} appends/s).",
        "",
    ]
    b = bench.baseline
    lines += [
        f"Start-up alone, on a store with one plan: `plan list` {ms(b['list'])}, UI first "
        f"paint {ms(b['paint'])}, then its plan's screen: first frame {ms(b['plan_frame'])}, "
        f"app idle {ms(b['plan_screen'])} (the Python interpreter alone: {ms(b['python'])}).",
        "",
    ]
    if all("ui" in r for r in bench.results.values()):
        lines += [
            "The UI with a large store (headless, 160x48; see benchmarks/probes.py):",
            "",
            head,
            rule,
            row(
                "another user's new event: fold + dashboard repaint",
                lambda n, r: ms(r["ui"]["new_event_dashboard"]),
            ),
            row(
                "history screen: newest rows drawn",
                lambda n, r: ms(r["ui"]["history_first_rows"]),
            ),
            row(
                "history screen: whole log read back",
                lambda n, r: f"{ms(r['ui']['history_loaded'])} ({r['ui']['history_rows']:,} rows)",
            ),
            row(
                "peak RSS: dashboard / with history",
                lambda n, r: f"{r['ui']['rss_dashboard']:,.0f} / {r['ui']['rss_history']:,.0f} MB",
            ),
            row(
                "a new event while the history is open",
                lambda n, r: ms(r["ui"]["new_event_history"]),
            ),
            "",
        ]
    lines += postgres_lines(bench.postgres)
    lines += targets(bench)
    return "\n".join(lines) + "\n"


def postgres_lines(pg: dict[str, Any]) -> list[str]:
    """The PostgreSQL store beside the file store (same generated stores, same probes)."""
    if not pg:
        return []
    if "skipped" in pg:
        return ["PostgreSQL store: not measured (" + pg["skipped"] + ").", ""]
    sizes = sorted(pg["sizes"])
    lines = [
        "The same stores in PostgreSQL (a throwaway local server on a Unix socket, "
        "fsync off like the tests' server; every record copied with `store copy`'s code, "
        "the database computing the chain):",
        "",
        "| | " + " | ".join(f"{label(n)} events" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
        "| store copy (file -> database) | "
        + " | ".join(
            f"{pg['sizes'][n]['copy']:,.1f} s ({n / pg['sizes'][n]['copy']:,.0f} records/s)"
            for n in sizes
        )
        + " |",
        "| catch-up: open, every row read, checked, folded | "
        + " | ".join(
            f"{ms(pg['sizes'][n]['catch_up'])} ({per_record(pg['sizes'][n]['catch_up'], n)}/rec)"
            for n in sizes
        )
        + " |",
        "| peak RSS of that process | "
        + " | ".join(f"{pg['sizes'][n]['peak_mb']:,.0f} MB" for n in sizes)
        + " |",
        "",
        f"`store copy` sends {pgstore.IMPORT_BATCH:,} records per call of "
        "`leerpad.import_records`, which links the same chain as appending them one by one "
        "(tests/pg/test_pg_import.py); the catch-up opens every sealed text with its plan's "
        "key from `leerpad.plan_keys`.",
        "",
    ]
    a, w = pg["append"], pg["writers"]
    lines += [
        f"Appends through `leerpad.append` ({label(a['base'])} store, one process): p50 "
        f"{ms(a['p50'])}, p99 {ms(a['p99'])}, mean {ms(a['mean'])}. {w['writers']} processes "
        f"x {w['each']:,} appends at once: {w['present']:,} of {w['expected']:,} present, "
        f"store {'intact' if w['intact'] else 'NOT intact'}, {w['seconds']:.1f} s "
        f"({w['records'] / w['seconds']:,.0f} appends/s).",
        "",
    ]
    return lines


def targets(bench: Bench) -> list[str]:
    largest = max(bench.results)
    r = bench.results[largest]
    a = bench.appends
    w = a["writers"]
    at = label(largest)
    ratio = min(x["floor"] / x["replay"] for x in bench.results.values())
    es_ratio = min(x["eventsourcing_replay"] / x["replay"] for x in bench.results.values())
    mine, theirs = a["leerpad"]["p50"], a["eventsourcing"]["p50"]
    all_there = w["present"] == w["expected"] and w["intact"]
    rows = [
        ("full replay >= 0.4x raw decoding speed", ratio >= 0.4, f"{ratio:.2f}x at worst"),
        (
            "replay >= 2x faster than eventsourcing/SQLite",
            es_ratio >= 2,
            f"{es_ratio:.1f}x at worst",
        ),
        (
            "durable append at least as fast as eventsourcing/SQLite",
            mine <= theirs,
            f"p50 {ms(mine)} vs {ms(theirs)}",
        ),
        (
            f"`plan list` with the read model < 0.3 s ({at})",
            r["list_checkpoint"] < 0.3,
            ms(r["list_checkpoint"]),
        ),
        (
            f"UI first paint < 1 s ({at}, read model)",
            r["paint_checkpoint"] < 1.0,
            ms(r["paint_checkpoint"]),
        ),
        ("append p99 < 5 ms", a["leerpad"]["p99"] < 0.005, ms(a["leerpad"]["p99"])),
        (
            f"{w['writers']} writers x {w['each']:,} appends all present",
            all_there,
            f"{w['present']:,} of {w['expected']:,}",
        ),
        (
            f"peak memory < 400 MB ({at})",
            r["rss_replay"] < 400,
            f"{r['rss_replay']:,.0f} MB full replay",
        ),
    ]
    b = bench.baseline
    python = b["python"]
    sqlite_ratio = min(x["sqlite_replay"] / x["replay"] for x in bench.results.values())
    rows += [
        (
            "`plan list`, one-plan store <= 2x the bare interpreter",
            b["list"] <= 2 * python,
            f"{b['list'] / python:.1f}x: {ms(b['list'])} against {ms(python)}",
        ),
        (
            f"`plan list` with the read model <= 3x the bare interpreter ({at})",
            r["list_checkpoint"] <= 3 * python,
            f"{r['list_checkpoint'] / python:.1f}x",
        ),
        ("UI first paint, one-plan store <= 0.5 s", b["paint"] <= 0.5, ms(b["paint"])),
        (
            f"UI first paint <= 0.7 s ({at}, read model)",
            r["paint_checkpoint"] <= 0.7,
            ms(r["paint_checkpoint"]),
        ),
        (
            f"open one plan's screen <= 0.2 s ({at}; first frame, and until the app is idle)",
            r["plan_frame"] <= 0.2 and r["plan_screen"] <= 0.2,
            f"{ms(r['plan_frame'])} / {ms(r['plan_screen'])}",
        ),
        (
            "full replay >= 1.0x the SQLite msgpack-blob peer",
            sqlite_ratio >= 1.0,
            f"{sqlite_ratio:.2f}x at worst",
        ),
        (
            f"peak RSS <= 250 MB ({at}: full replay / read model)",
            r["rss_replay"] <= 250 and r["rss_checkpoint"] <= 250,
            f"{r['rss_replay']:,.0f} / {r['rss_checkpoint']:,.0f} MB",
        ),
    ]
    if "ui" in r:
        ui = r["ui"]
        rows.append(
            (
                f"history's newest rows <= 0.5 s, peak RSS <= 300 MB ({at})",
                ui["history_first_rows"] <= 0.5 and ui["rss_first_rows"] <= 300,
                f"{ms(ui['history_first_rows'])} / {ui['rss_first_rows']:,.0f} MB",
            )
        )
    out = [f"## Targets (largest size measured: {at})", "", "| target | result |", "|---|---|"]
    out += [f"| {name} | {verdict(met, how)} |" for name, met, how in rows]
    return [*out, ""]


def write_report(text: str, path: Path) -> None:
    """Replace the generated part of the report, keeping the hand-written part after it."""
    marker = "<!-- end of generated results -->"
    old = path.read_text() if path.exists() else ""
    kept = old.split(marker, 1)[1] if marker in old else ""
    preamble = (
        old.split("<!-- Written by", 1)[0] if "<!-- Written by" in old else "# Performance\n\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(preamble + text + "\n" + marker + kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only, fewer runs")
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--out", type=Path, help="the report to write")
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 10000,100000")
    parser.add_argument("--no-ui", action="store_true", help="skip the UI-with-a-large-store part")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    parser.add_argument(
        "--only-postgres", action="store_true", help="only the PostgreSQL part (to check it)"
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.sizes:
        plan = dataclasses.replace(plan, sizes=tuple(int(n) for n in args.sizes.split(",")))
    if args.no_ui:
        plan = dataclasses.replace(plan, ui=False)
    out = args.out or (
        args.data / "PERFORMANCE-quick.md" if args.quick else ROOT / "docs" / "PERFORMANCE.md"
    )
    args.data.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.data, plan)
    bench.machine = describe_machine(args.data)
    began = time.perf_counter()
    if args.only_postgres:
        print(json.dumps(measure_postgres(bench), indent=1, default=str))
        return 0
    bench.baseline = measure_baseline(bench)
    for n in plan.sizes:
        bench.results[n] = measure_size(bench, n)
    bench.appends = measure_appends(bench)
    if not args.no_postgres:
        bench.postgres = measure_postgres(bench)
    bench.machine["load_after"] = os.getloadavg()
    text = report(bench)
    write_report(text, out)
    (args.data / "results.json").write_text(
        json.dumps(
            {
                "machine": bench.machine,
                "baseline": bench.baseline,
                "sizes": bench.results,
                "appends": bench.appends,
                "postgres": bench.postgres,
            },
            indent=1,
            default=str,
        )
    )
    print(text)
    say(f"done in {time.perf_counter() - began:.0f} s; report: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
