#!/usr/bin/env python3
"""Turn one VM run's logs into per-test logs, a table and a closing line.

  report.py MODE LOGDIR LIST KNOWN_FAILURES
  report.py --console-bad CONSOLE_LOG


Reads LOGDIR/results.log (the guest runner's output, see scripts/guest-init)
and LOGDIR/console.log (the kernel). Writes LOGDIR/tests/<suite>/<name>.tap,
LOGDIR/summary ("passed N" ... lines) and prints the table.

A program that reports in TAP counts case by case, and so does a KUnit
suite ("kunit/<suite>", its subtests); any other program
counts as one: it passes when it exits 0, is skipped when it exits 4
(KSFT_SKIP) and fails otherwise (137: killed at its time limit). Failure
lines matched by KNOWN_FAILURES for this mode are known failures: reported
with their reason and not counted. Three more checks: the VM reached the
runner and finished it; the kernel console has no WARNING/BUG/Oops/panic/
stall; in fred mode, the guest saw the fred CPU flag (FRED is active).
When the console check fails, the table is followed by the console from
the first bad line on ("console| "), since CI keeps only what is printed.

With --console-bad, only that console check, for the scripts that measure
rather than test (bench.sh, ref-time.sh): prints the first bad line and
exits 0 if there is one, exits 1 if the console is clean (a console log
that is missing is no clean console: it prints that and exits 0).
Bad arguments or a missing input file stop it with one line on stderr,
exit 2.
"""
import os
import re
import sys

KSFT_SKIP = 4
# WARN(), BUG(), any die() ("Oops: 0002 [#1]", "general protection fault:
# 0000 [#1]", ...), panics, stalls. A bare "Call Trace:" is not enough:
# sysrq-l backtraces, which the NMI test asks for, print one.
CONSOLE_BAD = re.compile(
    r"WARNING:|BUG:|Oops|: [0-9a-f]{4} \[#\d+\]|Kernel panic|UBSAN:|"
    r"INFO: task .* blocked|rcu: INFO|self-detected stall|"
    r"Kernel BUG|kernel BUG|double fault|unchecked MSR access")


def load_known(path, mode):
    """{test: (regex, reason)} for this mode."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ", 3)]
            if len(parts) != 4 or parts[0] not in ("idt", "fred", "any"):
                sys.exit(f"{path}:{n}: want 'MODE | TEST | FAILURE | REASON'")
            m, test, regex, reason = parts
            # "fred" covers every FRED mode (fred, fred-amd)
            if m in (mode, "any") or (m == "fred" and mode.startswith("fred")):
                known[test] = (re.compile(regex), reason)
    return known


def failure_lines(lines):
    """The lines that say how a test program failed."""
    bad = [ln for ln in lines if re.search(r"\[FAIL\]|^not ok", ln)]
    if bad:
        return bad
    runs = [ln for ln in lines if ln.startswith("[RUN]")]
    return runs[-1:] or [ln for ln in lines if ln.strip()][-1:]


def parse_results(path):
    """Return (header, {test: (rc, secs, lines)}, done, fred_flag)."""
    header, results = None, {}
    cur, lines, done, fred_flag = None, [], False, False
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            m = re.match(r"@@FRED61 (\w+) ?(.*)$", line)
            if not m:
                if cur is not None:
                    lines.append(line)
                continue
            kind, rest = m.groups()
            if kind == "START":
                header = rest
            elif kind == "BEGIN":
                if cur is not None:  # no END: the marker was lost
                    results[cur] = ("lost", None, lines)
                cur, lines = rest.strip(), []
            elif kind == "END":
                mm = re.match(r"(\S+) rc=(\d+) secs=(\d+)", rest)
                if mm and mm.group(1) == cur:
                    results[cur] = (int(mm.group(2)), int(mm.group(3)), lines)
                    cur = None
            elif kind == "DONE":
                done = True
            elif kind == "CPUFLAG" and rest.strip() == "fred":
                fred_flag = True
    if cur is not None:
        results[cur] = (None, None, lines)
    return header, results, done, fred_flag


def cpu_line(path):
    """The guest's CPU as guest-init wrote it, or None."""
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("@@FRED61 CPU "):
                return line[len("@@FRED61 CPU "):].strip()
    return None


