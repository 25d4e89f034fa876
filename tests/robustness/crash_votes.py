#!/usr/bin/env python3
"""Crash proof for votes: acknowledged votes survive `kill -9`, and (PostgreSQL) a database that
dies under load makes writes fail cleanly and the application recover on its own.

Many clients vote (support, oppose, change, withdraw) as the 200 people of a fresh load-test
consultation while the server is killed with SIGKILL at random moments and restarted. Each
person belongs to one client thread, so the requests on one (person, idea) pair are sequential
and their order is known. Afterwards, for every pair with at least one acknowledged (2xx) request:

  * the database holds the state of the last acknowledged request, or the state of a later
    request that got no answer (or a 5xx) — such requests may or may not have been applied;
  * there is at most one vote row per pair;
  * every idea's support and oppose counters equal a recount of its vote rows;
  * SQLite: PRAGMA integrity_check says ok; PostgreSQL: amcheck finds every B-tree index
    consistent with its table.

With --postgres the same runs on a fresh PostgreSQL database. With --stop-postgres the
PostgreSQL cluster is also stopped in immediate mode under load and started again: no request
sent while it is down may answer 2xx, failures must be 5xx (counted: 503 versus others), and
/healthz and votes must succeed again without restarting IdeaBox. The cluster is always started
again on exit.

    python3 tests/robustness/crash_votes.py --bin target/debug/ideabox --rounds 5
    python3 tests/robustness/crash_votes.py --postgres --stop-postgres --rounds 5
"""

import argparse
import collections
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    CheckFailed,
    Client,
    NoAnswer,
    NotSent,
    PostgresStore,
    Server,
    SqliteStore,
    app_env,
    exit_on_sigterm,
    find_binary,
    health,
    list_idea_ids,
    log,
    remove_dir,
    run_demo,
    scratch_dir,
)

ACTIONS = (("PUT", "support", 1), ("PUT", "oppose", -1), ("DELETE", None, 0))


class Event:
    """One vote request on one pair: the state it asks for and what became of it."""

    __slots__ = ("state", "outcome", "sent", "done", "status")

    def __init__(self, state, outcome, sent, done, status):
        self.state = state  # 1 support, -1 oppose, 0 no vote
        self.outcome = outcome  # "ack" (2xx), "refused" (4xx), "unknown" (no answer or 5xx)
        self.sent = sent
        self.done = done
        self.status = status  # HTTP status, or None without an answer


class Traffic:
    """Client threads voting as disjoint sets of people until stopped."""

    def __init__(self, port, people, ideas, clients, seed):
        self.port = port
        self.people = people
        self.ideas = ideas
        self.clients = clients
        self.seed = seed
        self.stopping = threading.Event()
        self.histories = [collections.defaultdict(list) for _ in range(clients)]
        self.counts = [collections.Counter() for _ in range(clients)]
        self.threads = []

    def start(self):
        for i in range(self.clients):
            t = threading.Thread(target=self.worker, args=(i,), daemon=True)
            t.start()
            self.threads.append(t)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)

    def worker(self, i):
        rng = random.Random(self.seed * 1000 + i)
        mine = self.people[i :: self.clients]
        history, counts = self.histories[i], self.counts[i]
        client = Client(self.port, timeout=30)
        while not self.stopping.is_set():
            token, user = rng.choice(mine)
            idea = rng.choice(self.ideas)
            method, value, state = rng.choices(ACTIONS, weights=(45, 35, 20))[0]
            body = {"value": value} if value else None
            sent = time.monotonic()
            try:
                status, _ = client.request(
                    method, f"/api/v1/ideas/{idea}/vote", body=body, headers={"Authorization": f"Bearer {token}"}
                )
            except NotSent:
                counts["not sent"] += 1
                time.sleep(0.02)
                continue
            except NoAnswer:
                status = None
            done = time.monotonic()
            if status is None:
                outcome = "unknown"
                counts["no answer"] += 1
            else:
                counts[status] += 1
                outcome = "ack" if 200 <= status < 300 else "refused" if status < 500 else "unknown"
            history[(user, idea)].append(Event(state, outcome, sent, done, status))
        client.close()

    def events(self):
        merged = {}
        for h in self.histories:
            merged.update(h)  # the people, hence the pairs, of two threads never overlap
        return merged

    def totals(self):
        total = collections.Counter()
        for c in self.counts:
            total.update(c)
        return total

    def last_ack_after(self, moment):
        """The earliest time after `moment` at which a request sent after it was acknowledged."""
        best = None
        for h in self.histories:
            for events in list(h.values()):
                for e in list(events):
                    if e.outcome == "ack" and e.sent > moment and (best is None or e.done < best):
                        best = e.done
        return best


