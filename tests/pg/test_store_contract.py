"""The store contract, run against both backends: the log file and PostgreSQL.

Appends, catching up, concurrent writers, refusals, idempotent retries, history,
time travel and roles behave the same; only who stamps the actor differs (the
OS login for a file, the database user for PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import pytest

from catalog.schema import Profile
from core import access, commands
from core import events as ev
from core.commands import Rejected
from core.store import Store

START = date(2026, 10, 5)
TODAY = date(2026, 11, 28)

Opener = Callable[[str], Store]


@pytest.fixture(params=["file", "postgresql"])
def open_as(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Open a store on the same backend as a given user (a new connection or file handle)."""
    opened: list[Store] = []
    if request.param == "file":
        directory = tmp_path / "store"

        def open_file(user: str) -> Store:
            store = Store.open(directory)
            store.actor = user  # one OS user plays several people
            opened.append(store)
            return store

        yield open_file
    else:
        pg = request.getfixturevalue("pg_store")

        def open_pg(user: str) -> Store:
            store = Store.open(pg.url(user))
            opened.append(store)
            return store

        yield open_pg
    for store in opened:
        store.close()


def note(text: str) -> Callable[[object], ev.Event]:
    return lambda s: commands.add_note(s, "P1", "P1", text=text)  # type: ignore[arg-type]


def new_plan(store: Store, profile: Profile, trainee: str = "An Peeters") -> ev.Record:
    return store.execute(lambda s: commands.create_plan(s, profile, trainee=trainee, start=START))


def anyone(_login: str) -> bool:
    return True


def write_at_once(writers: list[Store], each: int) -> list[BaseException]:
    """Each writer, in a thread of its own, appends notes w{k}-0 .. w{k}-{each - 1} to P1;
    what the writers raised."""
    failures: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(each):
                writers[k].execute(note(f"w{k}-{i}"))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_appends_are_chained_and_read_back_alike(open_as: Opener, tiny_profile: Profile) -> None:
    jan = open_as("jan")
    first = new_plan(jan, tiny_profile)
    second = jan.execute(note("Eerste week goed verlopen."))
    assert (first.seq, second.seq) == (1, 2)
    assert first.actor == second.actor == "jan"
    hashes = [h for _, h in jan.records()]
    assert second.prev == hashes[0] and jan.state.hash == hashes[-1]
    assert first.prev == jan.backend.genesis
    assert open_as("els").state == jan.state


def test_refresh_returns_what_others_appended(open_as: Opener, tiny_profile: Profile) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    els = open_as("els")
    jan.execute(note("een"))
    jan.execute(note("twee"))
    assert [r.event.text for r in els.refresh()] == ["een", "twee"]  # type: ignore[union-attr]
    assert els.state == jan.state
    assert els.refresh() == []


def test_a_writer_catches_up_and_decides_again(open_as: Opener, tiny_profile: Profile) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    stale = open_as("els")
    done = commands.complete_action
    jan.execute(lambda s: done(s, "P1", "A1.1.1", on=TODAY, today=TODAY))
    seq = jan.state.seq
    with pytest.raises(Rejected) as caught:
        stale.execute(lambda s: done(s, "P1", "A1.1.1", on=TODAY, today=TODAY))
    assert "jan" in caught.value.message("en")
    assert stale.state.seq == seq
    assert stale.execute(note("na jan")).seq == seq + 1
    assert jan.refresh()[0].actor == "els"


def test_a_retry_with_the_same_event_id_appends_once(
    open_as: Opener, tiny_profile: Profile
) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    first = jan.execute(note("eenmaal"), event_id="retry-1")
    assert jan.execute(note("eenmaal"), event_id="retry-1") == first
    assert open_as("jan").execute(note("eenmaal"), event_id="retry-1") == first
    assert jan.refresh() == [] and jan.state.seq == 2


def test_concurrent_writers_each_land_once_in_one_chain(
    open_as: Opener, tiny_profile: Profile
) -> None:
    new_plan(open_as("jan"), tiny_profile)
    writers = [open_as(user) for user in ("jan", "els", "jan", "els")]
    assert write_at_once(writers, 15) == []
    reader = open_as("jan")
    records = [r for r, _ in reader.records()]
    assert [r.seq for r in records] == list(range(1, 62))
    texts = sorted(r.event.text for r in records[1:])  # type: ignore[union-attr]
    assert texts == sorted(f"w{k}-{i}" for k in range(4) for i in range(15))
    assert reader.corruption is None


def test_history_and_time_travel(open_as: Opener, tiny_profile: Profile) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    jan.execute(lambda s: commands.plan_action(s, "P1", "A1.1.1", due=date(2026, 11, 1)))
    jan.execute(
        lambda s: commands.complete_action(s, "P1", "A1.1.1", on=date(2026, 11, 2), today=TODAY)
    )
    assert [e.kind for e in jan.history()] == ["plan.created", "action.planned", "action.completed"]
    assert [r.seq for r, _ in jan.records(2)] == [1, 2]
    then = jan.state_at(2).plan("P1").action("A1.1.1")  # type: ignore[union-attr]
    assert then is not None and then.due == date(2026, 11, 1) and then.done_on is None
    assert jan.state_at(3) == jan.state


