#!/usr/bin/env python3
"""Hostile clients: slow connections must not slow everyone else down, and huge bodies must be
refused at once without the server reading them or growing.

1. A crowd of slow connections stays open at once (default 1000): half trickle a request head
   one byte a second and never finish it (slowloris), half send a complete head announcing a
   200 kB body (under the 256 KiB limits) and trickle that body one byte a second (slow POST), to an authenticated API write
   and to a form with a valid CSRF cookie. Whatever the server closes is opened again, so the
   crowd stays at full size. Meanwhile, sequential requests from a well-behaved client, each
   on a new connection (GET /healthz and the idea list page), must keep p99 under 100 ms.
   The server starts with a soft limit of 1024 open files, the common default, and has to
   lift it itself.
2. 10 MiB bodies: a form POST (CSRF token in the body, as a browser sends it), a JSON API PUT
   with Content-Length, and a chunked JSON API PUT without one. Each must get 413 within 1 s,
   while the client is still sending (its send buffer is kept small, so bytes sent bound what
   the server read), and the server's resident memory (VmRSS) must grow by less than 20 MB.

    python3 tests/robustness/hostile_clients.py --bin target/debug/ideabox
    python3 tests/robustness/hostile_clients.py --slow 4000 --samples 2000   # harder, locally
"""

import argparse
import multiprocessing
import os
import re
import select
import selectors
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    CheckFailed,
    Client,
    NoAnswer,
    NotSent,
    Server,
    SqliteStore,
    app_env,
    exit_on_sigterm,
    find_binary,
    list_idea_ids,
    log,
    percentile,
    raise_fd_limit,
    remove_dir,
    run_demo,
    scratch_dir,
)

MIB = 1024 * 1024


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class SlowCrowd:
    """Slow connections kept open by a child process (so that it does not compete with the
    measuring client for the interpreter lock): each gets one more byte every `interval`."""

    def __init__(self, port, size, token, idea, csrf, interval=1.0):
        self.port = port
        self.interval = interval
        heads = {
            "head": (b"GET /c/load-test/ideas HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-Pad: ", b"a"),
            "api-body": (
                f"PUT /api/v1/ideas/{idea}/vote HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n{\"value\": \"".encode(),
                b" ",
            ),
            "form-body": (
                "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Cookie: ideabox_csrf={csrf}\r\nContent-Length: 200000\r\n\r\ncsrf_token={csrf}&email=".encode(),
                b"a",
            ),
        }
        # Half slow heads, half slow bodies (split between the API and a form).
        kinds = ["head"] * (size // 2) + ["api-body", "form-body"] * (size - size // 2)
        self.plan = [(k, heads[k]) for k in kinds[:size]]
        self.socks = [None] * len(self.plan)
        self.opened = 0
        self.answered = {}  # first bytes of what the server answered, per kind, counted
        self.errors = 0
        self.open_count = multiprocessing.Value("i", 0, lock=False)
        self.reopened = multiprocessing.Value("i", 0, lock=False)
        self.stopping = multiprocessing.Event()
        self.results = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=self.run, daemon=True)

    def open_slot(self, k):
        kind, (head, _) = self.plan[k]
        try:
            s = connect(self.port)
            s.sendall(head)
            s.setblocking(False)
            self.socks[k] = s
            self.selector.register(s, selectors.EVENT_READ, k)
            self.opened += 1
        except OSError:
            self.socks[k] = None
            self.errors += 1

    def close_slot(self, k):
        s = self.socks[k]
        self.selector.unregister(s)
        s.close()
        self.socks[k] = None
        self.reopened.value += 1

    def start(self):
        self.process.start()

    def open_now(self):
        return self.open_count.value

    def run(self):
        self.selector = selectors.DefaultSelector()
        for k in range(len(self.plan)):
            self.open_slot(k)
        next_drip = time.monotonic() + self.interval
        while not self.stopping.is_set():
            # Whatever the server answers or closes is opened again at once.
            for key, _ in self.selector.select(timeout=0.05):
                k = key.data
                try:
                    data = self.socks[k].recv(4096)
                except OSError:
                    data = b""
                if data:
                    answer = (self.plan[k][0], data[:12].decode(errors="replace"))
                    self.answered[answer] = self.answered.get(answer, 0) + 1
                self.close_slot(k)
                self.open_slot(k)
            for k, s in enumerate(self.socks):
                if s is None:
                    self.open_slot(k)
            if time.monotonic() >= next_drip:
                next_drip += self.interval
                for k, s in enumerate(self.socks):
                    if s is not None:
                        try:
                            s.send(self.plan[k][1][1])
                        except OSError:
                            pass  # a full buffer or a closed socket; the selector sees the latter
            self.open_count.value = sum(1 for s in self.socks if s is not None)
        for s in self.socks:
            if s is not None:
                s.close()
        self.results.put(self.answered)

    def close(self):
        """Stops the crowd; returns what the server answered to slow connections, by kind."""
        self.stopping.set()
        answered = self.results.get(timeout=60)
        self.process.join(timeout=30)
        return answered


