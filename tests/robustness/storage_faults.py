#!/usr/bin/env python3
"""Storage faults on SQLite: a database that turns read-only, and a full disk, under a running
server. While the storage is broken every write must answer 503 with Retry-After (never 2xx,
never 500) and reads must keep answering 200; once the storage is repaired, writes must succeed
again without restarting the server, and every acknowledged write must be in the database.

  read-only   the database file and its -wal file get the immutable attribute (`chattr +i`;
              chmod does not stop root). It needs a file system that refuses writes through
              already-open files of an immutable inode (ext4 does, tmpfs does not): the scratch
              folder if it qualifies, else a small ext4 image mounted through a loop device.
  disk full   the database lives on a small tmpfs; a filler file takes every free byte, and
              deleting it frees the space again.

Needs root (chattr, mount). Without root, or when mounting is impossible, it prints
"SKIPPED: reason" and exits 0 — unless --require is given (as CI does), when that is a failure.

    python3 tests/robustness/storage_faults.py --bin target/debug/ideabox
"""

import argparse
import os
import sqlite3
import random
import shutil
import subprocess
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
    remove_dir,
    run_demo,
    scratch_dir,
)

READS = ("/healthz", "/api/v1/consultations/load-test/ideas", "/c/load-test/ideas", "/c/load-test")


class Skip(Exception):
    """The check cannot run on this machine."""


def sh(*cmd):
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise OSError(f"{' '.join(cmd)}: {res.stderr.strip() or res.returncode}")
    return res.stdout


class Writer:
    """Writes that always change something: votes flipped away from their current value, and
    comments. Remembers every acknowledged vote to check against the database afterwards."""

    def __init__(self, port, tokens, ideas, seed, votes, own):
        self.client = Client(port, timeout=30)
        self.tokens = tokens
        self.ideas = ideas
        self.rng = random.Random(seed)
        self.current = dict(votes)  # (token index, idea) -> 1 / -1 (absent: 0), as stored now
        self.own = own  # (token index, idea) pairs where the person wrote the idea
        self.acked = {}

    def one(self):
        """Sends one write; returns (kind, status, Retry-After header)."""
        while True:  # nobody may vote on their own idea: such a request would write nothing
            who = self.rng.randrange(len(self.tokens))
            idea = self.rng.choice(self.ideas)
            if (who, idea) not in self.own:
                break
        auth = {"Authorization": f"Bearer {self.tokens[who]}"}
        if self.rng.random() < 0.2:
            kind = "comment"
            body = {"body": f"A comment written at {time.time():.6f} while testing storage faults."}
            status, _ = self.client.request("POST", f"/api/v1/ideas/{idea}/comments", body=body, headers=auth)
        else:
            kind = "vote"
            now = self.current.get((who, idea), 0)
            state = self.rng.choice([s for s in (1, -1, 0) if s != now])
            if state == 0:
                status, _ = self.client.request("DELETE", f"/api/v1/ideas/{idea}/vote", headers=auth)
            else:
                body = {"value": "support" if state == 1 else "oppose"}
                status, _ = self.client.request("PUT", f"/api/v1/ideas/{idea}/vote", body=body, headers=auth)
            if 200 <= status < 300:
                self.current[(who, idea)] = state
                self.acked[(who, idea)] = state
        return kind, status, self.client.headers.get("retry-after")


