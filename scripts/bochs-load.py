#!/usr/bin/env python3
"""Lay out a bzImage for Bochs, which has no -kernel option.

    bochs-load.py BZIMAGE INITRAMFS OUTDIR CMDLINE MEM_MIB

The x86 boot protocol (Documentation/x86/boot.rst) with no boot loader:
Bochs' optramimage directives place the images in RAM at power-on, and a
one-sector boot block on a floppy jumps to the kernel's real-mode setup.
Writes OUTDIR/setup.img (the setup sectors, header filled in, heap, and
the command line at 0x9e000; for 0x90000), OUTDIR/kernel.img (the
protected-mode part; for 0x100000), OUTDIR/boot.img (the floppy) and
prints the initramfs's load address.
"""
import os
import struct
import sys

SETUP_BASE = 0x90000
HEAP_END = 0xde00       # from SETUP_BASE: the setup code's heap ends here
CMDLINE_OFF = 0xe000    # the command line, 0x9e000, below the EBDA
CMDLINE_MAX = 0x800
MIB = 1 << 20


def die(msg):
    sys.exit(f"bochs-load.py: {msg}")


def main():
    if len(sys.argv) != 6:
        die("usage: bochs-load.py BZIMAGE INITRAMFS OUTDIR CMDLINE MEM_MIB")
    kernel, initrd, out, cmdline, mem = sys.argv[1:]
    if not mem.isdigit():
        die(f"MEM_MIB must be a whole number, not '{mem}'")
    mem = int(mem) * MIB
    img = bytearray(open(kernel, "rb").read())
    rd_size = os.path.getsize(initrd)
    if len(img) < 0x268 or img[0x202:0x206] != b"HdrS":
        die(f"{kernel} is not a bzImage (no HdrS header)")
    version, = struct.unpack_from("<H", img, 0x206)
    if version < 0x20a:
        die(f"{kernel}: boot protocol {version:#x}, 2.10 or later needed")
    if not img[0x211] & 0x01:
        die(f"{kernel} does not load high (LOADED_HIGH clear)")
    sects = img[0x1f1] or 4
    setup = bytearray(img[:(sects + 1) * 512])
    payload = img[(sects + 1) * 512:]
    if len(setup) > HEAP_END - 0x200:
        die(f"{kernel}: setup of {len(setup)} bytes leaves no heap")
    args = cmdline.encode() + b"\0"
    cmdline_size, = struct.unpack_from("<I", img, 0x238)
    if len(args) > min(CMDLINE_MAX, cmdline_size + 1):
        die(f"command line of {len(args) - 1} bytes is too long")

    # The initramfs goes high, as boot loaders put it: 1 MiB below the
    # end of RAM (Bochs' BIOS keeps the last 64 KiB for ACPI), clear of
    # where the kernel decompresses itself (16 MiB + init_size).
    init_size, = struct.unpack_from("<I", img, 0x260)
    rd_max, = struct.unpack_from("<I", img, 0x22c)
    rd_addr = (min(mem, rd_max + 1) - MIB - rd_size) & ~(MIB - 1)
    if rd_addr < 16 * MIB + init_size:
        die(f"{mem // MIB} MiB of RAM is too little for this kernel and initramfs")

    setup[0x210] = 0xff                     # type_of_loader: undefined
    setup[0x211] |= 0x80                    # CAN_USE_HEAP
    struct.pack_into("<I", setup, 0x218, rd_addr)
    struct.pack_into("<I", setup, 0x21c, rd_size)
    struct.pack_into("<H", setup, 0x224, HEAP_END - 0x200)
    struct.pack_into("<I", setup, 0x228, SETUP_BASE + CMDLINE_OFF)
    setup += bytes(CMDLINE_OFF - len(setup)) + args

    # The boot block: segments at the setup, stack at the heap's end,
    # then a far jump to the setup's entry (0x200 in, boot.rst 'Running
    # the kernel').
    seg = SETUP_BASE >> 4
    boot = bytes([0xfa,                                # cli
                  0xb8, seg & 0xff, seg >> 8,          # mov ax, seg
                  0x8e, 0xd8, 0x8e, 0xc0,              # mov ds/es, ax
                  0x8e, 0xe0, 0x8e, 0xe8,              # mov fs/gs, ax
                  0x8e, 0xd0,                          # mov ss, ax
                  0xbc, HEAP_END & 0xff, HEAP_END >> 8,  # mov sp, HEAP_END
                  0xea, 0x00, 0x00,                    # jmp seg+0x20:0
                  (seg + 0x20) & 0xff, (seg + 0x20) >> 8])
    floppy = bytearray(1474560)
    floppy[:len(boot)] = boot
    floppy[510:512] = b"\x55\xaa"

    open(f"{out}/setup.img", "wb").write(setup)
    open(f"{out}/kernel.img", "wb").write(payload)
    open(f"{out}/boot.img", "wb").write(floppy)
    print(f"{rd_addr:#x}")


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        die(f"{e.filename or ''}: {e.strerror}")