def verify(store, traffic):
    """Checks the database against every acknowledged request. Returns numbers for the summary."""
    db_votes = {(int(u), int(i)): int(v) for u, i, v in store.query("SELECT user_id, idea_id, value FROM votes")}
    duplicates = store.query(
        "SELECT user_id, idea_id, COUNT(*) FROM votes GROUP BY user_id, idea_id HAVING COUNT(*) > 1"
    )
    recount = (
        "SELECT i.id, i.support_count, i.oppose_count, s.support, s.oppose FROM ideas i JOIN ("
        " SELECT i2.id AS id,"
        "  COALESCE(SUM(CASE WHEN v.value = 1 THEN 1 ELSE 0 END), 0) AS support,"
        "  COALESCE(SUM(CASE WHEN v.value = -1 THEN 1 ELSE 0 END), 0) AS oppose"
        " FROM ideas i2 LEFT JOIN votes v ON v.idea_id = i2.id GROUP BY i2.id) s ON s.id = i.id"
    )
    counters = store.query(recount)
    wrong_counters = [r for r in counters if (int(r[1]), int(r[2])) != (int(r[3]), int(r[4]))]

    lost, checked, exact, later_applied = [], 0, 0, 0
    for pair, events in traffic.events().items():
        acked = [k for k, e in enumerate(events) if e.outcome == "ack"]
        if not acked:
            continue
        checked += 1
        last = events[acked[-1]]
        allowed = {last.state} | {e.state for e in events[acked[-1] + 1 :] if e.outcome == "unknown"}
        actual = db_votes.get(pair, 0)
        if actual not in allowed:
            lost.append((pair, last.state, actual, [(e.state, e.outcome, e.status) for e in events[-5:]]))
        elif actual == last.state:
            exact += 1
        else:
            later_applied += 1

    integrity = store.integrity()
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged votes not in the database, e.g. {lost[:3]}")
    if duplicates:
        problems.append(f"duplicate vote rows: {duplicates[:5]}")
    if wrong_counters:
        problems.append(f"counters differ from a recount (id, support, oppose, recount…): {wrong_counters[:5]}")
    if integrity != "ok":
        problems.append(f"{store.integrity_name}: {integrity}")
    if problems:
        raise CheckFailed("; ".join(problems))
    return {
        "pairs": checked,
        "exact": exact,
        "later_applied": later_applied,
        "ideas": len(counters),
        "rows": len(db_votes),
        "integrity": integrity,
    }


def pg_ctl(cluster, action, *extra):
    version, name = cluster.split("/")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action, *extra],
        check=True,
        capture_output=True,
        timeout=120,
    )


def default_cluster():
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(x) for x in v.split(".")])
    return f"{versions[-1]}/main"