def fault_scenario(name, binary, db_folder, work, break_storage, restore_storage, writes, seed):
    """Runs one fault: healthy writes, broken storage (writes 503, reads 200), repaired storage."""
    store = SqliteStore(db_folder)
    env = app_env(store, work / "outbox")
    tokens = run_demo(binary, env, work / f"{name}-tokens", work)
    server = Server(binary, env, work)
    try:
        server.start()
        ideas = list_idea_ids(server.port)
        reader = Client(server.port)
        user_ids = [reader.get_json("/api/v1/me", token=t)["id"] for t in tokens]
        # Every write must change something, so start from what is stored.
        index = {u: k for k, u in enumerate(user_ids)}
        votes = {
            (index[int(u)], int(i)): int(v)
            for u, i, v in store.query("SELECT user_id, idea_id, value FROM votes")
            if int(u) in index
        }
        own = {(index[int(u)], int(i)) for i, u in store.query("SELECT id, author_id FROM ideas") if int(u) in index}
        writer = Writer(server.port, tokens, ideas, seed, votes, own)

        before = [writer.one()[1] for _ in range(5)]
        if not all(200 <= s < 300 for s in before):
            raise CheckFailed(f"{name}: writes failed before any fault: {before}")

        break_storage(store)
        broken_writes, reads, slow = [], [], 0.0
        for k in range(writes):
            began = time.monotonic()
            broken_writes.append(writer.one())
            slow = max(slow, time.monotonic() - began)
            path = READS[k % len(READS)]
            reads.append((path, reader.request("GET", path)[0]))
        if not server.alive():
            raise CheckFailed(f"{name}: server died with broken storage:\n{server.log_tail()}")
        restore_storage(store)

        # Writes work again, without a restart: the first one may not, within 10 s one must.
        repaired = time.monotonic()
        failures_after = []
        while True:
            kind, status, _ = writer.one()
            if 200 <= status < 300:
                break
            failures_after.append(status)
            if time.monotonic() - repaired > 10:
                raise CheckFailed(f"{name}: writes still fail 10 s after the repair: {failures_after[-5:]}")
            time.sleep(0.2)
        recovered_secs = time.monotonic() - repaired
        after = [writer.one()[1] for _ in range(writes)]
        if server.starts != 1:
            raise CheckFailed(f"{name}: the server was restarted")
        server.stop()
    finally:
        server.kill9()

    wrong = [w for w in broken_writes if w[1] != 503]
    no_retry = [w for w in broken_writes if w[1] == 503 and not w[2]]
    bad_reads = [r for r in reads if r[1] != 200]
    bad_after = [s for s in after if not 200 <= s < 300]
    problems = []
    if wrong:
        problems.append(f"writes on broken storage not answered 503: {wrong[:8]}")
    if no_retry:
        problems.append(f"503 without Retry-After: {no_retry[:3]}")
    if bad_reads:
        problems.append(f"reads on broken storage not 200: {bad_reads[:8]}")
    if bad_after:
        problems.append(f"writes after the repair failed: {bad_after[:8]}")
    # Every acknowledged vote is in the database (the last acknowledged value of each pair).
    db_votes = {(int(u), int(i)): int(v) for u, i, v in store.query("SELECT user_id, idea_id, value FROM votes")}
    lost = [(user_ids[w], i, s) for (w, i), s in writer.acked.items() if db_votes.get((user_ids[w], i), 0) != s]
    if lost:
        problems.append(f"acknowledged votes missing from the database: {lost[:5]}")
    integrity = store.integrity()
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    if problems:
        raise CheckFailed(f"{name}: " + "; ".join(problems))
    kinds = {}
    for kind, status, _ in broken_writes:
        kinds[kind] = kinds.get(kind, 0) + 1
    return (
        f"{name}: {len(broken_writes)} writes ({kinds.get('vote', 0)} votes, {kinds.get('comment', 0)} comments) "
        f"all 503 + Retry-After (slowest {slow * 1000:.0f} ms), {len(reads)} reads all 200, writes back "
        f"{recovered_secs:.2f} s after the repair ({len(failures_after)} failed first) and {len(after)} more OK, "
        f"{len(writer.acked)} acknowledged votes in the database, integrity ok"
    )


# --------------------------------------------------------------------------------------------
# Read-only storage


def immutable_blocks_open_files(folder):
    """Whether `chattr +i` stops writes through a file that is already open in `folder`."""
    probe = Path(folder) / "immutable-probe"
    try:
        with open(probe, "wb", buffering=0) as f:
            f.write(b"a")
            try:
                sh("chattr", "+i", str(probe))
            except OSError:
                return False
            try:
                f.write(b"b")
                os.fsync(f.fileno())
                return False
            except OSError:
                return True
            finally:
                sh("chattr", "-i", str(probe))
    finally:
        probe.unlink(missing_ok=True)


