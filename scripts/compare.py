#!/usr/bin/env python3
"""Compare VM runs test by test.

  compare.py LABEL=LOGDIR LABEL=LOGDIR [LABEL=LOGDIR ...]

Each LOGDIR is a run's log directory as scripts/run.sh and
scripts/ref-run.sh leave it: table.txt (scripts/report.py's table) and
tests/<suite>/<name>.tap. Prints one row per test with its result in every
run, marking the rows whose results differ, then every difference: the
programs whose result differs, and in programs that report in TAP, every
case whose result differs (ok, skip or not ok; cases are matched by
number). Tests that only some of the runs have are listed apart.
"""
import os
import re
import signal
import sys

ROW = re.compile(r"^(\S+/\S+)\s+(PASS|FAIL|SKIP|KNOWN|NOTRUN)\s+(\S+)\s\s(.*)$")
TAP_CASE = re.compile(r"^(not ok|ok) (\d+)\b ?(.*?)\s*$")


def load_table(logdir):
    """(header, {test: (status, note)}) from LOGDIR/table.txt."""
    path = os.path.join(logdir, "table.txt")
    if not os.path.exists(path):
        sys.exit(f"compare: no {path}; that run never reached its report")
    header, rows = "", {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("== ") and not header:
                header = line[3:]
                continue
            m = ROW.match(line)
            if m:
                rows[m.group(1)] = (m.group(2), m.group(4).strip())
    if not rows:
        sys.exit(f"compare: {path} holds no test rows")
    return header, rows


def load_cases(logdir, test):
    """{case number: (ok|skip|not ok, description)} for a TAP program's
    cases, or None. Cases are matched by number: their descriptions may
    carry measured values (counts, addresses) that differ from run to run."""
    path = os.path.join(logdir, "tests", test + ".tap")
    if not os.path.exists(path):
        return None
    cases = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = TAP_CASE.match(line.rstrip("\n"))
            if not m:
                continue
            verdict, num, desc = m.groups()
            skip = re.search(r"(^|\s)#\s*SKIP\b:?\s*", desc, re.I)
            if skip:
                verdict = "skip"
                desc = desc[:skip.start()].strip() or desc[skip.end():]
            else:
                desc = re.sub(r"(^|\s)#.*$", "", desc).strip()
            cases.setdefault(int(num), (verdict, desc))
    return cases or None


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under | head
    if len(sys.argv) < 3:
        sys.exit("usage: compare.py LABEL=LOGDIR LABEL=LOGDIR [LABEL=LOGDIR ...]")
    runs = []
    for arg in sys.argv[1:]:
        label, sep, logdir = arg.partition("=")
        if not sep or not label or not logdir:
            sys.exit(f"compare: want LABEL=LOGDIR, not '{arg}'")
        header, rows = load_table(logdir)
        runs.append((label, logdir, header, rows))

    for label, logdir, header, _ in runs:
        print(f"{label}: {header.strip() or '?'} ({logdir})")
    print()

    order = []
    for _, _, _, rows in runs:
        order += [t for t in rows if t not in order]
    # Tests first, then the kernel/ checks, each group by name.
    order.sort(key=lambda t: (t.startswith("kernel/"), t))

    labels = [r[0] for r in runs]
    width = max(len(t) for t in order) + 2
    cols = [max(len(label), 6) + 2 for label in labels]
    print(f"{'TEST':<{width}}" + "".join(f"{label:<{w}}" for label, w in zip(labels, cols)))
    differ, partial = [], []
    for test in order:
        results = [rows.get(test, ("-", ""))[0] for _, _, _, rows in runs]
        present = [r for r in results if r != "-"]
        mark = ""
        if len(present) < len(results):
            partial.append((test, results))
            mark = "  (not in every run)"
        if len(set(present)) > 1:
            differ.append(test)
            mark = "  <== differs"
        print(f"{test:<{width}}" + "".join(f"{r:<{w}}" for r, w in zip(results, cols)) + mark)

    # Case by case, for every TAP program that all runs with it have.
    case_diffs = []
    for test in order:
        if test.startswith("kernel/"):
            continue
        have = [(label, logdir) for label, logdir, _, rows in runs if test in rows]
        if len(have) < 2:
            continue
        cases = [(label, load_cases(logdir, test)) for label, logdir in have]
        if any(c is None for _, c in cases):
            continue
        nums = sorted(set().union(*(c for _, c in cases)))
        for num in nums:
            verdicts = [c.get(num, ("-", ""))[0] for _, c in cases]
            if len(set(verdicts)) > 1:
                desc = next(c[num][1] for _, c in cases if num in c)
                case_diffs.append((test, num, desc, list(zip([l for l, _ in cases], verdicts))))

    print()
    if not differ and not case_diffs:
        print("no differences in the results of the tests all runs have")
    if differ:
        print(f"programs whose result differs: {len(differ)}")
        for test in differ:
            parts = []
            for label, _, _, rows in runs:
                if test in rows:
                    status, note = rows[test]
                    parts.append(f"{label} {status}" + (f" ({note[:80]})" if note else ""))
            print(f"  {test}: " + "; ".join(parts))
    if case_diffs:
        print(f"TAP cases whose result differs: {len(case_diffs)}")
        for test, num, desc, verdicts in case_diffs:
            print(f"  {test} case {num} ({desc[:60]}): "
                  + ", ".join(f"{l} {v}" for l, v in verdicts))
    if partial:
        print(f"tests not in every run: {len(partial)}")
        for test, results in partial:
            have = [l for l, r in zip(labels, results) if r != "-"]
            print(f"  {test}: only in {', '.join(have)}")
    print(f"compare: {len(order)} tests, {len(differ)} differ, "
          f"{len(case_diffs)} TAP cases differ, {len(partial)} not in every run")


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit(f"compare: {e.filename or ''}: {e.strerror}")