def skip_reason(lines):
    for ln in lines:
        m = re.search(r"(?:#\s*SKIP|\[SKIP\])\s*:?\s*(.*)", ln)
        if m:
            return m.group(1).strip() or "skipped"
    return "skipped (exit 4)"


TAP_RESULT = re.compile(r"^(not ok|ok) \d+")
TAP_SKIP = re.compile(r"#\s*SKIP", re.I)


def kunit_cases(lines):
    """A KUnit suite's KTAP: its cases are the subtest lines, indented by
    four spaces; the unindented line is the suite's own verdict, which
    the cases already make up."""
    out = [ln[4:] for ln in lines if ln.startswith("    ")]
    return out or lines


def tap_program(rc, lines, regex, reason):
    """A program that reports in TAP: every case counts on its own."""
    c = {"passed": 0, "failed": 0, "skipped": 0, "known": 0}
    bad, known_lines = [], []
    for ln in lines:
        m = TAP_RESULT.match(ln)
        if not m:
            continue
        if m.group(1) == "ok":
            c["skipped" if TAP_SKIP.search(ln) else "passed"] += 1
        elif regex and regex.search(ln):
            c["known"] += 1
            known_lines.append(ln)
        else:
            c["failed"] += 1
            bad.append(ln)
    plan = next((int(m.group(1)) for m in (re.match(r"^1\.\.(\d+)", ln) for ln in lines) if m), None)
    ran = sum(c.values())
    extra = []
    if rc == "lost":
        extra.append("its end marker never arrived (exit status unknown)")
    elif rc is None:
        extra.append("the VM died during this program")
    elif rc == 137:
        extra.append("killed at its time limit")
    elif rc not in (0, KSFT_SKIP) and not bad and not known_lines:
        extra.append(f"exit {rc} with no failed case")
    if plan is not None and ran < plan:
        extra.append(f"{plan - ran} of {plan} planned cases never reported")
    c["failed"] += len(extra)
    parts = [f"{ran} cases: {c['passed']} ok"]
    for k in ("skipped", "known", "failed"):
        if c[k]:
            parts.append(f"{c[k]} {k}")
    note = ", ".join(parts)
    if bad or extra:
        status = "FAIL"
        note += ": " + (extra + [b.strip() for b in bad])[0][:70]
    elif known_lines:
        status = "KNOWN"
        note += f" ({reason})"[:120]
    elif c["passed"] == 0 and c["skipped"]:
        status = "SKIP"
    else:
        status = "PASS"
    return status, note, c


def plain_program(rc, lines, regex, reason):
    """A program that says [OK]/[FAIL]/[SKIP]: it counts as one."""
    c = {"passed": 0, "failed": 0, "skipped": 0, "known": 0}
    if rc == "lost":
        status, note = "FAIL", "its end marker never arrived (exit status unknown)"
    elif rc is None:
        status, note = "FAIL", "the VM died during this test"
    elif rc == 0:
        status = "PASS"
        subskips = [ln for ln in lines if "[SKIP]" in ln or "# SKIP" in ln]
        note = f"{len(subskips)} case(s) skipped: {skip_reason(subskips)}" if subskips else ""
    elif rc == KSFT_SKIP:
        status, note = "SKIP", skip_reason(lines)
    else:
        status = "FAIL"
        note = "killed at its time limit" if rc == 137 else f"exit {rc}"
        note += ": " + " ".join(failure_lines(lines)[:1]).strip()[:70]
    if regex:
        evidence = failure_lines(lines)
        if status == "FAIL" and evidence and all(regex.search(ln) for ln in evidence):
            status, note = "KNOWN", reason
        elif status == "PASS":
            note = "listed as a known failure but passed: update kselftests/known-failures"
    c[{"PASS": "passed", "FAIL": "failed", "SKIP": "skipped", "KNOWN": "known"}[status]] += 1
    return status, note, c