def postgres_outage(args, server, traffic, state):
    """Stops PostgreSQL (immediate mode) under load, starts it again, measures the recovery."""
    time.sleep(1.5)  # votes flowing against a healthy database first
    log(f"stopping PostgreSQL cluster {args.pg_cluster} (immediate mode) under load")
    state["pg_stopped"] = True
    pg_ctl(args.pg_cluster, "stop", "-m", "immediate")
    down_at = time.monotonic()
    # /healthz while the database is down, probed beside the votes.
    probe = {}

    def probe_health():
        began = time.monotonic()
        probe["status"] = health(server.port, timeout=30)
        probe["secs"] = time.monotonic() - began

    prober = threading.Thread(target=probe_health, daemon=True)
    time.sleep(1.0)
    prober.start()
    time.sleep(max(0.0, args.outage - (time.monotonic() - down_at)))
    prober.join(timeout=30)
    if not server.alive():
        raise CheckFailed(f"server died while the database was down:\n{server.log_tail()}")
    restart_at = time.monotonic()
    pg_ctl(args.pg_cluster, "start")
    state["pg_stopped"] = False
    up_at = time.monotonic()
    log(f"PostgreSQL back after {up_at - down_at:.1f} s down")

    deadline = up_at + 60
    healthy_at = None
    while time.monotonic() < deadline:
        if health(server.port, timeout=10) == 200:
            healthy_at = time.monotonic()
            break
        time.sleep(0.1)
    if healthy_at is None:
        raise CheckFailed("/healthz not 200 within 60 s of PostgreSQL coming back (no restart)")
    voted_at = None
    while time.monotonic() < deadline:
        voted_at = traffic.last_ack_after(up_at)
        if voted_at:
            break
        time.sleep(0.1)
    if voted_at is None:
        raise CheckFailed("no vote succeeded within 60 s of PostgreSQL coming back (no restart)")
    time.sleep(1.0)  # and keeps working

    # Requests sent after the database was gone and answered before it started again.
    during = collections.Counter()
    false_acks = 0
    for events in list(traffic.events().values()):
        for e in events:
            if e.sent >= down_at and e.done <= restart_at:
                during[e.status] += 1
                if e.outcome == "ack":
                    false_acks += 1
    if false_acks:
        raise CheckFailed(f"{false_acks} votes answered 2xx while PostgreSQL was down: {dict(during)}")
    failed = sum(n for s, n in during.items() if s is not None and s >= 500)
    if not failed:
        raise CheckFailed(f"no request failed while PostgreSQL was down (statuses {dict(during)})")
    not_5xx = {s: n for s, n in during.items() if s is None or s < 500}
    if not_5xx:
        raise CheckFailed(f"while PostgreSQL was down some votes did not fail with 5xx: {not_5xx}")
    return {
        "down_secs": up_at - down_at,
        "during": dict(during),
        "health_down": probe.get("status"),
        "health_down_secs": probe.get("secs", float("nan")),
        "healthy_after": healthy_at - up_at,
        "voted_after": voted_at - up_at,
    }


