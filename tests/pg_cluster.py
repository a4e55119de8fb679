"""A throw-away PostgreSQL cluster for tests and benchmarks: ``initdb`` into a temporary folder,
the server listening on a Unix socket in that folder only (``listen_addresses=''``, no network
port), stopped and removed at the end. ``initdb`` refuses to run as root: as root the cluster is
made and run as the ``postgres`` user Debian's package creates (else a ``hanji-test`` user).

    cluster = Cluster.start()          # None, with cluster_unavailable() saying why, without binaries
    url = cluster.new_database()       # postgresql://hanji_test@/t_1?host=/tmp/hanji-pg-xxxx
    cluster.stop()
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "hanji_test"
PASSWORD_USER = "hanji_pw"  # the one user the cluster asks a password of (scram-sha-256)
_WHY: list[str] = []


def pg_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (``$HANJI_PG_BIN``, PATH, Debian's layout)."""
    env = os.environ.get("HANJI_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    return None


def cluster_unavailable() -> str | None:
    """Why no cluster can be started here (None when one can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    if pg_bin() is None:
        return "PostgreSQL's server programs (initdb, pg_ctl) are not installed (apt-get install postgresql)"
    return _WHY[0] if _WHY else None


def _run_as() -> str | None:
    """The user to run the server as (None: this one)."""
    if os.name == "nt" or os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "hanji-test"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "hanji-test"], check=True, capture_output=True)
    return "hanji-test"


class Cluster:
    def __init__(self, root: Path, user: str | None, bindir: Path):
        self.root, self.user, self.bindir = root, user, bindir
        self.data = root / "data"
        self.socket = root  # the socket lives in the cluster's folder
        self._n = itertools.count(1)
        self._admin = None

    # -------------------------------------------------------------- start / stop
    @classmethod
    def start(cls, fsync: bool = False) -> Cluster | None:
        """A running cluster, or None (``cluster_unavailable()`` says why). ``fsync=False`` for tests
        (a killed client is what they test, not a power cut); benchmarks ask for ``fsync=True``."""
        if cluster_unavailable():
            return None
        bindir = pg_bin()
        root = Path(tempfile.mkdtemp(prefix="hanji-pg-"))
        try:
            user = _run_as()
            if user:
                shutil.chown(root, user)
            os.chmod(root, 0o755)
            c = cls(root, user, bindir)
            c._cmd("initdb", "-D", str(c.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                   "--no-sync")
            conf = [f"unix_socket_directories = '{root}'", "listen_addresses = ''", "max_connections = 200",
                    "shared_buffers = 32MB", f"fsync = {'on' if fsync else 'off'}",
                    f"full_page_writes = {'on' if fsync else 'off'}", "synchronous_commit = on"]
            with open(c.data / "postgresql.conf", "a") as f:
                f.write("\n".join(conf) + "\n")
            # one user that must give a password (the wrong-password test); everyone else is trusted
            hba = c.data / "pg_hba.conf"
            hba.write_text(f"local all {PASSWORD_USER} scram-sha-256\n" + hba.read_text())
            c._cmd("pg_ctl", "-D", str(c.data), "-l", str(root / "server.log"), "-w", "-t", "60", "start")
            c._watch()
            return c
        except (subprocess.CalledProcessError, OSError) as e:
            detail = getattr(e, "stderr", b"") or b""
            _WHY.append(f"the test cluster did not start: {e} {detail.decode(errors='replace')[-400:]}")
            shutil.rmtree(root, ignore_errors=True)
            return None

    def _watch(self) -> None:
        """Stop the server and remove its folder when this process dies without stopping it (a test
        run killed or cancelled): a shell that waits for this process to go (POSIX)."""
        if os.name == "nt":
            return
        stop = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        if self.user:
            stop = ["runuser", "-u", self.user, "--", *stop]
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
                  f"[ -d '{self.data}' ] && {' '.join(stop)} >/dev/null 2>&1; rm -rf '{self.root}'")
        subprocess.Popen(["sh", "-c", script], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _cmd(self, prog: str, *args: str) -> None:
        argv = [str(self.bindir / prog), *args]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, cwd=str(self.root))

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        try:
            self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    # -------------------------------------------------------------- databases
    def url(self, dbname: str, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.socket}"

    def admin(self):
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database; its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._n)}"
        for attempt in range(20):
            try:
                self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
                break
            except Exception as e:  # noqa: BLE001 - template busy under parallel creates: wait
                if "being accessed" not in str(e) or attempt == 19:
                    raise
                time.sleep(0.1)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("/")[3].split("?")[0]
        try:
            self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - cleanup only
            pass
