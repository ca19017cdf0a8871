#!/usr/bin/env python3
"""make bench's table: entry_bench's figures from every run, side by side.

    bench-report.py OUTDIR [PNG]

OUTDIR holds one directory per boot, named <config>-<n> (vanilla-1,
idt-1, fred-1, old-idt-1, old-fred-1, ref-idt-1, ref-fred-1, ...; the
old-* ones, another build of the patched kernel, only with BEFORE=), each with the results.log that
scripts/boot.sh wrote; <config>-smp-<n> are the boots on 2 vCPUs without
-icount, whose cases are marked "*" (host nanoseconds, not instructions),
and whose ipi.log (tools/ipi_plugin.c) gives the same cases counted in
kernel instructions, unmarked. For every case and configuration the table gives
the median over the runs of each run's median batch, and the ratios
patched-IDT / vanilla, FRED / IDT and, for the reference kernel, its
FRED / IDT. The last column is the run-to-run spread: the largest
(max - min) / median over the runs of any configuration, in percent.
Then the CPU vulnerabilities whose mitigation differs between the
configurations (entry_bench's "vuln" lines, from the first run of each).
With PNG, also draws the ratios as bars (needs matplotlib).

Then the costly instructions: where a one-vCPU boot has serial.log
(tools/serial_plugin.c's reports, one per entry_bench case, in the order
of the "serial <case> <round trips>" lines of results.log), the
serializing ones (IRET, WRMSR, MOV to CR3/CR4, ...) and the other
microcoded ones (SWAPGS, SYSRET, VERW, ERETU, LFENCE, ...) the kernel ran
per round trip, median over the runs, and which they were.
"""
import os
import re
import statistics
import sys

CONFIGS = ["vanilla", "idt", "fred", "old-idt", "old-fred", "ref-idt",
           "ref-fred"]
TITLES = {"vanilla": "vanilla", "idt": "IDT", "fred": "FRED",
          "old-idt": "old IDT", "old-fred": "old FRED",
          "ref-idt": "6.12 IDT", "ref-fred": "6.12 FRED"}
RATIOS = [("IDT/van", "idt", "vanilla"), ("oldI/van", "old-idt", "vanilla"),
          ("FRED/IDT", "fred", "idt"), ("old F/I", "old-fred", "old-idt"),
          ("6.12 F/I", "ref-fred", "ref-idt")]


def read_runs(outdir):
    """{config: {case: [median of run 1, run 2, ...]}}, the case order,
    and {config: {vulnerability: state}}."""
    data, order, vulns = {}, [], {}
    run_re = re.compile(r"^(.*?)(-smp)?-(\d+)$")
    for name in sorted(os.listdir(outdir), key=lambda n: (len(n), n)):
        m = run_re.match(name)
        path = os.path.join(outdir, name, "results.log")
        if not m or m.group(1) not in CONFIGS or not os.path.isfile(path):
            continue
        cfg = data.setdefault(m.group(1), {})
        vul = vulns.setdefault(m.group(1), {})
        with open(path, errors="replace") as f:
            for line in f:
                w = line.split()
                if m.group(2) and w and w[0] in ("cpu", "vuln"):
                    pass  # the icount boots say what the kernel runs with
                elif len(w) >= 2 and w[0] == "cpu":
                    vul.setdefault("(cpu vendor)", " ".join(w[1:]))
                elif len(w) >= 2 and w[0] == "vuln":
                    vul.setdefault(w[1], " ".join(w[2:]))
                elif len(w) == 7 and w[0] == "bench":
                    case = w[1] + ("*" if m.group(2) else "")
                    if case not in order:
                        order.append(case)
                    cfg.setdefault(case, []).append(float(w[2]))
        if m.group(2):
            for case, per in read_ipi(outdir, name).items():
                if case not in order:
                    order.insert(first_starred(order), case)
                cfg.setdefault(case, []).append(per)
    return data, order, vulns


def first_starred(order):
    """Where a counted case goes: before the host-clock ones."""
    return next((i for i, c in enumerate(order) if c.endswith("*")), len(order))


