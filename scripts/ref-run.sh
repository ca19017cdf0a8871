#!/usr/bin/env bash
# make ref-run MODE=idt|fred: boot the reference kernel (make ref-kernel)
# with 6.12's own x86 selftests, 64- and 32-bit, and ours (kselftests/),
# in IDT mode (Debian's QEMU) or FRED mode (our QEMU, fred=on), and report
# like make run, against kselftests/known-failures-6.12 (and with the time
# limits of kselftests/timeouts-6.12).
# Logs go to build/logs/ref-<mode>/ (the previous run's to ref-<mode>.prev/);
# build logs to build/logs/ref/. make ref-compare sets runs side by side.
. "$(dirname "$0")/lib.sh"

MODE=${MODE:-idt}
check_choice MODE "$MODE" "unknown mode for the reference kernel" idt fred
qemu_only ref-run
check_boot_env
known=$TOP/kselftests/known-failures-6.12
[ -f "$known" ] || die "$known is missing"
logdir=$LOGS/ref-$MODE
t0=$SECONDS
ref_lock        # until the run is over: build/ref/tests and initramfs are shared
kernel=$("$TOP/scripts/ref-kernel.sh")
[ "$MODE" != fred ] || "$TOP/scripts/qemu-build.sh" >/dev/null
initrd=$("$TOP/scripts/ref-tests.sh")
say "prepared in $((SECONDS - t0)) s"

rm -rf "$logdir.prev"
[ ! -d "$logdir" ] || mv "$logdir" "$logdir.prev"
mkdir -p "$logdir"
boot_rc=0
"$TOP/scripts/boot.sh" "$MODE" "$kernel" "$initrd" "$logdir" || boot_rc=$?
python3 "$TOP/scripts/report.py" "$MODE" "$logdir" "$REF_DIR/tests/list" "$known" |
	tee "$logdir/table.txt"
say "logs: $logdir (console.log, results.log, tests/*/*.tap); $((SECONDS - t0)) s in all"
failed=$(sed -n 's/^failed //p' "$logdir/summary")
[ "$boot_rc" = 0 ] && [ "$failed" = 0 ]
