#!/usr/bin/env bash
# make run: tree, kernel, tests, initramfs, boot in QEMU, report.
#   MODE=idt|fred|fred-amd (default idt)
# Logs go to build/logs/<mode>/ (the previous run's to <mode>.prev/).
. "$(dirname "$0")/lib.sh"

MODE=${MODE:-idt}
case $MODE in
idt|fred|fred-amd) ;;
*) die "unknown MODE '$MODE' (idt, fred or fred-amd)" ;;
esac
t0=$SECONDS
"$TOP/scripts/tree.sh"
kernel=$("$TOP/scripts/build-kernel.sh")
[ "$MODE" = idt ] || "$TOP/scripts/qemu-build.sh" >/dev/null
"$TOP/scripts/build-tests.sh"
initrd=$("$TOP/scripts/initramfs.sh")
say "prepared in $((SECONDS - t0)) s"

logdir=$LOGS/$MODE
rm -rf "$logdir.prev"
[ ! -d "$logdir" ] || mv "$logdir" "$logdir.prev"
boot_rc=0
"$TOP/scripts/boot.sh" "$MODE" "$kernel" "$initrd" "$logdir" || boot_rc=$?
python3 "$TOP/scripts/report.py" "$MODE" "$logdir" "$TESTS/list" \
	"$TOP/kselftests/known-failures" | tee "$logdir/table.txt"
say "logs: $logdir (console.log, results.log, tests/*/*.tap); $((SECONDS - t0)) s in all"
failed=$(sed -n 's/^failed //p' "$logdir/summary")
[ "$boot_rc" = 0 ] && [ "$failed" = 0 ]
