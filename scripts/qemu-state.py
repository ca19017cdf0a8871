#!/usr/bin/env python3
"""What each vCPU of a QEMU that seems hung is doing, from its monitor.

    qemu-state.py SOCKET NCPUS OUTFILE

SOCKET is the unix socket of QEMU's human monitor (boot.sh starts QEMU
with one). Writes "info registers" of every vCPU and "info lapic" of every
local APIC to OUTFILE, then prints one line per vCPU: its RIP, whether it
is halted (HLT), in an interrupt shadow (II) and takes interrupts (IF), and
its APIC's task priority and the vectors in service (ISR) and pending
(IRR). A vCPU that sits halted with IF set and a vector pending in IRR has
lost its wake-up; one whose ISR holds a vector no handler ended blocks
every vector of that priority and below.
"""
import re
import socket
import sys
import time

PROMPT = b"(qemu) "


def usage(msg):
    sys.exit(f"qemu-state.py: {msg} (usage: qemu-state.py SOCKET NCPUS OUTFILE)")


def read_prompt(sock, limit=10.0):
    data = b""
    end = time.monotonic() + limit
    while not data.endswith(PROMPT):
        if time.monotonic() > end:
            raise TimeoutError("no monitor prompt")
        sock.settimeout(max(0.1, end - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("monitor closed")
        data += chunk
    return data[: -len(PROMPT)].decode(errors="replace")


def ask(sock, cmd):
    sock.sendall(cmd.encode() + b"\n")
    out = read_prompt(sock)
    # The monitor echoes the command first, a character at a time with
    # terminal escapes, on a line of its own.
    lines = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).splitlines()
    return "\n".join(lines[1:]).strip("\n")


def main():
    if len(sys.argv) != 4:
        usage("three arguments")
    path, ncpus, outfile = sys.argv[1:]
    if not ncpus.isdigit() or int(ncpus) < 1:
        usage(f"NCPUS must be a positive number, not '{ncpus}'")
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        read_prompt(sock)
        dumps = []
        for cpu in range(int(ncpus)):
            ask(sock, f"cpu {cpu}")
            regs = ask(sock, "info registers")
            lapic = ask(sock, "info lapic")
            dumps.append((cpu, regs, lapic))
    except (OSError, TimeoutError, ConnectionError) as e:
        sys.exit(f"qemu-state.py: cannot read QEMU's monitor at {path}: {e}")
    with open(outfile, "w") as f:
        for cpu, regs, lapic in dumps:
            f.write(f"=== vCPU {cpu}: info registers\n{regs}\n")
            f.write(f"=== vCPU {cpu}: info lapic\n{lapic}\n")
    for cpu, regs, lapic in dumps:
        def field(pat, text, default="?"):
            m = re.search(pat, text, re.M)
            return m.group(1) if m else default
        rip = field(r"RIP=([0-9a-f]+)", regs)
        hlt = field(r"HLT=(\d)", regs)
        ii = field(r"II=(\d)", regs)
        efl = field(r"RFL=([0-9a-f]+)", regs)
        iflag = "?" if efl == "?" else str((int(efl, 16) >> 9) & 1)
        tpr = field(r"TPR\s+([0-9a-fx]+)", lapic)
        isr = field(r"^ISR\s*(.*)$", lapic, "").strip() or "-"
        irr = field(r"^IRR\s*(.*)$", lapic, "").strip() or "-"
        print(f"vCPU {cpu}: RIP {rip} HLT={hlt} II={ii} IF={iflag} TPR {tpr} ISR {isr} IRR {irr}")


if __name__ == "__main__":
    main()
