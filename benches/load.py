#!/usr/bin/env python3
"""IdeaBox load benchmark driver (run through benches/load.sh, which builds the binary).

For each database: a fresh database, `ideabox demo` with the large load-test consultation,
the release server on a loopback port, then wrk (2 threads, 32 connections) against every
main page and API call. Prints req/s, p50/p99, errors and each page's ratio to the same
server's ceiling (a tiny static asset), and the server's memory: idle, and peak under load.
"""

import argparse
import csv
import http.client
import io
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
SLUG = "load-test"
JA_QUERY = "マイナンバー"

# wrk runs each thread's script apart: numbering the threads seeds each one differently.
NUMBERED_THREADS = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
"""

VOTE_SCRIPT = NUMBERED_THREADS + r"""
local tokens = {}
local first_idea, last_idea
function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  first_idea = tonumber(args[2])
  last_idea = tonumber(args[3])
  math.randomseed(thread_number * 7919 + os.time())
end
function request()
  local token = tokens[math.random(#tokens)]
  local idea = math.random(first_idea, last_idea)
  local value = "support"
  if math.random() < 0.2 then value = "oppose" end
  return wrk.format("PUT", "/api/v1/ideas/" .. idea .. "/vote",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    '{"value":"' .. value .. '"}')
end
"""

# Signed-in reading by many distinct people: each request carries the session cookie of a
# person picked at random from those `ideabox demo --sessions` signed in.
READER_SCRIPT = NUMBERED_THREADS + r"""
local cookies = {}
local path
function init(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = args[2] .. "=" .. line end
  path = args[3]
  math.randomseed(thread_number * 104729 + os.time())
end
function request()
  return wrk.format("GET", path, { ["Cookie"] = cookies[math.random(#cookies)] })
end
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, headers=None, body=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.headers, data


def get_json(port, path, headers=None):
    status, _, data = request(port, "GET", path, headers)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {data[:200]!r}")
    return json.loads(data)


class Server:
    def __init__(self, binary, env, log_path):
        self.binary = binary
        self.env = env
        self.port = int(env["IDEABOX_BIND"].rsplit(":", 1)[1])
        self.log = open(log_path, "ab")
        self.process = None

    def run(self, *args, check=True):
        result = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"ideabox {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start(self):
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if request(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the server stopped while starting; see its log")
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /healthz within 60 s")

    def memory_kb(self, field):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def login_cookie(port, email, password):
    """Signs in through the form, like a browser: returns the Cookie header to send."""
    status, headers, body = request(port, "GET", "/login")
    cookies = dict(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie") or [])
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, headers, body = request(
        port,
        "POST",
        "/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"},
        form,
    )
    if status != 303:
        raise RuntimeError(f"login failed: {status}")
    for c in headers.get_all("Set-Cookie") or []:
        name, value = c.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if v)


def api_token(port, email, password):
    status, _, body = request(
        port,
        "POST",
        "/api/v1/tokens",
        {"Content-Type": "application/json"},
        json.dumps({"email": email, "password": password, "name": "benchmark"}),
    )
    if status not in (200, 201):
        raise RuntimeError(f"token: {status} {body[:200]!r}")
    return json.loads(body)["token"]


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(out):
    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"rps": rps, "p50_ms": latency(50), "p99_ms": latency(99), "errors": errors, "requests": requests}


class Bench:
    def __init__(self, args, server, workdir):
        self.args = args
        self.server = server
        self.workdir = workdir
        self.results = []
        self.ceiling = None

    def wrk(self, name, path, headers=(), connections=32, script=None, script_args=(), rows=None):
        port = self.server.port
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{self.args.duration}s", "--latency", "--timeout", "10s"]
        for h in headers:
            cmd += ["-H", h]
        if script:
            cmd += ["-s", script]
        cmd.append(f"http://127.0.0.1:{port}{path}")
        if script_args:
            cmd += ["--", *script_args]
        # Warm up (caches, connection pools), then measure.
        warm = list(cmd)
        warm[warm.index(f"-d{self.args.duration}s")] = "-d2s"
        subprocess.run(warm, capture_output=True, text=True)
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        result = parse_wrk(out)
        result["name"] = name
        result["connections"] = connections
        if rows is not None:
            result["rows_per_s"] = rows * result["rps"]
        if self.ceiling is None:
            self.ceiling = result["rps"]
        result["ratio"] = result["rps"] / self.ceiling
        self.results.append(result)
        extra = f"  {result['rows_per_s']:,.0f} rows/s" if rows is not None else ""
        log(
            f"  {name:<44} {result['rps']:>9,.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
            f"p99 {result['p99_ms']:7.2f} ms  errors {result['errors']:<5} {100 * result['ratio']:5.1f}% of static{extra}"
        )
        return result


    def timed(self, name, path, header, rows):
        """One download, timed (for answers that take longer than wrk's timeout)."""
        started = time.time()
        status, _, data = request(self.server.port, "GET", path, {header.split(": ")[0]: header.split(": ", 1)[1]}, timeout=900)
        seconds = time.time() - started
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        result = {
            "name": name, "rps": 1 / seconds, "p50_ms": seconds * 1000, "p99_ms": seconds * 1000,
            "errors": 0, "requests": 1, "connections": 1, "rows_per_s": rows / seconds,
            "ratio": (1 / seconds) / self.ceiling, "bytes": len(data),
            "peak_rss_mb": self.server.memory_kb("VmHWM") / 1024,
        }
        self.results.append(result)
        log(f"  {name:<44} one download of {len(data) / 1e6:.1f} MB in {seconds:.1f} s  "
            f"{result['rows_per_s']:,.0f} rows/s  server peak {result['peak_rss_mb']:.0f} MB")
        return result


def walk_cursor(port, pages, limit=20):
    """The cursor of page `pages + 1` of the default idea list."""
    cursor = None
    for _ in range(pages):
        path = f"/api/v1/consultations/{SLUG}/ideas?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        cursor = get_json(port, path)["next_cursor"]
    return cursor


def nth_idea(port, sort, n):
    """The id of the n-th idea (0-based) in a sort order, walking pages of 100."""
    cursor, seen = None, 0
    while True:
        path = f"/api/v1/consultations/{SLUG}/ideas?sort={sort}&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = get_json(port, path)
        if n < seen + len(page["items"]):
            return page["items"][n - seen]
        seen += len(page["items"])
        cursor = page["next_cursor"]


def count_csv_rows(data):
    text = data.decode("utf-8-sig")
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def prepare_database(backend, workdir):
    if backend == "sqlite":
        return f"sqlite://{workdir}/bench.db", None
    name = f"ideabox_bench_{os.getpid()}"
    subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name}"], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}", name


def drop_database(name):
    if name:
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def run_backend(args, backend):
    workdir = tempfile.mkdtemp(prefix=f"ideabox-bench-{backend}-")
    url, pg_name = prepare_database(backend, workdir)
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "IDEABOX_DATABASE_URL": url,
        "IDEABOX_BIND": f"127.0.0.1:{port}",
        "IDEABOX_BASE_URL": f"http://127.0.0.1:{port}",
        "IDEABOX_OUTBOX_DIR": f"{workdir}/outbox",
        "IDEABOX_LOG": "warn",
    }
    server = Server(args.binary, env, f"{workdir}/server.log")
    try:
        log(f"\n== {backend}: generating {args.ideas:,} ideas, {args.comments:,} comments, {args.votes:,} votes, {args.users:,} people")
        server.run("migrate")
        tokens = f"{workdir}/tokens.txt"
        sessions = f"{workdir}/sessions.txt"
        started = time.time()
        out = server.run(
            "demo",
            "--ideas", str(args.ideas),
            "--users", str(args.users),
            "--comments", str(args.comments),
            "--votes", str(args.votes),
            "--api-tokens", tokens,
            "--sessions", sessions,
        )
        generation_s = time.time() - started
        log(f"  demo data in {generation_s:.1f} s")
        passwords = dict(re.findall(r"^(\w+)\s+\S+@demo\.ideabox\.example\s+password: (\S+)", out, re.M))
        server.start()
        time.sleep(1)
        idle_kb = server.memory_kb("VmRSS")
        port = server.port

        bench = Bench(args, server, workdir)
        # The session cookie's name, as a browser gets it when signing in.
        reader_cookie = login_cookie(port, "citizen@demo.ideabox.example", passwords["citizen"])
        session_cookie = next(c.split("=", 1)[0] for c in reader_cookie.split("; ") if "session" in c)
        reader_script = f"{workdir}/reader.lua"
        with open(reader_script, "w") as f:
            f.write(READER_SCRIPT)

        def signed_in(name, path):
            """Measures a page read by many distinct signed-in people."""
            bench.wrk(name, "/", script=reader_script, script_args=[sessions, session_cookie, path])

        drafter = "Authorization: Bearer " + api_token(port, "drafter@demo.ideabox.example", passwords["drafter"])

        newest = get_json(port, f"/api/v1/consultations/{SLUG}/ideas?sort=new&limit=1")["items"][0]["id"]
        first = newest - args.ideas + 1
        busiest = get_json(port, f"/api/v1/consultations/{SLUG}/ideas?sort=discussed&limit=1")["items"][0]
        median = nth_idea(port, "discussed", args.ideas // 2) if not args.scale else busiest
        page200 = walk_cursor(port, 199)
        log(f"  busiest idea {busiest['id']} ({busiest['comment_count']} comments), median idea {median['id']} ({median['comment_count']} comments)")

        # Assets are served under content-hashed names: take the favicon's from the home page.
        _, _, home = request(port, "GET", "/")
        favicon = re.search(rb'/assets/img/favicon\.[0-9a-f]+\.svg', home).group(0).decode()
        bench.wrk("static asset (ceiling)", favicon)
        list1 = f"/c/{SLUG}/ideas"
        list200 = f"/c/{SLUG}/ideas?cursor={page200}"
        bench.wrk("list page 1, anonymous", list1)
        signed_in("list page 1, signed in", list1)
        bench.wrk("list page 200, anonymous", list200)
        signed_in("list page 200, signed in", list200)
        bench.wrk("API list page 1", f"/api/v1/consultations/{SLUG}/ideas")
        bench.wrk("API list page 200", f"/api/v1/consultations/{SLUG}/ideas?cursor={page200}")
        search = "/search?" + urllib.parse.urlencode({"q": JA_QUERY, "consultation": SLUG})
        bench.wrk("search (Japanese), HTML", search)
        bench.wrk("search (Japanese), API", "/api/v1/search?" + urllib.parse.urlencode({"q": JA_QUERY}))
        similar = "/api/v1/consultations/load-test/similar?" + urllib.parse.urlencode(
            {"text": "マイナンバーカードの手続をオンラインで完結させてほしい"}
        )
        bench.wrk("similar ideas, API", similar)
        if not args.scale:
            bench.wrk(f"idea detail, median ({median['comment_count']} comments), anonymous", f"/ideas/{median['id']}")
            signed_in("idea detail, median, signed in", f"/ideas/{median['id']}")
            bench.wrk(f"idea detail, busiest ({busiest['comment_count']} comments), anonymous", f"/ideas/{busiest['id']}")
            signed_in("idea detail, busiest, signed in", f"/ideas/{busiest['id']}")
            bench.wrk("home page, anonymous", "/")
            script = f"{workdir}/vote.lua"
            with open(script, "w") as f:
                f.write(VOTE_SCRIPT)
            bench.wrk("vote PUT (distinct people, API tokens)", "/", script=script, script_args=[tokens, str(first), str(newest)])
        export = f"/api/v1/consultations/{SLUG}/export"
        status, _, data = request(port, "GET", export + "?format=csv", {drafter.split(": ")[0]: drafter.split(": ", 1)[1]}, timeout=600)
        if status != 200:
            raise RuntimeError(f"export: {status}")
        rows = count_csv_rows(data)
        log(f"  CSV export: {rows:,} rows, {len(data) / 1e6:.1f} MB")
        if args.scale:
            # One export of a million rows outlasts wrk's timeout: time single downloads.
            for fmt in ("csv", "xlsx"):
                bench.timed(f"{fmt.upper()} export", export + f"?format={fmt}", drafter, rows)
        else:
            bench.wrk("CSV export", export + "?format=csv", [drafter], connections=2, rows=rows)
            bench.wrk("XLSX export", export + "?format=xlsx", [drafter], connections=2, rows=rows)
        peak_kb = server.memory_kb("VmHWM")
        time.sleep(2)
        after_kb = server.memory_kb("VmRSS")
        log(f"  server memory: idle {idle_kb / 1024:.1f} MB, peak under load {peak_kb / 1024:.1f} MB, after load {after_kb / 1024:.1f} MB")
        return {
            "backend": backend,
            "generation_s": generation_s,
            "idle_rss_mb": idle_kb / 1024,
            "peak_rss_mb": peak_kb / 1024,
            "after_rss_mb": after_kb / 1024,
            "results": bench.results,
        }
    finally:
        server.stop()
        drop_database(pg_name)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"  kept {workdir}")


def markdown(report):
    lines = [
        f"### {report['backend']}",
        "",
        f"Data generated in {report['generation_s']:.1f} s. Server memory: idle {report['idle_rss_mb']:.1f} MB, "
        f"peak under load {report['peak_rss_mb']:.1f} MB.",
        "",
        "| measurement | req/s | p50 ms | p99 ms | errors | of static |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        if "bytes" in r:
            rps = f"one download, {r['p50_ms'] / 1000:.1f} s ({r['rows_per_s']:,.0f} rows/s, {r['bytes'] / 1e6:.0f} MB, server peak {r['peak_rss_mb']:.0f} MB)"
        else:
            rps = f"{r['rps']:,.0f}" + (f" ({r['rows_per_s']:,.0f} rows/s)" if "rows_per_s" in r else "")
        lines.append(
            f"| {r['name']} | {rps} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {100 * r['ratio']:.1f}% |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--comments", type=int, default=50000)
    parser.add_argument("--votes", type=int, default=200000)
    parser.add_argument("--scale", action="store_true", help="1,000,000 ideas: list, search and export only")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database and server log")
    args = parser.parse_args()
    if args.scale:
        args.ideas, args.users, args.comments, args.votes = 1_000_000, 50_000, 1_000_000, 4_000_000
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    reports = [run_backend(args, b) for b in backends]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\nMachine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
          f"wrk 2 threads, {args.duration} s per measurement, 32 connections unless noted (exports: 2).\n")
    for report in reports:
        print(markdown(report) + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": cpu, "cores": os.cpu_count(), "reports": reports}, f, indent=2)


if __name__ == "__main__":
    main()
