#!/usr/bin/env bash
# make mitigations: the speculation mitigations, live, on the FRED paths.
#
# Boots the test kernel twice on our QEMU, on an Intel CPU that 6.1 treats
# as affected, and runs the whole suite each time: in IDT mode and in FRED
# mode (fred=on), both with pti=off (the CPU is affected by Meltdown, and
# with PTI the series leaves FRED off). Then scripts/mitigations-report.py
# lists /sys/devices/system/cpu/vulnerabilities/* of both runs side by
# side and fails when a line differs between the modes, or when the FRED
# run lacks a mitigation this run is there to exercise.
#
# The CPU: our WildcatLake model (qemu/) with the signature of an Intel
# Atom "Tremont" (family 6, model 0x96), which 6.1's tables list as
# affected by MMIO stale data and RFDS, and an IA32_ARCH_CAPABILITIES
# without its "not affected" bits and without enhanced IBRS, but with
# RSBA (so retbleed applies) and RFDS_CLEAR (VERW clears the register
# file), and without BHI_CTRL (so the kernel clears the branch history in
# software, where WildcatLake sets BHI_DIS_S). No such CPU exists: it has
# FRED so that the kernel puts IBRS on entry and exit, the branch history
# clearing loop, VERW before the return to user mode, and RSB filling
# where a FRED CPU would need none.
# Logs: build/logs/mitigations-idt/, build/logs/mitigations-fred/.
. "$(dirname "$0")/lib.sh"
qemu_only mitigations
check_boot_env

AFFECTED_CPU="WildcatLake,model=150,stepping=0,model-id=FRED test CPU (Intel Atom Tremont signature)"
for f in rdctl-no ibrs-all skip-l1dfl-vmentry mds-no pschange-mc-no taa-no \
	sbdr-ssdp-no fbsdp-no psdp-no pbrsb-no gds-no rfds-no; do
	AFFECTED_CPU+=",$f=off"
done
AFFECTED_CPU+=",rsba=on,rfds-clear=on,bhi-ctrl=off"

t0=$SECONDS
"$TOP/scripts/tree.sh"
kernel=$("$TOP/scripts/build-kernel.sh")
qemu=$("$TOP/scripts/qemu-build.sh")
"$TOP/scripts/build-tests.sh"
initrd=$("$TOP/scripts/initramfs.sh")
say "prepared in $((SECONDS - t0)) s; CPU: $AFFECTED_CPU"

rc=0
for mode in idt fred; do
	logdir=$LOGS/mitigations-$mode
	rm -rf "$logdir"
	mkdir -p "$logdir"
	boot_rc=0
	QEMU=$qemu QEMU_FRED=$qemu QEMU_CPU=$AFFECTED_CPU KERNEL_CMDLINE="pti=off ${KERNEL_CMDLINE:-}" \
		"$TOP/scripts/boot.sh" "$mode" "$kernel" "$initrd" "$logdir" || boot_rc=$?
	python3 "$TOP/scripts/report.py" "$mode" "$logdir" "$TESTS/list" \
		"$TOP/kselftests/known-failures" > "$logdir/table.txt" || true
	tail -n 1 "$logdir/table.txt" | sed "s/^$mode:/mitigations, $mode mode:/"
	[ "$boot_rc" = 0 ] || rc=1
done
python3 "$TOP/scripts/mitigations-report.py" "$LOGS/mitigations-idt" "$LOGS/mitigations-fred" |
	tee "$LOGS/mitigations.txt" || rc=1
say "logs: $LOGS/mitigations-{idt,fred}/ (table.txt, console.log), $LOGS/mitigations.txt; $((SECONDS - t0)) s in all"
for mode in idt fred; do
	[ "$(sed -n 's/^failed //p' "$LOGS/mitigations-$mode/summary" 2>/dev/null)" = 0 ] || rc=1
done
exit $rc
