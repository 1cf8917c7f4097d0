"""The benchmark's child processes: each measures one thing in a fresh interpreter.

    python -m benchmarks.probes open STORE [CACHE_DIR]   # replay (or read model + tail)
    python -m benchmarks.probes valid STORE CACHE_DIR    # would a process use the read model?
    python -m benchmarks.probes paint STORE              # UI start until the dashboard shows
    python -m benchmarks.probes plan STORE PLAN          # then one plan's screen: first frame, idle
    python -m benchmarks.probes responsive STORE         # UI with a large store: new event, history
    python -m benchmarks.probes append KIND PATH N [CACHE_DIR]  # durable append latencies
    python -m benchmarks.probes writer STORE ID N        # one of the concurrent writers

Each prints one line of JSON on stdout; the parent (benchmarks/run.py) times the
process from outside and reads its peak memory with wait4().
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

START = time.perf_counter()


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: on Linux that starts
    from the parent's size at fork, which would charge the benchmark's own memory here."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _open(store: str, cache: str | None) -> dict[str, object]:
    from core.store import Store

    began = time.perf_counter()
    with Store.open(store, create=False, cache_dir=Path(cache) if cache else None) as opened:
        seconds = time.perf_counter() - began
        return {
            "seconds": seconds,
            "seq": opened.state.seq,
            "plans": len(opened.state.plans),
            "peak_mb": peak_mb(),
        }


def _valid(store: str, cache: str) -> dict[str, object]:
    """Whether this process would use the store's read model (same code, same log)."""
    from core import readmodel
    from core.log import LogFile
    from core.store import LOG_NAME

    log = LogFile(Path(store) / LOG_NAME, writable=False)
    try:
        path = readmodel.model_path(Path(cache), log.path, log.header.log_id)
        found = readmodel.read_head(path, log)
    finally:
        log.close()
    return {"valid": found is not None, "seq": found.seq if found else 0}


def _paint(store: str, plan: str | None = None) -> dict[str, object]:
    """Open the store and the app as `leerpad` does, headless, until the dashboard is painted;
    with `plan`, then open that plan's screen (as Enter on its row does) and time that."""
    import asyncio

    from cli.context import Context
    from cli.main import parser_for
    from tui.app import LeerpadApp
    from tui.screens.dashboard import DashboardScreen

    ctx = Context.from_args(parser_for(["--store", store]).parse_args(["--store", store]))
    # As cli/ui.py opens it: the log behind the read model is checked in the background.
    app = LeerpadApp(
        ctx.store(check_now=False), ctx.catalog, today=lambda: ctx.today, lang=ctx.lang
    )

    # When each frame is handed to the terminal (headless, the driver then writes nothing).
    painted: list[float] = []
    hand_over = app._display

    def display(screen: object, update: object) -> None:
        if update is not None:
            painted.append(time.perf_counter())
        hand_over(screen, update)  # type: ignore[arg-type]

    app._display = display  # type: ignore[method-assign]

    async def until_shown() -> dict[str, object]:
        async with app.run_test(size=(160, 48)) as pilot:
            # Mounted, laid out and refreshed until the app is idle. Idle is judged by the
            # process's CPU time, so it includes the background check of the log behind the
            # read model (threads count too): "frame" is when the last frame before then was
            # handed to the terminal, the dashboard as a user sees it.
            await pilot.pause()
            if not isinstance(app.screen, DashboardScreen):
                raise SystemExit(f"expected the dashboard, got {app.screen!r}")
            shown = time.perf_counter() - START
            result: dict[str, object] = {
                "shown": shown,
                "frame": painted[-1] - START if painted else shown,
                "plans": len(app.store.state.plans),
            }
            if plan is not None:
                # The background check of the log, not timed (the log follower never ends).
                checking = [w for w in app.workers if w.group == "check-covered"]
                if checking:  # an empty list would wait for every worker
                    await app.workers.wait_for_complete(checking)
                # The first frame of the plan's screen: when the app hands it to the terminal
                # (headless, the driver then writes nothing). `pilot.pause` returns later, once
                # the app is idle: after what the screen does in the background too.
                frames: list[float] = []
                display = app._display

                def displayed(screen: object, update: object) -> None:
                    if update is not None and not frames and screen is not dashboard:
                        frames.append(time.perf_counter())
                    display(screen, update)  # type: ignore[arg-type]

                dashboard = app.screen
                app._display = displayed  # type: ignore[method-assign]
                began = time.perf_counter()
                dashboard.open_plan(plan)
                await pilot.pause()
                result["plan_seconds"] = time.perf_counter() - began
                result["plan_frame"] = frames[0] - began if frames else None
                result["screen"] = type(app.screen).__name__
            result["peak_mb"] = peak_mb()
            print(json.dumps(result), flush=True)
            # Tearing the app down is not part of the first paint.
            import os

            os._exit(0)
        return {}

    return asyncio.run(until_shown())