def read_ipi(outdir, name):
    """{case: kernel instructions per round trip} of a two-vCPU boot with
    ipi.log (tools/ipi_plugin.c): per report, the most frequent excursion
    length of each vCPU, summed (the caller's system call and the IPI it
    sends), for the window of the same rank in results.log. A report
    where either vCPU's most frequent length covers under half of its
    excursions is no count of the path and fails the report."""
    log = os.path.join(outdir, name, "ipi.log")
    res = os.path.join(outdir, name, "results.log")
    if not os.path.isfile(log):
        return {}
    with open(res, errors="replace") as f:
        windows = [w[1] for w in (line.split() for line in f)
                   if len(w) == 3 and w[0] == "serial"]
    with open(log, errors="replace") as f:
        reports = [w[2:] for w in (line.split() for line in f)
                   if len(w) >= 3 and w[0] == "ipi"]
    if len(reports) != len(windows):
        sys.exit(f"bench-report.py: {name}: {len(reports)} IPI plugin reports "
                 f"for {len(windows)} entry_bench windows")
    out = {}
    for case, fields in zip(windows, reports):
        total = 0
        for fld in fields:
            vcpu, val = fld.split("=", 1)
            length, rest = val.split(":", 1)
            hits, excursions = (int(x) for x in rest.split("/", 1))
            if hits * 2 < excursions:
                sys.exit(f"bench-report.py: {name}: {case} {vcpu}: the most "
                         f"frequent excursion, {length} instructions, is "
                         f"{hits} of {excursions}: no steady path to count")
            total += int(length)
        out[case] = float(total)
    return out


def read_serial(outdir):
    """{config: {case: {kind: [per round trip, run 1, run 2, ...]}}} and
    {kind: "serializing" or "costly"}, from the one-vCPU boots."""
    data, kinds = {}, {}
    run_re = re.compile(r"^(.*?)-(\d+)$")
    for name in sorted(os.listdir(outdir), key=lambda n: (len(n), n)):
        m = run_re.match(name)
        log = os.path.join(outdir, name, "serial.log")
        res = os.path.join(outdir, name, "results.log")
        if (not m or m.group(1) not in CONFIGS or "-smp-" in name
                or not os.path.isfile(log) or not os.path.isfile(res)):
            continue
        windows = []
        with open(res, errors="replace") as f:
            for line in f:
                w = line.split()
                if len(w) == 3 and w[0] == "serial":
                    windows.append((w[1], int(w[2])))
        reports = []
        with open(log, errors="replace") as f:
            for line in f:
                w = line.split()
                if w and w[0] == "serial-kinds":
                    kinds.update(x.split("=", 1) for x in w[1:])
                elif len(w) >= 2 and w[0] == "serial":
                    reports.append({k: int(v) for k, v in
                                    (x.split("=", 1) for x in w[2:])})
        if len(reports) != len(windows):
            sys.exit(f"bench-report.py: {name}: {len(reports)} plugin reports "
                     f"for {len(windows)} entry_bench windows")
        cfg = data.setdefault(m.group(1), {})
        for (case, trips), counts in zip(windows, reports):
            per = cfg.setdefault(case, {})
            for k, v in counts.items():
                per.setdefault(k, []).append(v / trips)
    return data, kinds


def print_serial(outdir, configs, order):
    data, kinds = read_serial(outdir)
    configs = [c for c in configs if c in data]
    if not configs:
        return
    med = {}
    for c in configs:
        for case, per in data[c].items():
            for k, runs in per.items():
                med[c, case, k] = statistics.median(runs)

    def total(c, case, group):
        ks = [k for k, g in kinds.items() if g == group]
        if not any((c, case, k) in med for k in ks):
            return None
        return sum(med.get((c, case, k), 0.0) for k in ks)

    cases = [c for c in order if not c.endswith("*")]
    for group, title in (("serializing", "serializing instructions"),
                         ("costly", "other microcoded instructions")):
        print(f"\n{title} the kernel runs per round trip "
              "(tools/serial_plugin.c; median over the runs):")
        print(f"{'case':<12}" + "".join(f"{TITLES[c]:>11}" for c in configs))
        for case in cases:
            vals = [total(c, case, group) for c in configs]
            print(f"{case:<12}" + "".join(
                f"{'-' if v is None else f'{v:.2f}':>11}" for v in vals))
    print("\nwhich (per round trip, kinds under 0.01 left out):")
    for case in cases:
        print(f"  {case}:")
        for c in configs:
            parts = [f"{k} {med[c, case, k]:.2f}" for k in kinds
                     if med.get((c, case, k), 0.0) >= 0.005]
            print(f"    {TITLES[c]:<10} {', '.join(parts) or 'none'}")