def read_only_check(binary, work, args, cleanups):
    if not shutil.which("chattr"):
        raise Skip("chattr is not installed (e2fsprogs)")
    folder = work / "readonly"
    folder.mkdir()
    where = "scratch folder"
    if not immutable_blocks_open_files(folder):
        # tmpfs and friends ignore the flag for open files: use a small ext4 image instead.
        if not shutil.which("mkfs.ext4"):
            raise Skip("the scratch file system ignores chattr +i for open files and mkfs.ext4 is missing")
        image = work / "readonly.img"
        with open(image, "wb") as f:
            f.truncate(32 * 1024 * 1024)
        try:
            sh("mkfs.ext4", "-q", "-F", str(image))
            sh("mount", "-o", "loop", str(image), str(folder))
        except OSError as err:
            raise Skip(f"cannot mount an ext4 image through a loop device: {err}") from err
        cleanups.append(lambda: sh("umount", str(folder)))
        where = "ext4 loop image"
        if not immutable_blocks_open_files(folder):
            raise Skip("chattr +i does not stop writes to open files, even on ext4")
    log(f"read-only storage: chattr +i on the database files ({where})")
    frozen = []

    def freeze(store):
        for p in (store.path, Path(f"{store.path}-wal")):
            if p.exists():
                sh("chattr", "+i", str(p))
                frozen.append(p)

    def thaw(store):
        while frozen:
            sh("chattr", "-i", str(frozen.pop()))

    cleanups.append(lambda: thaw(None))
    return fault_scenario("read-only", binary, folder, work, freeze, thaw, args.writes, args.seed)


# --------------------------------------------------------------------------------------------
# Full disk


def disk_full_check(binary, work, args, cleanups):
    folder = work / "full"
    folder.mkdir()
    try:
        sh("mount", "-t", "tmpfs", "-o", f"size={args.tmpfs_mb}m,mode=0755", "ideabox-full", str(folder))
    except OSError as err:
        raise Skip(f"cannot mount a tmpfs: {err}") from err
    cleanups.append(lambda: sh("umount", str(folder)))
    filler = folder / "filler"
    log(f"full disk: database on a {args.tmpfs_mb} MiB tmpfs, then a filler file takes the rest")

    def fill(store):
        # An emptied write-ahead log is rewritten in place, so commits could still succeed
        # without a free byte (truthfully, but then nothing tests a full disk): truncate it
        # first, so the next commit needs new space.
        db = sqlite3.connect(store.path)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            db.close()
        with open(filler, "wb", buffering=0) as f:
            for chunk in (1 << 20, 1 << 12, 1):
                block = b"\0" * chunk
                try:
                    while True:
                        f.write(block)
                except OSError:
                    pass
        free = os.statvfs(folder)
        if free.f_bavail:
            raise CheckFailed(f"disk full: {free.f_bavail} blocks still free after filling")

    def empty(store):
        filler.unlink(missing_ok=True)

    return fault_scenario("disk full", binary, folder / "db", work, fill, empty, args.writes, args.seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="IdeaBox binary (default: IDEABOX_BIN, else target/debug/ideabox)")
    parser.add_argument("--writes", type=int, default=int(os.environ.get("ROBUST_WRITES", "30")))
    parser.add_argument("--only", choices=("read-only", "disk-full"), help="run one of the two faults")
    parser.add_argument("--tmpfs-mb", type=int, default=16, help="size of the tmpfs for the full disk")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--require", action="store_true", help="fail instead of skipping (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    exit_on_sigterm()

    binary = find_binary(args.bin)
    began = time.monotonic()
    if os.geteuid() != 0:
        return skip("needs root (chattr +i and mount)", args.require)
    work = scratch_dir("ideabox-storage.")
    log(f"seed {args.seed}, scratch folder {work}")
    cleanups = []
    results, failed = [], False
    try:
        if args.only in (None, "read-only"):
            results.append(read_only_check(binary, work, args, cleanups))
        if args.only in (None, "disk-full"):
            results.append(disk_full_check(binary, work, args, cleanups))
        print(f"PASS storage_faults: {'; '.join(results)}; {time.monotonic() - began:.0f} s", flush=True)
    except Skip as why:
        return skip(str(why), args.require)
    except (CheckFailed, NoAnswer, NotSent) as err:
        failed = True
        print(f"FAIL storage_faults (seed {args.seed}): {err}", flush=True)
    finally:
        for undo in reversed(cleanups):
            try:
                undo()
            except OSError as err:
                log(f"cleanup: {err}")
        remove_dir(work, args.keep or failed)
    return 1 if failed else 0


def skip(reason, required):
    if required:
        print(f"FAIL storage_faults: cannot run ({reason}) and --require was given", flush=True)
        return 1
    print(f"SKIPPED: {reason}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
