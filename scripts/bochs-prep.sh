#!/usr/bin/env bash
# For boot.sh with PLATFORM=bochs: the images and the bochsrc that boot
# the kernel with the initramfs on Bochs' wildcat_lake CPU (Intel: FRED,
# LKGS, CET, VMX). Bochs has no -kernel option and needs no boot loader:
# bochs-load.py lays the kernel out for its optramimage directives (which
# need bochs/0006) and a one-sector floppy starts it.
#   bochs-prep.sh BZIMAGE INITRAMFS LOGDIR CMDLINE
# Writes LOGDIR/bochsrc (serial ports to LOGDIR/console.log and
# LOGDIR/results.log, as boot.sh expects) and the images it names into
# LOGDIR/images/, and prints the bochsrc's path. BOCHS_CPUS: the CPU
# count (default 1), BOCHS_MEM: megabytes (default 2048, as QEMU's),
# BOCHS_IPS: the instructions per emulated second (default 100000000).
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || die "usage: bochs-prep.sh BZIMAGE INITRAMFS LOGDIR CMDLINE"
kernel=$1 initrd=$2 logdir=$3 cmdline=$4
cpus=${BOCHS_CPUS:-1} mem=${BOCHS_MEM:-2048} ips=${BOCHS_IPS:-100000000}
check_int BOCHS_CPUS "$cpus" 1
check_int BOCHS_IPS "$ips" 1
# Bochs' i440FX puts its PCI hole at 3 GiB (lib.sh's check_boot_env too).
check_int BOCHS_MEM "$mem" 1 3072
[ -f "$kernel" ] || die "no kernel image at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd"
case $logdir$kernel$initrd in
*[\ ,\"]*) die "paths with spaces, commas or quotes cannot go into a bochsrc: $logdir" ;;
esac

images=$logdir/images
rm -rf "$images"
mkdir -p "$images"
rd_addr=$(python3 "$TOP/scripts/bochs-load.py" "$kernel" "$initrd" "$images" "$cmdline" "$mem") ||
	die "could not lay out $kernel for Bochs"
cp "$initrd" "$images/initrd.img"

cat > "$logdir/bochsrc" <<RC
# Written by scripts/bochs-prep.sh.
romimage: file=\$BXSHARE/BIOS-bochs-latest
vgaromimage: file=\$BXSHARE/VGABIOS-lgpl-latest.bin
display_library: nogui
cpu: model=wildcat_lake, count=$cpus, ips=$ips, reset_on_triple_fault=0, ignore_bad_msrs=1, msrs="$TOP/bochs/msrs"
memory: guest=$mem, host=$mem
optramimage1: file=$images/setup.img, address=0x90000
optramimage2: file=$images/kernel.img, address=0x100000
optramimage3: file=$images/initrd.img, address=$rd_addr
clock: sync=none, time0=local
floppya: 1_44=$images/boot.img, status=inserted
boot: floppy
com1: enabled=1, mode=file, dev=$logdir/console.log
com2: enabled=1, mode=file, dev=$logdir/results.log
log: $logdir/bochs-events.log
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
RC
echo "$logdir/bochsrc"