def fmt(x):
    return "-" if x is None else f"{x:.0f}"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: bench-report.py OUTDIR [PNG]")
    outdir = sys.argv[1]
    if not os.path.isdir(outdir):
        sys.exit(f"bench-report.py: no directory {outdir} (make bench writes it)")
    data, order, vulns = read_runs(outdir)
    if not order:
        sys.exit(f"bench-report.py: no entry_bench figures under {outdir}")
    configs = [c for c in CONFIGS if c in data]
    ratios = [r for r in RATIOS if r[1] in data and r[2] in data]

    med = {}
    spread = {}
    for case in order:
        worst = None
        for c in configs:
            runs = data[c].get(case)
            if not runs:
                continue
            m = statistics.median(runs)
            med[c, case] = m
            s = (max(runs) - min(runs)) / m * 100 if m else 0.0
            worst = s if worst is None else max(worst, s)
        spread[case] = worst

    head = f"{'case':<12}" + "".join(f"{TITLES[c]:>11}" for c in configs)
    head += "".join(f"{r[0]:>10}" for r in ratios) + f"{'spread':>8}"
    print(head)
    rows = []
    for case in order:
        line = f"{case:<12}" + "".join(f"{fmt(med.get((c, case))):>11}" for c in configs)
        vals = []
        for _, a, b in ratios:
            x, y = med.get((a, case)), med.get((b, case))
            v = x / y if x is not None and y else None
            vals.append(v)
            line += f"{'-' if v is None else f'{v:.4f}':>10}"
        sp = spread[case]
        line += f"{'-' if sp is None else f'{sp:.2f}%':>8}"
        rows.append((case, vals))
        print(line)
    nruns = {c: max(len(v) for v in data[c].values()) for c in configs}
    print("runs: " + ", ".join(f"{TITLES[c]} {nruns[c]}" for c in configs))
    print("units: guest instructions per round trip (-icount shift=0, 1 vCPU)")
    if any(c.endswith("*") for c in order):
        print("  but membarrier (2 vCPUs, tools/ipi_plugin.c): kernel instructions"
              " per round trip on both vCPUs, the system call's and the IPI's"
              " most frequent lengths")
        print("*: host nanoseconds per round trip, 2 vCPUs without -icount"
              " (noisy: see the spread)")

    names = sorted({v for c in configs for v in vulns.get(c, {})})
    differ = [v for v in names
              if len({vulns.get(c, {}).get(v, "-") for c in configs}) > 1]
    if differ:
        print("\nCPU vendor and mitigations that differ:")
        for v in differ:
            print(f"  {v}:")
            for c in configs:
                print(f"    {TITLES[c]:<10} {vulns.get(c, {}).get(v, '-')}")
    elif names:
        print(f"mitigations: the same {len(names)} states in every configuration")

    print_serial(outdir, configs, order)

    if len(sys.argv) == 3 and ratios:
        plot(sys.argv[2], rows, ratios)


def plot(png, rows, ratios):
    """Left: patched IDT against vanilla, in percent, with the +-0.5%
    band; right: FRED against IDT, ours and 6.12's, in percent. Only the
    instruction-counted cases: the host-clock ones ("*") are noise that
    would set the scale."""
    rows = [r for r in rows if not r[0].endswith("*")]
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    panels = [[i for i, r in enumerate(ratios) if r[0].endswith("/van")],
              [i for i, r in enumerate(ratios) if not r[0].endswith("/van")]]
    panels = [p for p in panels if p]
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5),
                             squeeze=False)
    names = [r[0] for r in rows]
    for ax, idx in zip(axes[0], panels):
        width = 0.8 / len(idx)
        for k, i in enumerate(idx):
            xs = [n + k * width for n in range(len(rows))]
            ys = [(r[1][i] - 1) * 100 if r[1][i] is not None else 0
                  for r in rows]
            ax.bar(xs, ys, width, label=ratios[i][0])
        ax.axhline(0, color="black", linewidth=0.8)
        if ratios[idx[0]][0].endswith("/van"):
            ax.axhspan(-0.5, 0.5, color="grey", alpha=0.25, label="+-0.5%")
            ax.set_title("patched 6.1, FRED off, against vanilla 6.1.170")
        else:
            ax.set_title("FRED mode against IDT mode, same kernel")
        ax.set_xticks([n + width * (len(idx) - 1) / 2 for n in range(len(rows))])
        ax.set_xticklabels(names, rotation=30, ha="right")
        ax.set_ylabel("change in guest instructions per round trip, %")
        ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=100, metadata={"Software": None})

if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit(f"bench-report.py: {e.filename or ''}: {e.strerror}")