def _responsive(store: str) -> dict[str, object]:
    """How the UI copes with a large store: a new event on the dashboard, the history's
    newest rows, then the whole history read."""
    import asyncio
    import statistics
    import subprocess

    from cli.context import Context
    from cli.main import parser_for
    from core import readmodel
    from tui.app import LeerpadApp
    from tui.screens.history import HistoryScreen

    ctx = Context.from_args(parser_for(["--store", store]).parse_args(["--store", store]))
    app = LeerpadApp(
        ctx.store(), ctx.catalog(), today=lambda: ctx.today, lang=ctx.lang, watch_log=False
    )
    cache = readmodel.default_dir()

    def other_user_appends() -> None:
        """Another process appends one note (opening the store from the same read model)."""
        argv = [sys.executable, "-m", "benchmarks.probes", "append", "leerpad", store, "1"]
        subprocess.run([*argv, str(cache)] if cache else argv, check=True, capture_output=True)

    async def measure() -> dict[str, object]:
        out: dict[str, object] = {}
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            out["rss_dashboard"] = peak_mb()
            times = []
            for _ in range(3):
                # Another user appends one record; the app folds it and repaints.
                other_user_appends()
                began = time.perf_counter()
                app.catch_up()
                await pilot.pause()
                times.append(time.perf_counter() - began)
            out["new_event_dashboard"] = statistics.median(times)
            began = time.perf_counter()
            # Not pilot.press: it returns only once the app is idle, after the whole read.
            app.simulate_key("h")
            while not isinstance(app.screen, HistoryScreen):
                await asyncio.sleep(0.005)
            screen = app.screen
            table = screen.table
            # First rows: the newest entries drawn (render_line keeps each line it drew).
            while not (len(table.rows) and len(table._cache)):
                await asyncio.sleep(0.005)
            out["history_first_rows"] = time.perf_counter() - began
            out["rss_first_rows"] = peak_mb()
            while getattr(screen, "reading", True):
                await pilot.pause(0.05)
            out["history_loaded"] = time.perf_counter() - began
            out["history_rows"] = len(screen.table.rows)  # type: ignore[attr-defined]
            out["rss_history"] = peak_mb()
            other_user_appends()
            began = time.perf_counter()
            app.catch_up()
            await pilot.pause()
            out["new_event_history"] = time.perf_counter() - began
        print(json.dumps(out), flush=True)
        import os

        os._exit(0)

    return asyncio.run(measure())


def _plans_open(state: object) -> list[str]:
    return [p.id for p in state.plans.values() if p.closed is None]  # type: ignore[attr-defined]


def _append(kind: str, path: str, n: int, cache: str | None = None) -> dict[str, object]:
    """`n` durable appends (a note on a random open plan), each timed on its own."""
    from core import commands

    if kind == "leerpad":
        from core.store import Store

        target = Store.open(path, create=False, cache_dir=Path(cache) if cache else None)
    elif kind == "sqlite":
        from benchmarks.peers import SQLiteBlobs

        target = SQLiteBlobs(Path(path))
        target.adopt(target.replay())
    else:
        from benchmarks.peers import EventSourcingPeer

        target = EventSourcingPeer(Path(path))
        target.adopt(target.replay())
    plans = _plans_open(target.state)
    rng = random.Random(7)
    times: list[float] = []
    for k in range(n):
        plan = rng.choice(plans)
        text = f"Meting {k}: de cursist werkte vandaag zelfstandig aan de offertes."
        began = time.perf_counter()
        target.execute(lambda s, p=plan, x=text: commands.add_note(s, p, p, text=x))
        times.append(time.perf_counter() - began)
    target.close()
    return {"latencies": times}


def _writer(store: str, writer: int, n: int) -> dict[str, object]:
    """Open the store, say ready, wait for the go on stdin, then append `n` notes."""
    from core import commands
    from core.store import Store

    opened = Store.open(store, create=False)
    plans = _plans_open(opened.state)
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.perf_counter()
    for k in range(n):
        plan = plans[(writer + k) % len(plans)]
        text = f"writer {writer} note {k}"
        opened.execute(lambda s, p=plan, x=text: commands.add_note(s, p, p, text=x))
    seconds = time.perf_counter() - began
    opened.close()
    return {"seconds": seconds}


def main(argv: list[str]) -> int:
    kind, *args = argv
    if kind == "open":
        result = _open(args[0], args[1] if len(args) > 1 else None)
    elif kind == "valid":
        result = _valid(args[0], args[1])
    elif kind == "paint":
        result = _paint(args[0])
    elif kind == "plan":
        result = _paint(args[0], args[1])
    elif kind == "responsive":
        result = _responsive(args[0])
    elif kind == "append":
        result = _append(args[0], args[1], int(args[2]), args[3] if len(args) > 3 else None)
    elif kind == "writer":
        result = _writer(args[0], int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown probe {kind!r}")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