def timed_get(port, path):
    """One GET on a new connection; returns (status, seconds)."""
    began = time.monotonic()
    client = Client(port, timeout=10)
    try:
        status, _ = client.request("GET", path, headers={"Connection": "close"})
    except (NotSent, NoAnswer) as err:
        status = f"no answer ({err})"
    finally:
        client.close()
    return status, time.monotonic() - began


def big_body(port, head, size, chunked=False, limit_secs=5.0):
    """Sends `head` and then up to `size` body bytes while watching for an early answer.
    Returns (status, seconds until the first answer byte, body bytes the client got to send)."""
    s = socket.socket()
    # A small send buffer: what the client managed to send then bounds what the server read.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    began = time.monotonic()
    s.sendall(head)
    s.setblocking(False)
    chunk = b"x" * 65536
    if chunked:
        chunk = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    pending = memoryview(b"")
    sent, answer, first = 0, b"", None
    try:
        while time.monotonic() - began < limit_secs:
            readable, writable, _ = select.select([s], [s] if sent < size else [], [], 0.5)
            if readable:
                try:
                    data = s.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    break
                if first is None:
                    first = time.monotonic() - began
                answer += data
                if b"\r\n" in answer:
                    break
            if writable:
                if not pending:
                    pending = memoryview(chunk)
                try:
                    n = s.send(pending)
                except BlockingIOError:
                    continue
                except OSError:
                    # The server closed while we were sending: read what it answered, if anything.
                    s.setblocking(True)
                    s.settimeout(1)
                    try:
                        answer += s.recv(65536)
                        first = first or time.monotonic() - began
                    except OSError:
                        pass
                    break
                pending = pending[n:]
                sent += n
    finally:
        s.close()
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(match.group(1)) if match else None), first, sent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="IdeaBox binary (default: IDEABOX_BIN, else target/debug/ideabox)")
    parser.add_argument("--slow", type=int, default=int(os.environ.get("ROBUST_SLOW", "1000")))
    parser.add_argument("--samples", type=int, default=int(os.environ.get("ROBUST_SAMPLES", "300")))
    parser.add_argument("--crowd-secs", type=float, default=12.0, help="shortest time to measure in the crowd")
    parser.add_argument("--p99-ms", type=float, default=100.0)
    parser.add_argument("--body-mib", type=int, default=10)
    parser.add_argument("--rss-mb", type=float, default=20.0, help="allowed VmRSS growth from the big bodies")
    parser.add_argument("--big-rounds", type=int, default=5, help="times each big body is sent")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    exit_on_sigterm()

    binary = find_binary(args.bin)
    # Both sides of every slow connection live on this machine: room for twice the crowd.
    fd_limit = raise_fd_limit(2 * args.slow + 4096)
    if fd_limit < 2 * args.slow + 256:
        sys.exit(f"open-file limit {fd_limit} is too low for {args.slow} slow connections")
    work = scratch_dir("ideabox-hostile.")
    began = time.monotonic()
    failed = False
    server = None
    try:
        store = SqliteStore(work)
        env = app_env(store, work / "outbox")
        tokens = run_demo(binary, env, work / "tokens", work)
        # The server starts with the soft open-file limit most systems give a process (1024,
        # also systemd's default for services) and must lift it itself to serve the crowd.
        server = Server(binary, env, work, nofile=1024)
        server.start()
        server_fd_limit = server.open_file_limit()
        idea = list_idea_ids(server.port)[0]
        page_client = Client(server.port)
        status, html = page_client.request("GET", "/login")
        cookie = page_client.headers.get("set-cookie", "")
        csrf = re.search(r"ideabox_csrf=([^;]+)", cookie).group(1)
        if status != 200 or csrf.encode() not in html:
            raise CheckFailed("could not get a CSRF cookie and token from /login")
        page_client.close()
        for _ in range(20):  # warm up: templates, pools, allocator
            timed_get(server.port, "/healthz")
            timed_get(server.port, "/c/load-test/ideas")
        rss_start = server.rss_kib()
        # The same requests without the crowd, for comparison.
        baseline = {"/healthz": [], "/c/load-test/ideas": []}
        for _ in range(max(1, args.samples // 3)):
            for path, values in baseline.items():
                values.append(timed_get(server.port, path)[1])
        base = {path: round(percentile(v, 99) * 1000, 1) for path, v in baseline.items()}

        # 1. The slow crowd, and a well-behaved client measuring latency meanwhile.
        crowd = SlowCrowd(server.port, args.slow, tokens[0], idea, csrf)
        crowd.start()
        deadline = time.monotonic() + 30
        while crowd.open_now() < args.slow and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        log(f"{crowd.open_now()} slow connections open, server holds {server.open_sockets()} sockets")
        samples = {"/healthz": [], "/c/load-test/ideas": []}
        bad, server_socks_min, server_socks_max, rss_peak = [], None, 0, rss_start
        # At least `samples` requests per path, and long enough for the server to cut slow heads.
        sampling_began, k = time.monotonic(), 0
        while k < args.samples or time.monotonic() - sampling_began < args.crowd_secs:
            k += 1
            for path, values in samples.items():
                status, secs = timed_get(server.port, path)
                values.append(secs)
                if status != 200:
                    bad.append((path, status))
            if k % 25 == 1:
                socks = server.open_sockets()
                server_socks_min = socks if server_socks_min is None else min(server_socks_min, socks)
                server_socks_max = max(server_socks_max, socks)
                rss_peak = max(rss_peak, server.rss_kib())
        sampling_secs = time.monotonic() - sampling_began
        reopened = crowd.reopened.value
        crowd_stats = crowd.close()
        if bad:
            raise CheckFailed(f"normal requests failed during the slow crowd: {bad[:5]}")
        if server_socks_min < min(500, args.slow):
            raise CheckFailed(f"the server held as few as {server_socks_min} connections at once")
        p = {path: (percentile(v, 50) * 1000, percentile(v, 99) * 1000, max(v) * 1000) for path, v in samples.items()}
        slow_paths = {path: f"p99 {v[1]:.1f} ms" for path, v in p.items() if v[1] >= args.p99_ms}
        if slow_paths:
            raise CheckFailed(
                f"latency during the slow crowd over {args.p99_ms:.0f} ms: {slow_paths} "
                f"(without the crowd, p99 in ms: {base})"
            )
        log(f"slow crowd: server answered {crowd_stats}, {reopened} reopened")

        # 2. Huge bodies, once the server has let go of the crowd.
        deadline = time.monotonic() + 30
        while server.open_sockets() > 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        size = args.body_mib * MIB
        form = (
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: ideabox_csrf={csrf}\r\nContent-Length: {size}\r\n\r\n"
        ).encode()
        form_first = f"csrf_token={csrf}&email=".encode()
        api = (
            f"PUT /api/v1/ideas/{idea}/vote HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tokens[1]}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
        ).encode()
        chunked = (
            f"PUT /api/v1/ideas/{idea}/vote HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tokens[1]}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        cases = {
            "form POST": (form + form_first, False),
            "API PUT": (api, False),
            "chunked API PUT": (chunked, True),
        }
        rss_before = server.rss_kib()
        big = {name: [] for name in cases}
        for _ in range(args.big_rounds):
            for name, (head, is_chunked) in cases.items():
                big[name].append(big_body(server.port, head, size, chunked=is_chunked))
        time.sleep(0.5)
        rss_after = server.rss_kib()
        problems = []
        for name, results in big.items():
            for status, first, sent in results:
                if status != 413:
                    problems.append(f"{name}: status {status} (want 413)")
                elif first is None or first > 1.0:
                    problems.append(f"{name}: 413 after {first} s (want < 1 s)")
                elif sent >= size:
                    problems.append(f"{name}: the whole body was sent before the answer")
        growth_mb = (rss_after - rss_before) / 1024
        if growth_mb >= args.rss_mb:
            problems.append(f"VmRSS grew by {growth_mb:.1f} MB over the big bodies (limit {args.rss_mb:.0f})")
        if Client(server.port).request("GET", "/healthz")[0] != 200:
            problems.append("not healthy afterwards")
        if problems:
            raise CheckFailed("; ".join(sorted(set(problems))))

        def describe(results):
            slowest = max(r[1] for r in results) * 1000
            most = max(r[2] for r in results) / 1024
            return f"413 within {slowest:.0f} ms, at most {most:.0f} KiB sent"

        print(
            f"PASS hostile_clients: {args.slow} slow connections (server started with 1024 open files allowed, "
            f"runs with {server_fd_limit}; half slow heads, half slow bodies; "
            f"the server held {server_socks_min} to {server_socks_max} sockets at once; {reopened} reopened after "
            f"the server answered or cut them): /healthz p50 {p['/healthz'][0]:.1f} / p99 {p['/healthz'][1]:.1f} / max "
            f"{p['/healthz'][2]:.1f} ms, idea list page p50 {p['/c/load-test/ideas'][0]:.1f} / p99 "
            f"{p['/c/load-test/ideas'][1]:.1f} / max {p['/c/load-test/ideas'][2]:.1f} ms over {k} "
            f"requests each in {sampling_secs:.0f} s (without the crowd: p99 {base['/healthz']:.1f} and {base['/c/load-test/ideas']:.1f} ms); "
            f"{args.body_mib} MiB bodies x{args.big_rounds}: "
            + "; ".join(f"{name} {describe(r)}" for name, r in big.items())
            + f"; VmRSS {rss_start / 1024:.0f} MB at start, {rss_peak / 1024:.0f} MB peak in the crowd, "
            f"{rss_before / 1024:.1f} -> {rss_after / 1024:.1f} MB over the big bodies; "
            f"{time.monotonic() - began:.0f} s",
            flush=True,
        )
    except CheckFailed as err:
        failed = True
        print(f"FAIL hostile_clients: {err}", flush=True)
    finally:
        if server:
            server.kill9()
        remove_dir(work, args.keep or failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
