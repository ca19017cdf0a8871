#!/usr/bin/env python3
"""Read one soak run (make soak) and say whether the kernel survived it.

  soak-report.py MODE LOGDIR BOOT_RC

LOGDIR holds results.log (scripts/guest-soak's "@@SOAK" lines) and
console.log. Prints the measured numbers (duration, trinity's system
calls, the fuzzer's events and their vectors, NMIs, stress-ng's bogo ops)
and one row per check, writes LOGDIR/summary ("passed N", "failed N") and
exits 1 if a check failed. A run that left no results.log or console.log
(the VM never started) is read as an empty one, and fails. Bad arguments
or no LOGDIR stop it with one line on stderr, exit 2.
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import console_bad, console_excerpt  # noqa: E402  (one console rule for all runs)

TAP_NOT_OK = re.compile(r"^not ok \d+")
FUZZ_TOTAL = re.compile(r"^# (\d+) iterations, (\d+) signals in ([\d.]+) s")
FUZZ_EVENT = re.compile(r"^#\s{2,}(\S+)\s+(\d+)$")
TRINITY_RAN = re.compile(r"Ran (\d+) syscalls\. Successes: (\d+)\s+Failures: (\d+)")
STRESS_FAILED = re.compile(r"stress-ng: \w+:\s+\[\d+\] failed: (\d+)")
STRESS_METRIC = re.compile(r"stress-ng: metrc:\s+\[\d+\]\s+([a-z][\w-]*)\s+(\d+)\s+[\d.]+")


def parse(path):
    soak, logs, exits, ps = {}, collections.defaultdict(list), {}, []
    flags = {"start": False, "done": False, "fred": False}
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if line.startswith("@@FRED61 START"):
                flags["start"] = True
            elif line.startswith("@@FRED61 DONE"):
                flags["done"] = True
            elif line.startswith("@@FRED61 CPUFLAG fred"):
                flags["fred"] = True
            elif line.startswith("@@SOAK log "):
                name, _, text = line[len("@@SOAK log "):].partition(": ")
                logs[name].append(text)
            elif line.startswith("@@SOAK exit "):
                parts = line.split()
                exits[parts[2]] = parts[3] if len(parts) > 3 else "?"
            elif line.startswith("@@SOAK ps "):
                ps.append(line[len("@@SOAK ps "):])
            elif line.startswith("@@SOAK "):
                key, _, value = line[len("@@SOAK "):].partition(" ")
                soak[key] = value
    return flags, soak, logs, exits, ps


def num(d, k, default=-1):
    try:
        return int(d.get(k, default))
    except ValueError:
        return default


def fuzz_numbers(lines):
    total, mix = None, collections.OrderedDict()
    for ln in lines:
        m = FUZZ_TOTAL.match(ln)
        if m:
            total = (int(m.group(1)), int(m.group(2)), float(m.group(3)))
            continue
        m = FUZZ_EVENT.match(ln)
        if m and total is not None:
            mix[m.group(1)] = int(m.group(2))
    return total, mix


def fail(msg):
    print(f"soak-report.py: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) != 4:
        fail("usage: soak-report.py MODE LOGDIR BOOT_RC")
    mode, logdir, boot_rc = sys.argv[1], sys.argv[2], sys.argv[3]
    if not os.path.isdir(logdir):
        fail(f"no directory {logdir}")
    results = os.path.join(logdir, "results.log")
    for path in (results, os.path.join(logdir, "console.log")):
        if not os.path.exists(path):
            open(path, "w").close()
    flags, soak, logs, exits, ps = parse(results)
    rows = []

    def check(name, ok, detail):
        rows.append(("PASS" if ok else "FAIL", name, detail))

    check("soak/finished", flags["done"] and boot_rc == "0",
          "the VM ran the soak and powered off" if flags["done"] else
          "the VM did not finish (boot.sh status %s): hang or crash, see console.log" % boot_rc)
    check("soak/mode", flags["fred"] == mode.startswith("fred"),
          "FRED %s, as asked" % ("on" if flags["fred"] else "off"))
    bad = console_bad(os.path.join(logdir, "console.log"))
    check("kernel/console", bad is None, bad[:90] if bad else "no WARNING/BUG/Oops/panic/stall/hung task")
    # KUnit taints the kernel at boot (TAINT_TEST): only what the soak adds counts.
    tainted, tainted0 = num(soak, "tainted"), num(soak, "tainted_start")
    check("kernel/tainted", tainted >= 0 and tainted == tainted0,
          "taint flags %d before, %d after" % (tainted0, tainted))

    trinity = [TRINITY_RAN.search(ln) for ln in logs["trinity"]]
    trinity = [m for m in trinity if m]
    calls = int(trinity[-1].group(1)) if trinity else 0
    check("trinity", exits.get("trinity") not in (None, "timeout") and calls > 0,
          "%d system calls (%s successes, %s failures); exit %s" %
          (calls, trinity[-1].group(2) if trinity else "?", trinity[-1].group(3) if trinity else "?",
           exits.get("trinity")))

    stress = logs["stress"] + logs["stress-exec"]
    failed_stressors = [int(m.group(1)) for m in map(STRESS_FAILED.search, stress) if m]
    metrics = collections.OrderedDict()
    for m in map(STRESS_METRIC.search, stress):
        if m:
            metrics[m.group(1)] = int(m.group(2))
    check("stress-ng", exits.get("stress-ng") == "0" and exits.get("stress-ng-exec") == "0" and
          not any(failed_stressors),
          "%d stressors, %d bogo ops; exit %s (as root), %s (exec, as nobody)" %
          (len(metrics), sum(metrics.values()), exits.get("stress-ng"), exits.get("stress-ng-exec")))

    fuzz = {}
    for b in ("64", "32"):
        lines = logs["fuzz" + b]
        total, mix = fuzz_numbers(lines)
        fuzz[b] = (total, mix)
        not_ok = [ln for ln in lines if TAP_NOT_OK.match(ln)]
        check("entry_fuzz_" + b, exits.get("entry_fuzz_" + b) == "0" and total is not None and not not_ok,
              not_ok[0][:90] if not_ok else
              "%d iterations, %d signals" % (total[0], total[1]) if total else "no result")

    sent, handled, lost, nested = (num(soak, "nmi_" + k) for k in ("sent", "handled", "lost", "nested"))
    nmis = num(soak, "nmis_proc_interrupts")
    check("nmi-storm", exits.get("nmi-storm") == "0" and nmis > 0 and lost == 0 and nested == 0,
          "%d NMIs (/proc/interrupts); module: %d sent, %d handled, %d lost, %d nested" %
          (nmis, sent, handled, lost, nested))

    stuck = [k for k, v in exits.items() if v == "timeout"]
    left, dstate = num(soak, "tasks_left"), num(soak, "tasks_D")
    check("tasks", not stuck and left == 0 and dstate == 0,
          "every task ended" if not stuck and left == 0 and dstate == 0 else
          "did not end: %s; %d left, %d in D state" % (" ".join(stuck) or "-", left, dstate))

    print("soak %s: %s s on %s CPUs, seed %s" % (mode, soak.get("duration", "?"), soak.get("cpus", "?"),
                                                 "?" if "seed" not in soak else soak["seed"]))
    print("  trinity:     %d system calls" % calls)
    for b in ("64", "32"):
        total, mix = fuzz[b]
        if total:
            print("  entry_fuzz_%s: %d iterations, %d signals in %.0f s" % (b, total[0], total[1], total[2]))
            print("    " + ", ".join("%s %d" % kv for kv in mix.items()))
    print("  NMIs:        %d delivered (/proc/interrupts), %d from the storm module, %s storm rounds" %
          (nmis, handled, soak.get("storm_rounds", "?")))
    if metrics:
        print("  stress-ng:   " + ", ".join("%s %d" % kv for kv in metrics.items()))
    for status, name, detail in rows:
        print("  %-4s  %-16s %s" % (status, name, detail))
    for line in ps:
        print("  ps: " + line)
    for line in console_excerpt(os.path.join(logdir, "console.log")) if bad else []:
        print("  console| " + line)
    npass = sum(1 for r in rows if r[0] == "PASS")
    nfail = len(rows) - npass
    with open(os.path.join(logdir, "summary"), "w") as f:
        f.write("passed %d\nfailed %d\n" % (npass, nfail))
    print("soak %s: %d passed, %d failed" % (mode, npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        fail(f"{e.filename or ''}: {e.strerror}")
