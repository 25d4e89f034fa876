"""Shared pieces of the robustness checks: the binary, fresh databases, a server that can be
started, killed and restarted on the same port, and a small HTTP client that tells requests
that were never sent apart from requests whose outcome is unknown.

Python 3 standard library only.
"""

import http.client
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Size of the load-test consultation every check starts from (`ideabox demo --ideas …`).
DEMO_ARGS = ["--ideas", "50", "--users", "200", "--comments", "100", "--votes", "300"]

# The application's settings that a caller may pass through to the test server.
PASSED_SETTINGS = {"IDEABOX_WORKERS", "IDEABOX_SQLITE_SYNCHRONOUS", "IDEABOX_DATABASE_POOL_SIZE"}


class CheckFailed(Exception):
    """A robustness property did not hold."""


def exit_on_sigterm():
    """Turns SIGTERM (from `timeout`, CI) into a normal exit, so that `finally` blocks run: the
    server is killed, mounts and immutable flags are undone, PostgreSQL is started again."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def find_binary(given):
    """The server binary: --bin, else IDEABOX_BIN, else the debug build of this repository."""
    candidate = given or os.environ.get("IDEABOX_BIN")
    if not candidate:
        for target in (os.environ.get("CARGO_TARGET_DIR"), REPO / "target"):
            if target and (Path(target) / "debug" / "ideabox").exists():
                candidate = Path(target) / "debug" / "ideabox"
                break
    if not candidate or not os.access(candidate, os.X_OK):
        sys.exit(f"no IdeaBox binary (got {candidate!r}): run `cargo build` and pass --bin or IDEABOX_BIN")
    return str(Path(candidate).resolve())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit(wanted):
    """Raises the soft open-file limit (inherited by the server) towards the hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --------------------------------------------------------------------------------------------
# Databases


class SqliteStore:
    """A fresh SQLite database in a scratch folder."""

    backend = "sqlite"
    integrity_name = "PRAGMA integrity_check"

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "ideabox.db"
        self.url = f"sqlite://{self.path}"

    def query(self, sql):
        conn = sqlite3.connect(str(self.path), timeout=30)
        try:
            return [tuple(row) for row in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    def integrity(self):
        return self.query("PRAGMA integrity_check")[0][0]

    def drop(self):
        pass


class PostgresStore:
    """A fresh PostgreSQL database, created through an admin URL and dropped afterwards."""

    backend = "postgres"
    integrity_name = "amcheck of every index"

    def __init__(self, admin_url, name):
        self.admin_url = admin_url
        self.name = name
        parts = urllib.parse.urlsplit(admin_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + name))
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(
            admin_url,
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        )

    def query(self, sql):
        out = psql(self.url, sql)
        rows = []
        for line in out.splitlines():
            rows.append(tuple(None if v == "" else v for v in line.split("\t")))
        return rows

    def integrity(self):
        """amcheck over every B-tree index of the application's tables, heap included."""
        try:
            psql(self.url, "CREATE EXTENSION IF NOT EXISTS amcheck")
            psql(
                self.url,
                "SELECT bt_index_check(c.oid, true) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = 'public'",
            )
        except CheckFailed as err:
            return str(err)
        return "ok"

    def drop(self):
        try:
            psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except CheckFailed as err:
            log(f"could not drop database {self.name}: {err}")


def psql(url, sql, timeout=60):
    res = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if res.returncode != 0:
        raise CheckFailed(f"psql failed: {res.stderr.strip()}")
    return res.stdout


# --------------------------------------------------------------------------------------------
# The server