def console_bad(path):
    """The first line of the kernel console that fails a run, or None."""
    with open(path, errors="replace") as f:
        return next((ln.rstrip() for ln in f if CONSOLE_BAD.search(ln)), None)


def console_excerpt(path, lines=60):
    """The kernel's own account of the first failure: the console from the
    first line console_bad() finds, at most LINES lines, so that a log that
    only CI saw (CI keeps stdout, not console.log) can still be read."""
    with open(path, errors="replace") as f:
        text = f.read().splitlines()
    first = next((i for i, ln in enumerate(text) if CONSOLE_BAD.search(ln)), None)
    return [] if first is None else text[first:first + lines]


def fail(msg):
    """One line on stderr, exit 2: bad arguments or a missing input."""
    print(f"report.py: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--console-bad":
        if not os.path.isfile(sys.argv[2]):
            print(f"no console log at {sys.argv[2]}")
            return
        bad = console_bad(sys.argv[2])
        if bad is None:
            sys.exit(1)
        print(bad)
        return
    if len(sys.argv) != 5:
        fail("usage: report.py MODE LOGDIR LIST KNOWN_FAILURES, or report.py --console-bad CONSOLE_LOG")
    mode, logdir, listfile, knownfile = sys.argv[1:5]
    for path, what in ((os.path.join(logdir, "results.log"), "the VM never wrote it (did it start?)"),
                       (os.path.join(logdir, "console.log"), "the VM never wrote it (did it start?)"),
                       (listfile, "no tests were built ('make tests' lists them)")):
        if not os.path.isfile(path):
            fail(f"no {path}: {what}")
    known = load_known(knownfile, mode)
    header, results, done, fred_flag = parse_results(os.path.join(logdir, "results.log"))
    with open(listfile) as f:
        planned = [ln.strip() for ln in f if ln.strip()]

    rows = []   # (test, status, secs, note)
    counts = {"passed": 0, "failed": 0, "skipped": 0, "known": 0}
    for test in planned:
        if test not in results:
            if done and header and ("fred61.only=" in header or "fred61.skip=" in header):
                continue  # filtered out in the guest on purpose
            rows.append((test, "NOTRUN", None, "the VM ended before this test"))
            counts["failed"] += 1
            continue
        rc, secs, lines = results[test]
        tapdir = os.path.join(logdir, "tests", os.path.dirname(test))
        os.makedirs(tapdir, exist_ok=True)
        with open(os.path.join(logdir, "tests", test + ".tap"), "w") as f:
            f.write("\n".join(lines) + "\n")
        regex, reason = known.get(test, (None, None))
        if test.startswith("kunit/"):
            lines = kunit_cases(lines)
        if any(TAP_RESULT.match(ln) for ln in lines):
            status, note, c = tap_program(rc, lines, regex, reason)
        else:
            status, note, c = plain_program(rc, lines, regex, reason)
        for k in c:
            counts[k] += c[k]
        rows.append((test, status, secs, note))

    # Reaching the runner and finishing it is one check, the console another.
    if header is None:
        rows.append(("kernel/boot", "FAIL", None, "the kernel never reached the test runner"))
        counts["failed"] += 1
    elif not done:
        rows.append(("kernel/boot", "FAIL", None, "the VM ended or stalled before the runner finished"))
        counts["failed"] += 1
    else:
        rows.append(("kernel/boot", "PASS", None, "booted, ran every test, powered off"))
        counts["passed"] += 1

    # A FRED-mode run that fell back to IDT is no FRED result.
    if mode.startswith("fred") and header is not None:
        if fred_flag:
            rows.append(("kernel/fred-active", "PASS", None, "fred in /proc/cpuinfo"))
            counts["passed"] += 1
        else:
            rows.append(("kernel/fred-active", "FAIL", None,
                         "no fred flag in the guest: the kernel runs on the IDT"))
            counts["failed"] += 1
        # Every CPU that came up must say it switched to FRED: the series'
        # "x86/fred: CPU<n>: FRED event delivery enabled", or 6.12's
        # "Initialize FRED on CPU<n>" for the reference kernel.
        with open(os.path.join(logdir, "console.log"), errors="replace") as f:
            text = f.read()
        cpus = re.search(r"smpboot: Total of (\d+) processors activated", text)
        fred_cpus = set(re.findall(
            r"(?:x86/fred: CPU(\d+): FRED event delivery enabled|Initialize FRED on CPU(\d+))",
            text))
        fred_cpus = {a or b for a, b in fred_cpus}
        if cpus and len(fred_cpus) == int(cpus.group(1)):
            rows.append(("kernel/fred-every-cpu", "PASS", None,
                         "FRED enabled on all %s CPUs" % cpus.group(1)))
            counts["passed"] += 1
        else:
            rows.append(("kernel/fred-every-cpu", "FAIL", None,
                         "FRED enabled on %d CPU(s) of %s" %
                         (len(fred_cpus), cpus.group(1) if cpus else "?")))
            counts["failed"] += 1

    with open(os.path.join(logdir, "console.log"), errors="replace") as f:
        bad = [ln.rstrip() for ln in f if CONSOLE_BAD.search(ln)]
    if bad:
        rows.append(("kernel/console", "FAIL", None, bad[0][:90]))
        counts["failed"] += 1
    else:
        rows.append(("kernel/console", "PASS", None, "no WARNING/BUG/Oops/panic/stall"))
        counts["passed"] += 1

    width = max(len(r[0]) for r in rows) + 2
    print(f"== {mode} mode: {header or '(runner never started)'}")
    cpu = cpu_line(os.path.join(logdir, "results.log"))
    if cpu:
        print(f"== CPU: {cpu}")
    print(f"{'TEST':<{width}}{'RESULT':<8}{'TIME':>6}  NOTE")
    for test, status, secs, note in rows:
        t = f"{secs}s" if secs is not None else "-"
        print(f"{test:<{width}}{status:<8}{t:>6}  {note}")
    if counts["skipped"]:
        print("skipped:")
        for test, status, _, note in rows:
            if status == "SKIP":
                print(f"  {test}: {note}")
    tap_skips = [(t, ln.strip()) for t in planned if t in results
                 for ln in results[t][2] if TAP_RESULT.match(ln) and TAP_SKIP.search(ln)]
    if tap_skips:
        print("skipped TAP cases:")
        for test, ln in tap_skips:
            print(f"  {test}: {ln}")
    partial = [(t, n) for t, st, _, n in rows if st == "PASS" and "case(s) skipped" in n]
    if partial:
        print("skipped cases inside passing programs:")
        for test, note in partial:
            print(f"  {test}: {note}")
    if counts["known"]:
        print(f"known failures (not counted, see kselftests/known-failures): {counts['known']}")
        for test, status, _, note in rows:
            if status != "KNOWN":
                continue
            regex, reason = known[test]
            cases = [ln.strip() for ln in results[test][2]
                     if TAP_RESULT.match(ln) and ln.startswith("not ok") and regex.search(ln)]
            print(f"  {test}: {'; '.join(cases) + ': ' if cases else ''}{reason}")
    with open(os.path.join(logdir, "summary"), "w") as f:
        for k, v in counts.items():
            f.write(f"{k} {v}\n")
    for line in console_excerpt(os.path.join(logdir, "console.log")) if bad else []:
        print("  console| " + line)
    print(f"{mode}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        fail(f"{e.filename or ''}: {e.strerror}")
