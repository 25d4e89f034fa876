#!/usr/bin/env python3
"""Rebuilds the advisory excerpt that .ci/run checks Cargo.lock against when the RustSec
advisory database cannot be fetched (a machine that reaches only the package registries).

Usage: python3 .ci/advisories/refresh.py PATH_TO_ADVISORY_DB_CHECKOUT

It keeps the advisories of every crate named in Cargo.lock, each reduced to its metadata
(the TOML block, which holds the affected and patched versions) and its title, and records
the upstream commit it was taken from. Run it again whenever Cargo.lock gains a crate, and
whenever newer advisories are wanted.
"""

import pathlib
import re
import shutil
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
repo = here.parent.parent


def crates_in_lock() -> set[str]:
    text = (repo / "Cargo.lock").read_text(encoding="utf-8")
    return set(re.findall(r'^name = "([^"]+)"$', text, flags=re.M))


def excerpt(advisory: str) -> str:
    match = re.match(r"(```toml\n.*?\n```\n)\s*(# [^\n]+)\n", advisory, flags=re.S)
    if not match:
        raise ValueError("not an advisory: no TOML block and title")
    front, title = match.groups()
    url = re.search(r'^url = "([^"]+)"', front, flags=re.M)
    more = f"Full text: {url.group(1)}\n" if url else "Full text: the RustSec advisory database.\n"
    return f"{front}\n{title}\n\n{more}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = pathlib.Path(sys.argv[1])
    target = here / "crates"
    if target.exists():
        shutil.rmtree(target)
    kept = 0
    for name in sorted(crates_in_lock()):
        folder = source / "crates" / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("RUSTSEC-*.md")):
            out = target / name / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(excerpt(path.read_text(encoding="utf-8")), encoding="utf-8")
            kept += 1
    commit = subprocess.run(
        ["git", "-C", str(source), "log", "-1", "--format=%H %cs"],
        capture_output=True, text=True, check=False,
    ).stdout.strip() or "unknown"
    # The crates this excerpt answers for: a crate added to Cargo.lock later is not covered.
    (here / "CRATES").write_text("".join(f"{n}\n" for n in sorted(crates_in_lock())), encoding="utf-8")
    (here / "SOURCE").write_text(
        "Excerpt of the RustSec advisory database, for the crates in Cargo.lock (CC0-1.0;\n"
        "advisories adapted from GitHub Security Advisories are CC-BY-4.0, as their license\n"
        "and url fields say).\n"
        f"upstream commit and date: {commit}\n"
        f"advisories: {kept}\n",
        encoding="utf-8",
    )
    print(f"{kept} advisories from {commit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
