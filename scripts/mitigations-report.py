#!/usr/bin/env python3
"""make mitigations' verdict: the speculation mitigations of two runs on
the same CPU, IDT mode and FRED mode, side by side.

    mitigations-report.py IDT_LOGDIR FRED_LOGDIR

Reads the "@@FRED61 VULN name: text" lines that guest-init writes from
/sys/devices/system/cpu/vulnerabilities/. Fails when the two runs did not
see the same CPU, when a file's text differs between the modes (a
mitigation the IDT paths get and the FRED paths do not), or when the FRED
run lacks one of the mitigations that make mitigations is there to run
live (LIVE below). Writes "passed N / failed N" to FRED_LOGDIR/../
mitigations.summary for make test's totals.
"""
import os
import re
import sys

# What the affected CPU model must make the kernel apply, and where each
# runs: a regular expression per vulnerabilities file.
LIVE = [
    ("spectre_v2", r"Mitigation: IBRS\b", "IBRS on every entry and exit"),
    ("spectre_v2", r"RSB filling", "RSB filling on context switch"),
    ("spectre_v2", r"BHI: SW loop", "branch history cleared on system call entry"),
    ("retbleed", r"Mitigation: IBRS", "retbleed: IBRS"),
    ("mds", r"Mitigation: Clear CPU buffers", "VERW before the return to user mode"),
    ("mmio_stale_data", r"Mitigation: Clear CPU buffers", "MMIO stale data: VERW"),
    ("reg_file_data_sampling", r"Mitigation: Clear Register File", "RFDS: VERW"),
    ("l1tf", r"Mitigation: PTE Inversion", "L1TF: PTE inversion"),
    ("spec_store_bypass", r"Mitigation: Speculative Store Bypass disabled", "SSBD"),
]


def read_run(logdir):
    cpu, vulns = None, {}
    path = os.path.join(logdir, "results.log")
    if not os.path.exists(path):
        return cpu, vulns
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("@@FRED61 CPU "):
                cpu = line[len("@@FRED61 CPU "):].strip()
            m = re.match(r"@@FRED61 VULN ([^:]+): (.*)$", line)
            if m:
                vulns[m.group(1)] = m.group(2).strip()
    return cpu, vulns


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mitigations-report.py IDT_LOGDIR FRED_LOGDIR")
    idt_dir, fred_dir = sys.argv[1:3]
    idt_cpu, idt = read_run(idt_dir)
    fred_cpu, fred = read_run(fred_dir)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
        if ok:
            passed += 1
        else:
            failed += 1

    print(f"IDT mode CPU:  {idt_cpu}")
    print(f"FRED mode CPU: {fred_cpu}")
    names = sorted(set(idt) | set(fred))
    width = max([len(n) for n in names] + [4]) + 2
    print()
    print(f"{'FILE':<{width}}IDT mode | FRED mode (\"=\": the same)")
    for n in names:
        a, b = idt.get(n, "(missing)"), fred.get(n, "(missing)")
        print(f"{n:<{width}}{a}" + ("  | =" if a == b else f"  | {b}"))
    print()
    check(idt_cpu is not None and idt_cpu == fred_cpu, "the same CPU in both runs")
    check(bool(names), "the kernel listed its vulnerabilities")
    diff = [n for n in names if idt.get(n) != fred.get(n)]
    check(not diff, "every vulnerabilities file reads the same in IDT and FRED mode"
          + (f" (differs: {', '.join(diff)})" if diff else ""))
    for name, regex, what in LIVE:
        text = fred.get(name, "")
        check(re.search(regex, text) is not None,
              f"FRED mode, {what}: {name} says \"{text or '(missing)'}\"")

    out = os.path.join(os.path.dirname(os.path.abspath(fred_dir)), "mitigations.summary")
    with open(out, "w") as f:
        f.write(f"passed {passed}\nfailed {failed}\nskipped 0\nknown 0\n")
    print(f"mitigations: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit(f"mitigations-report.py: {e.filename or ''}: {e.strerror}")