def run(args, binary, store, work, state):
    env = app_env(store, work / "outbox")
    log(f"{store.backend}: building the load-test consultation")
    tokens = run_demo(binary, env, work / "tokens", work)
    server = Server(binary, env, work)
    state["server"] = server
    restarts = [server.start()]
    setup = Client(server.port)
    people = [(t, setup.get_json("/api/v1/me", token=t)["id"]) for t in tokens]
    setup.close()
    ideas = list_idea_ids(server.port)
    log(f"{len(people)} people, {len(ideas)} ideas, {args.clients} clients, {args.rounds} kill rounds")

    rng = random.Random(args.seed)
    traffic = Traffic(server.port, people, ideas, args.clients, args.seed)
    started = time.monotonic()
    traffic.start()
    for round_no in range(args.rounds):
        if round_no > 0:
            restarts.append(server.start())
        time.sleep(rng.uniform(args.min_up, args.max_up))
        server.kill9()
        time.sleep(rng.uniform(0.0, 0.3))
    outage = None
    if args.stop_postgres:
        restarts.append(server.start())
        outage = postgres_outage(args, server, traffic, state)
        server.kill9()
    traffic.stop()
    load_secs = time.monotonic() - started

    totals = traffic.totals()
    if totals.get(500):
        raise CheckFailed(f"{totals[500]} votes answered 500 (a bug, not a storage failure):\n{server.log_tail()}")
    result = verify(store, traffic)
    # The application starts again after the last crash and answers.
    restarts.append(server.start())
    if health(server.port) != 200:
        raise CheckFailed("not healthy after the final restart")
    server.stop()
    acks = sum(n for s, n in totals.items() if isinstance(s, int) and 200 <= s < 300)
    requests = sum(n for s, n in totals.items() if s != "not sent")
    unknown = totals.get("no answer", 0) + sum(n for s, n in totals.items() if isinstance(s, int) and s >= 500)
    refused = sum(n for s, n in totals.items() if isinstance(s, int) and 400 <= s < 500)
    summary = (
        f"{store.backend}: {args.rounds} kill -9 rounds in {load_secs:.1f} s, {requests} vote requests "
        f"({acks} acknowledged, {unknown} unanswered or 5xx, {refused} refused 4xx, "
        f"{requests / load_secs:.0f}/s); {result['pairs']} pairs checked: every last acknowledged vote present "
        f"({result['later_applied']} hold a later unanswered request), 0 duplicate rows among {result['rows']}, "
        f"counters = recount on {result['ideas']} ideas, {store.integrity_name} {result['integrity']}; "
        f"restart to healthy max {max(restarts):.2f} s"
    )
    if outage:
        statuses = ", ".join(f"{k if k else 'no answer'}: {v}" for k, v in sorted(outage["during"].items(), key=str))
        summary += (
            f"; PostgreSQL down {outage['down_secs']:.1f} s: votes sent meanwhile {{{statuses}}}, 0 false 2xx, "
            f"/healthz {outage['health_down']} in {outage['health_down_secs']:.1f} s while down, "
            f"healthy {outage['healthy_after']:.2f} s and first vote {outage['voted_after']:.2f} s after restart"
        )
    log(f"status counts: {dict(totals)}")
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="IdeaBox binary (default: IDEABOX_BIN, else target/debug/ideabox)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROBUST_ROUNDS", "5")))
    parser.add_argument("--clients", type=int, default=16, help="concurrent voting clients")
    parser.add_argument("--min-up", type=float, default=0.3, help="shortest time between start and kill (s)")
    parser.add_argument("--max-up", type=float, default=2.0, help="longest time between start and kill (s)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--postgres", action="store_true", help="run on a fresh PostgreSQL database")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("IDEABOX_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="connection used to create and drop the test database",
    )
    parser.add_argument(
        "--stop-postgres",
        action="store_true",
        help="also stop the PostgreSQL cluster under load and start it again (disturbs every user of it)",
    )
    parser.add_argument("--pg-cluster", help="VERSION/NAME for pg_ctlcluster (default: newest version, main)")
    parser.add_argument(
        "--outage", type=float, default=12.0, help="seconds PostgreSQL stays down (requests wait up to 5 s for it)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    exit_on_sigterm()
    if args.stop_postgres and not args.postgres:
        parser.error("--stop-postgres needs --postgres")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.stop_postgres and not args.pg_cluster:
        args.pg_cluster = default_cluster()

    binary = find_binary(args.bin)
    work = scratch_dir("ideabox-crash.")
    log(f"seed {args.seed}, scratch folder {work}")
    state = {"server": None, "pg_stopped": False}
    store = None
    began = time.monotonic()
    failed = False
    try:
        if args.postgres:
            store = PostgresStore(args.pg_admin_url, f"ideabox_crash_{os.getpid()}")
        else:
            store = SqliteStore(work)
        summary = run(args, binary, store, work, state)
        print(f"PASS crash_votes {summary}; {time.monotonic() - began:.0f} s in all", flush=True)
    except CheckFailed as err:
        failed = True
        print(f"FAIL crash_votes ({store.backend if store else 'setup'}, seed {args.seed}): {err}", flush=True)
    finally:
        if state["server"]:
            state["server"].kill9()
        if args.stop_postgres:
            # Whatever happened, leave the cluster running.
            try:
                pg_ctl(args.pg_cluster, "start")
            except subprocess.CalledProcessError:
                pass  # already running
        if store:
            store.drop()
        remove_dir(work, args.keep or failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