def test_roles_are_checked_on_the_fresh_state(open_as: Opener, tiny_profile: Profile) -> None:
    ann = open_as("ann")
    new_plan(ann, tiny_profile)
    ann.execute(lambda s: access.grant(s, "ann", "admin", user_exists=anyone))
    ann.execute(lambda s: access.grant(s, "jan", "mentor", plans=["P1"], user_exists=anyone))
    jan = open_as("jan")
    els = open_as("els")  # no role: may change nothing
    with pytest.raises(Rejected) as caught:
        els.execute(note("zonder rol"))
    # In the database she cannot even see the plan: row-level security hides it.
    hidden = els.directory is None
    assert caught.value.key == ("err.unknown_plan" if hidden else "err.access.no_role")
    with pytest.raises(Rejected) as caught:
        jan.execute(lambda s: access.grant(s, "els", "admin", user_exists=anyone))
    assert caught.value.key == "err.access.admin_only"
    assert jan.execute(note("als mentor")).actor == "jan"
    assert [r.seq for r, _ in open_as("ann").records()][-1] == 4


def test_wait_wakes_up_when_another_user_appends(open_as: Opener, tiny_profile: Profile) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    els = open_as("els")
    assert not els.wait(0)  # nothing new yet
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(els.wait(30)))
    waiter.start()
    jan.execute(note("nieuw"))
    waiter.join()
    assert woke == [True]
    assert [r.event.text for r in els.refresh()] == ["nieuw"]  # type: ignore[union-attr]


class Steps:
    """Where a store's append ran each piece: its state steps on a thread of their own (as an
    app's UI thread), the write in the caller."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: dict[str, list[int]] = {"decide": [], "write": [], "fold": [], "read": []}
        self.before_write: Callable[[], object] = lambda: None
        backend = store.backend
        write, fold = backend.write, backend.fold

        def written(prepared: object) -> None:
            self.threads["write"].append(threading.get_ident())
            self.before_write()
            write(prepared)  # type: ignore[arg-type]

        def folded(state: object, prepared: object) -> ev.Record:
            self.threads["fold"].append(threading.get_ident())
            return fold(state, prepared)  # type: ignore[arg-type]

        monkeypatch.setattr(backend, "write", written)
        monkeypatch.setattr(backend, "fold", folded)
        # Where each backend reads records: the log's frames, the database's rows.
        owner, name = (backend, "_rows") if store.directory is None else (backend.log, "scan")
        read = getattr(owner, name)

        def reading(*args: object) -> object:
            self.threads["read"].append(threading.get_ident())
            return read(*args)

        monkeypatch.setattr(owner, name, reading)

    def note(self, text: str) -> Callable[[object], ev.Event]:
        def decide(state: object) -> ev.Event:
            self.threads["decide"].append(threading.get_ident())
            return note(text)(state)

        return decide


def test_the_write_runs_in_the_caller_and_the_state_steps_where_the_state_lives(
    open_as: Opener, tiny_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan = open_as("jan")
    new_plan(jan, tiny_profile)
    theirs = open_as("els").execute(note("van els"))
    steps = Steps(jan, monkeypatch)
    caught: list[ev.Record] = []
    with ThreadPoolExecutor(1) as pool:
        mine = jan.execute(
            steps.note("van jan"), caught_up=caught, on_state=lambda f: pool.submit(f).result()
        )
    caller = threading.get_ident()
    assert steps.threads["write"] == [caller] and steps.threads["read"] == [caller]
    (state_thread,) = set(steps.threads["decide"] + steps.threads["fold"])
    assert state_thread != caller and len(steps.threads["fold"]) == 1
    assert [r.id for r in caught] == [theirs.id] and mine.seq == theirs.seq + 1
    assert jan.state.seq == mine.seq and jan.in_flight is None
    assert open_as("els").state == jan.state


def test_a_write_others_came_before_is_decided_again_where_the_state_lives(
    open_as: Opener, tiny_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan = open_as("jan")
    if jan.directory is not None:
        pytest.skip("a log file's lock keeps others out until the record is written")
    new_plan(jan, tiny_profile)
    els = open_as("els")
    # A client that takes no write lock (an older leerpad) still only gets Conflict.
    monkeypatch.setattr(els.backend, "locked", nullcontext)
    steps = Steps(jan, monkeypatch)
    theirs: list[ev.Record] = []
    steps.before_write = lambda: theirs or theirs.append(els.execute(note("tussendoor")))
    caught: list[ev.Record] = []
    with ThreadPoolExecutor(1) as pool:
        mine = jan.execute(
            steps.note("van jan"), caught_up=caught, on_state=lambda f: pool.submit(f).result()
        )
    caller = threading.get_ident()
    assert steps.threads["write"] == [caller, caller] and len(steps.threads["decide"]) == 2
    assert caller not in steps.threads["decide"] + steps.threads["fold"]
    assert set(steps.threads["read"]) == {caller}
    assert [r.id for r in caught] == [theirs[0].id] and mine.seq == theirs[0].seq + 1
    assert jan.state.seq == mine.seq and jan.in_flight is None
    assert [n.text for n in jan.state.plan("P1").notes_on("P1")] == ["tussendoor", "van jan"]
