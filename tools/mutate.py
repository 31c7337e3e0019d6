#!/usr/bin/env python3
"""Mutation testing for Stardust (issue 16): does the suite notice a small, deliberate bug?

Each mutation in tools/mutations.toml is one exact textual change to one file (`find` must
occur exactly once; otherwise it "did not apply"). For each, the runner copies the tree
(without .venv and .git) to a temporary directory, applies the change there, and runs only
the tests mapped to it (`tests` on the entry, else the catalogue's [files] mapping) with
`pytest -x -q -p no:randomly`, from the copy: PYTHONPATH and the working directory are the
copy (so `bot` is imported from it) and STARDUST_SQL_DIR is the copy's sql/ (so the test
template database is built from the mutated functions). A failing test kills the mutation;
all passing means it survived.

    .venv/bin/python tools/mutate.py              # every mutation, one at a time
    .venv/bin/python tools/mutate.py -j 2         # two at a time
    .venv/bin/python tools/mutate.py --only pity-at-91 --only lock-raid-removed
    .venv/bin/python tools/mutate.py --list       # the catalogue and its tests
    .venv/bin/python tools/mutate.py --check      # which mutations apply (no tests run)
    .venv/bin/python tools/mutate.py --self-check # prove a mutation reaches the tests
    .venv/bin/python tools/mutate.py --baseline   # the mapped tests pass unmutated
    .venv/bin/python tools/mutate.py --only lock-units-removed --tests tests/sql/test_scrap.py

Before a run the self-check runs (unless --no-self-check): a probe test in a copy must see
a change made to the copy's bot/ and sql/. Exit status: 0 when every mutation was killed (or
is an expected survivor, `killed_by` another branch), 1 otherwise. A developer tool, not
part of .ci/run: it takes minutes.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).resolve().parent / "mutations.toml"
IGNORE = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                ".hypothesis", "stardust-demo", "stardust-console", "build",
                                "dist", "*.pyc")
PYTEST_ARGS = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
KILLED, SURVIVED, EXPECTED, NOT_APPLIED, ERROR, TIMEOUT = (
    "killed", "SURVIVED", "survived (expected)", "did not apply", "ERROR", "killed (timeout)")


@dataclass
class Mutation:
    id: str
    file: str
    find: str
    replace: str
    tests: list[str] = field(default_factory=list)
    killed_by: str | None = None
    note: str | None = None


@dataclass
class Outcome:
    mutation: Mutation
    result: str
    seconds: float = 0.0
    detail: str = ""


def load(path: Path = CATALOGUE) -> list[Mutation]:
    data = tomllib.loads(path.read_text())
    mapping: dict[str, list[str]] = data.get("files", {})
    mutations, seen = [], set()
    for entry in data.get("mutation", []):
        m = Mutation(**{k: v for k, v in entry.items()})
        if m.id in seen:
            raise SystemExit(f"{path}: mutation id {m.id!r} appears twice")
        seen.add(m.id)
        if not m.tests:
            m.tests = list(next((t for pattern, t in mapping.items()
                                 if fnmatch.fnmatch(m.file, pattern)), []))
        if not m.tests:
            raise SystemExit(f"{path}: no tests mapped for {m.id} ({m.file}): add `tests` or a "
                             "[files] entry")
        mutations.append(m)
    return mutations


def apply(m: Mutation, tree: Path) -> str | None:
    """Apply `m` to the copy at `tree`; None if it applied, else why not."""
    target = tree / m.file
    if not target.is_file():
        return f"no file {m.file}"
    text = target.read_text()
    n = text.count(m.find)
    if n != 1:
        return f"find text occurs {n} times in {m.file}"
    target.write_text(text.replace(m.find, m.replace))
    return None


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def copy_tree(dest: Path) -> Path:
    tree = dest / "tree"
    shutil.copytree(ROOT, tree, ignore=IGNORE, symlinks=True)
    return tree


def run_tests(tree: Path, tests: list[str], timeout: float,
              extra: list[str] | None = None) -> tuple[int | None, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "STARDUST_"))}
    env.update(PYTHONPATH=str(tree), STARDUST_SQL_DIR=str(tree / "sql"),
               PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([python(), "-m", "pytest", *PYTEST_ARGS, *(extra or []), *tests],
                            cwd=tree, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # an interrupt, not a kill: pytest then stops the PostgreSQL cluster it started
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        return None, out or ""
    return proc.returncode, out


def last_line(output: str) -> str:
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""


def first_failure(output: str) -> str:
    for ln in output.splitlines():
        if ln.startswith(("FAILED ", "ERROR ")):
            return ln[:160]
    return last_line(output)


def run_one(m: Mutation, timeout: float) -> Outcome:
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutate-{m.id[:40]}-") as tmp:
        tree = copy_tree(Path(tmp))
        why = apply(m, tree)
        if why is not None:
            return Outcome(m, NOT_APPLIED, 0.0, why)
        code, out = run_tests(tree, m.tests, timeout)
    took = time.monotonic() - start
    if code is None:
        return Outcome(m, TIMEOUT, took, f"no result after {timeout:.0f} s")
    if code in (1, 2):          # a test failed, or collection failed (an import broke)
        return Outcome(m, KILLED, took, first_failure(out))
    if code == 0:
        return Outcome(m, EXPECTED if m.killed_by else SURVIVED, took,
                       f"killed by: {m.killed_by}" if m.killed_by else last_line(out))
    return Outcome(m, ERROR, took, f"pytest exit {code}: {last_line(out)}")


PROBE_TEST = '''
"""Written by tools/mutate.py --self-check into a copy of the tree; never committed."""
from pathlib import Path

import bot
import bot.handlers
from bot import migrate


async def test_the_copy_is_what_the_tests_see(tx):
    tree = Path(__file__).resolve().parent.parent
    assert Path(bot.__file__).resolve().is_relative_to(tree), bot.__file__
    assert bot.handlers.MUTATE_PROBE == "python mutation seen"
    assert migrate.sql_dir().resolve() == tree / "sql"
    comment = await tx.fetchval(
        "select obj_description('stardust.has_played(bigint)'::regprocedure)")
    assert "MUTATE-PROBE" in comment
'''

SELF_CHECK = [
    Mutation("self-check-python", "bot/handlers/__init__.py", "\nTITLES = {",
             '\nMUTATE_PROBE = "python mutation seen"\nTITLES = {'),
    Mutation("self-check-sql", "sql/functions/has_played.sql", "without creating one",
             "without creating one MUTATE-PROBE"),
]


def self_check(timeout: float = 600) -> tuple[bool, str]:
    """Apply two catalogue-style mutations to a copy (one to bot/, one to a function in
    sql/) and run a probe test there that must see both: proof that the tests import bot/
    and build the database from sql/ of the copy, not of the working tree."""
    with tempfile.TemporaryDirectory(prefix="mutate-self-check-") as tmp:
        tree = copy_tree(Path(tmp))
        for m in SELF_CHECK:
            if (why := apply(m, tree)) is not None:
                return False, f"{m.id}: {why}"
        (tree / "tests" / "test_zz_mutate_probe.py").write_text(PROBE_TEST)
        code, out = run_tests(tree, ["tests/test_zz_mutate_probe.py"], timeout)
    return code == 0, last_line(out) if code == 0 else out[-3000:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=1, help="mutations run at once")
    ap.add_argument("--only", action="append", default=[], metavar="ID",
                    help="run this mutation (repeatable; shell-style wildcards allowed)")
    ap.add_argument("--skip", action="append", default=[], metavar="ID",
                    help="leave this mutation out (repeatable; wildcards allowed)")
    ap.add_argument("--list", action="store_true", help="list the catalogue and exit")
    ap.add_argument("--check", action="store_true",
                    help="only check that every mutation applies (runs no test)")
    ap.add_argument("--self-check", action="store_true",
                    help="only prove that a mutation of the copy reaches the tests")
    ap.add_argument("--no-self-check", action="store_true", help="skip the self-check")
    ap.add_argument("--baseline", action="store_true",
                    help="run the mapped tests on an unmutated copy (they must pass)")
    ap.add_argument("--tests", nargs="+", metavar="TEST",
                    help="run these tests instead of the mapped ones (e.g. to see which kill)")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per mutation")
    args = ap.parse_args(argv)

    mutations = load()
    if args.only:
        mutations = [m for m in mutations if any(fnmatch.fnmatch(m.id, p) for p in args.only)]
        if not mutations:
            print(f"no mutation matches {args.only}", file=sys.stderr)
            return 2

    mutations = [m for m in mutations if not any(fnmatch.fnmatch(m.id, p) for p in args.skip)]
    if args.tests:
        for m in mutations:
            m.tests = list(args.tests)

    if args.list:
        for m in mutations:
            extra = f"  [killed by: {m.killed_by}]" if m.killed_by else ""
            print(f"{m.id:<40} {m.file:<40} {' '.join(m.tests)}{extra}")
        print(f"{len(mutations)} mutations")
        return 0

    if args.check:
        bad = 0
        for m in mutations:
            text = (ROOT / m.file).read_text() if (ROOT / m.file).is_file() else ""
            n = text.count(m.find)
            if n != 1:
                bad += 1
                print(f"{m.id}: {NOT_APPLIED} (find text occurs {n} times in {m.file})")
        print(f"{len(mutations) - bad} of {len(mutations)} apply")
        return 1 if bad else 0

    if args.self_check or not args.no_self_check:
        ok, detail = self_check()
        print(f"self-check: {'ok: the tests see the copy' if ok else 'FAILED'} ({detail})"
              if ok else "self-check: FAILED")
        if not ok:
            print(detail)
            return 1
        if args.self_check:
            return 0

    if args.baseline:
        tests = sorted({t for m in mutations for t in m.tests})
        with tempfile.TemporaryDirectory(prefix="mutate-baseline-") as tmp:
            code, out = run_tests(copy_tree(Path(tmp)), tests, args.timeout * 4)
        print(f"baseline ({len(tests)} test files): {'passed' if code == 0 else 'FAILED'}: "
              f"{last_line(out)}")
        if code != 0:
            print(out[-5000:])
            return 1

    start = time.monotonic()
    print(f"{len(mutations)} mutations, -j {args.jobs}")
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, m, args.timeout) for m in mutations]
        for future in as_completed(futures):                 # as they finish
            o = future.result()
            outcomes.append(o)
            print(f"{o.result:<20} {o.mutation.id:<40} {o.seconds:6.0f}s  {o.detail}",
                  flush=True)
    took = time.monotonic() - start
    order = {m.id: i for i, m in enumerate(mutations)}
    outcomes.sort(key=lambda o: order[o.mutation.id])
    print("\n| mutation | file | result |\n|---|---|---|")
    for o in outcomes:
        print(f"| {o.mutation.id} | {o.mutation.file} | {o.result} |")

    count = {r: sum(o.result == r for o in outcomes)
             for r in (KILLED, TIMEOUT, SURVIVED, EXPECTED, NOT_APPLIED, ERROR)}
    killed = count[KILLED] + count[TIMEOUT]
    ran = killed + count[SURVIVED] + count[EXPECTED]
    print()
    print(f"| result | count |\n|---|---|")
    for r, n in count.items():
        if n:
            print(f"| {r} | {n} |")
    score = f"{killed}/{ran} killed ({100 * killed / ran:.0f} %)" if ran else "nothing ran"
    print(f"\nscore: {score}; {count[EXPECTED]} expected survivors (killed on another branch), "
          f"{count[NOT_APPLIED]} did not apply, {count[ERROR]} errors; "
          f"{took / 60:.1f} min with -j {args.jobs}")
    failed = count[SURVIVED] + count[NOT_APPLIED] + count[ERROR]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
