"""A throwaway PostgreSQL server for the tests: initdb and pg_ctl, a Unix socket in a tmp dir.

The server runs as a non-root OS user (initdb refuses root): the `postgres` account
of the Debian package when the tests run as root, else the user running them.
Each pytest-xdist worker starts its own, in its own socket directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "lp_admin"


def find_bin() -> Path | None:
    """The bin directory of the newest PostgreSQL installed (Debian layout), or None."""
    versions = []
    if PG_ROOT.is_dir():
        for child in PG_ROOT.iterdir():
            if child.name.isdigit() and (child / "bin" / "initdb").exists():
                versions.append((int(child.name), child / "bin"))
    if versions:
        return max(versions)[1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _server_user() -> str | None:
    """Who runs the server: None for the current user, or a non-root account when root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "nobody"
    return "postgres"


@dataclass
class Server:
    socket_dir: Path
    bin: Path

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql:///{database}?host={self.socket_dir}&user={user}"

    def psql(self, sql: str, *, database: str = "postgres", user: str = SUPERUSER) -> str:
        """Run `sql` with psql as `user`; returns stdout, raises CalledProcessError on error."""
        done = subprocess.run(
            [
                str(self.bin / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-U",
                user,
                "-d",
                database,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def new_database(self) -> str:
        name = f"lp_{uuid.uuid4().hex[:10]}"
        self.psql(f"CREATE DATABASE {name}")
        return name


@contextmanager
def running_server() -> Iterator[Server]:
    """Start a server with superuser lp_admin (trust on its socket only); stop it after."""
    bin_dir = find_bin()
    if bin_dir is None:
        raise FileNotFoundError("initdb")
    base = Path(tempfile.mkdtemp(prefix="lpg", dir="/tmp"))
    os.chmod(base, 0o755)
    data, sock = base / "data", base / "s"
    sock.mkdir()
    user = _server_user()
    if user is not None:
        shutil.chown(base, user)
        shutil.chown(sock, user)
    run_as = ["runuser", "-u", user, "--"] if user is not None else []
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    options = f"-c listen_addresses='' -c unix_socket_directories={sock} -c fsync=off"
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(base / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield Server(sock, bin_dir)
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(base, ignore_errors=True)
