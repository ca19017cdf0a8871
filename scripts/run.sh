#!/usr/bin/env bash
# make run: tree, kernel, tests, initramfs, boot, report.
#   MODE=idt|fred|fred-amd (default idt)
#   PLATFORM=qemu|bochs (default qemu). bochs: BOCHS=/path/to/bochs, a
#   binary built as Documentation/platforms.md says (Bochs with bochs/'s patches); its
#   wildcat_lake CPU, modes idt and fred; failures known on Bochs alone
#   are in kselftests/known-failures-bochs.
# Logs go to build/logs/<mode>/ (bochs: build/logs/bochs-<mode>/; the
# previous run's to <dir>.prev/).
. "$(dirname "$0")/lib.sh"

MODE=${MODE:-idt}
PLATFORM=${PLATFORM:-qemu}
check_choice PLATFORM "$PLATFORM" "unknown platform" qemu bochs
if [ "$PLATFORM" = qemu ]; then
	check_choice MODE "$MODE" "unknown mode" idt fred fred-amd
	logdir=$LOGS/$MODE known=$TOP/kselftests/known-failures
else
	check_choice MODE "$MODE" "not a mode Bochs runs" idt fred
	check_prog BOCHS "${BOCHS:-}" "the path of a bochs binary built as Documentation/platforms.md says"
	logdir=$LOGS/bochs-$MODE known=$TOP/kselftests/known-failures-bochs
fi
check_boot_env
export PLATFORM
t0=$SECONDS
"$TOP/scripts/tree.sh"
kernel=$("$TOP/scripts/build-kernel.sh")
[ "$MODE" = idt ] || [ "$PLATFORM" = bochs ] || "$TOP/scripts/qemu-build.sh" >/dev/null
"$TOP/scripts/build-tests.sh"
initrd=$("$TOP/scripts/initramfs.sh")
say "prepared in $((SECONDS - t0)) s"

rm -rf "$logdir.prev"
[ ! -d "$logdir" ] || mv "$logdir" "$logdir.prev"
mkdir -p "$logdir"
boot_rc=0
"$TOP/scripts/boot.sh" "$MODE" "$kernel" "$initrd" "$logdir" || boot_rc=$?
python3 "$TOP/scripts/report.py" "$MODE" "$logdir" "$TESTS/list" \
	"$known" | tee "$logdir/table.txt"
say "logs: $logdir (console.log, results.log, tests/*/*.tap); $((SECONDS - t0)) s in all"
failed=$(sed -n 's/^failed //p' "$logdir/summary")
[ "$boot_rc" = 0 ] && [ "$failed" = 0 ]