def app_env(store, outbox):
    """The caller's environment without IdeaBox settings, plus the ones for this test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEABOX_") or k in PASSED_SETTINGS}
    env["IDEABOX_DATABASE_URL"] = store.url
    env["IDEABOX_OUTBOX_DIR"] = str(outbox)
    env["IDEABOX_LOG"] = os.environ.get("IDEABOX_LOG", "warn")
    return env


def run_demo(binary, env, tokens_file, workdir):
    """Builds the `load-test` consultation with its people and writes one API token per person."""
    out = Path(workdir) / "demo.log"
    with open(out, "w") as f:
        res = subprocess.run(
            [binary, "demo", *DEMO_ARGS, "--api-tokens", str(tokens_file)],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    if res.returncode != 0:
        raise CheckFailed(f"ideabox demo failed (exit {res.returncode}):\n{out.read_text()[-2000:]}")
    tokens = [t.strip() for t in Path(tokens_file).read_text().splitlines() if t.strip()]
    if not tokens:
        raise CheckFailed("ideabox demo wrote no API tokens")
    return tokens


class Server:
    """One `ideabox serve` process; restarts reuse the same port."""

    def __init__(self, binary, env, workdir, port=None, nofile=None):
        self.binary = binary
        self.nofile = nofile  # soft open-file limit the server starts with (None: inherited)
        self.port = port or free_port()
        self.env = dict(env)
        self.env["IDEABOX_BIND"] = f"127.0.0.1:{self.port}"
        self.env["IDEABOX_BASE_URL"] = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(workdir) / "server.log"
        self.proc = None
        self.starts = 0

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=60):
        """Starts the server and waits for /healthz 200; returns the seconds that took."""
        started = time.monotonic()
        log_file = open(self.log_path, "a")
        log_file.write(f"---- start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n")
        log_file.flush()
        self.proc = subprocess.Popen(
            [self.binary, "serve"],
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=self._limit_files if self.nofile else None,
        )
        log_file.close()
        self.starts += 1
        self.wait_healthy(timeout)
        return time.monotonic() - started

    def _limit_files(self):
        import resource

        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        soft = self.nofile if hard == resource.RLIM_INFINITY else min(self.nofile, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    def open_file_limit(self):
        """The server's own soft limit on open files, as it runs."""
        with open(f"/proc/{self.proc.pid}/limits") as f:
            for line in f:
                if line.startswith("Max open files"):
                    return line.split()[3]
        return "?"

    def wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"server exited with status {self.proc.returncode}:\n{self.log_tail()}")
            if health(self.port) == 200:
                return
            time.sleep(0.05)
        raise CheckFailed(f"server not healthy after {timeout} s:\n{self.log_tail()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait()

    def stop(self):
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=25)
        except subprocess.TimeoutExpired:
            self.kill9()

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def open_sockets(self):
        count = 0
        for fd in os.listdir(f"/proc/{self.proc.pid}/fd"):
            try:
                if os.readlink(f"/proc/{self.proc.pid}/fd/{fd}").startswith("socket:"):
                    count += 1
            except OSError:
                pass
        return count

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def health(port, timeout=2):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


# --------------------------------------------------------------------------------------------
# HTTP


class NotSent(Exception):
    """The request never reached the server (connection refused): it certainly did nothing."""


class NoAnswer(Exception):
    """The request may have reached the server but no response came back: outcome unknown."""


class Client:
    """A keep-alive HTTP/1.1 client for one thread."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.conn = None
        self.headers = {}

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, body bytes); raises NotSent or NoAnswer."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.connect()
            except OSError as err:
                self.close()
                raise NotSent(str(err)) from err
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            self.headers = {k.lower(): v for k, v in resp.getheaders()}
            if resp.will_close:
                self.close()
            return resp.status, data
        except (OSError, http.client.HTTPException) as err:
            self.close()
            raise NoAnswer(f"{type(err).__name__}: {err}") from err

    def get_json(self, path, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, body = self.request("GET", path, headers=headers)
        if status != 200:
            raise CheckFailed(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)


def list_idea_ids(port, slug="load-test"):
    client = Client(port)
    page = client.get_json(f"/api/v1/consultations/{slug}/ideas?limit=100")
    ids = [item["id"] for item in page["items"]]
    while page.get("next_cursor"):
        page = client.get_json(f"/api/v1/consultations/{slug}/ideas?limit=100&cursor={page['next_cursor']}")
        ids += [item["id"] for item in page["items"]]
    client.close()
    return ids


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest rank: the smallest value with at least p % of the values at or below it.
    k = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[k]


def scratch_dir(prefix):
    return Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TMPDIR", "/tmp")))


def remove_dir(path, keep):
    if keep:
        log(f"scratch folder kept at {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)
