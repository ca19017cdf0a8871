#!/usr/bin/env bash
# make soak [MODES="idt fred"] [SECS=600] [SEED=1 | SEEDS="1 1001"]: the
# entry paths under fire. Boots the patched kernel once per mode and seed
# with scripts/guest-soak as
# /soak, which the VM's /init (scripts/guest-init) runs instead of the
# tests: trinity (as nobody), stress-ng's signal, fault,
# exception, fork/exec, IPI and hotplug stressors, our exception fuzzer
# (entry_fuzz_64/_32) and an NMI storm together for SECS seconds, then
# checks that everything ended. scripts/soak-report.py reads the result:
# any WARN/BUG/oops/stall on the console, a hang (no progress line for
# STALL_TIMEOUT s), a lost or stuck task, a fuzzer failure, a lost NMI or a
# tainted kernel fails the run. The seed drives trinity, stress-ng and the
# fuzzers; SEED (or SEEDS) may be a list, and each mode then runs once per
# seed, seed by seed. Ends with "soak: N passed, N failed".
# Both modes run on our QEMU (make qemu), IDT mode without +fred: Debian's
# QEMU 7.2 does a user-mode far RET's pops as kernel accesses, so random
# code (ours, stress-ng's opcode stressor) with its stack pointer on an
# unmapped page makes it raise a #PF no CPU raises, and Linux oopses;
# qemu/ fixes that. make test runs it for 60 s per mode and seed, seeds 1
# and 1001 (SOAK_SECS, SOAK_SEEDS).
# Logs: build/logs/soak-<mode>/ for one seed, build/logs/soak-<mode>-<seed>/
# for each of several (console.log, results.log, table.txt, summary).
. "$(dirname "$0")/lib.sh"

MODES=${MODES:-idt fred}
SECS=${SECS:-600}
# SEEDS, else SEED: one seed or several, separated by blanks or commas.
if [ -n "${SEEDS:-}" ]; then check_seeds SEEDS "$SEEDS"; else check_seeds SEED "${SEED:-1}"; fi
read -r -a seeds <<< "$(tr ',' ' ' <<< "${SEEDS:-${SEED:-1}}")"
check_int SECS "$SECS" 1
read -r -a modes <<< "$MODES"
[ ${#modes[@]} -gt 0 ] || bad_value MODES "$MODES" "no mode" "idt, fred or fred-amd, or several"
for m in "${modes[@]}"; do
	case $m in
	idt|fred|fred-amd) ;;
	*) bad_value MODES "$MODES" "unknown mode '$m'" "idt, fred or fred-amd, or several" ;;
	esac
done
qemu_only soak
check_boot_env

t0=$SECONDS
"$TOP/scripts/deps.sh" soak
"$TOP/scripts/tree.sh"
kernel=$("$TOP/scripts/build-kernel.sh")
qemu=$("$TOP/scripts/qemu-build.sh")
"$TOP/scripts/build-tests.sh"
for t in x86/entry_fuzz_64 x86/entry_fuzz_32; do
	grep -qx "$t" "$TESTS/list" || die "$t was not built: the series' selftests patch carries it ('make tests-patch')"
done
initrd=$(FRED61_INITRAMFS=$BUILD/initramfs-soak FRED61_SOAK=$TOP/scripts/guest-soak \
	FRED61_EXTRA_PROGS="/usr/bin/trinity /usr/bin/stress-ng" "$TOP/scripts/initramfs.sh")
say "prepared in $((SECONDS - t0)) s; soaking $SECS s per mode and seed: $MODES; seed ${seeds[*]}"

# One seed keeps the old place, soak-<mode>/; several get soak-<mode>-<seed>/.
multi=
[ ${#seeds[@]} = 1 ] || multi=1
passed=0 failed=0
for mode in $MODES; do
	for seed in "${seeds[@]}"; do
		logdir=$LOGS/soak-$mode${multi:+-$seed}
		rm -rf "$logdir"
		mkdir -p "$logdir"
		boot_rc=0
		# A progress line comes every 30 s; the end waits up to 180 s per task.
		QEMU=$qemu QEMU_FRED=$qemu MEM=${MEM:-4G} BOOT_TIMEOUT=300 \
		STALL_TIMEOUT=${STALL_TIMEOUT:-600} KERNEL_CMDLINE="fred61.soak=$SECS fred61.seed=$seed" \
			"$TOP/scripts/boot.sh" "$mode" "$kernel" "$initrd" "$logdir" || boot_rc=$?
		python3 "$TOP/scripts/soak-report.py" "$mode" "$logdir" "$boot_rc" | tee "$logdir/table.txt" || true
		[ -f "$logdir/summary" ] || printf 'passed 0\nfailed 1\n' > "$logdir/summary"
		passed=$((passed + $(awk '$1 == "passed" { print $2 }' "$logdir/summary")))
		failed=$((failed + $(awk '$1 == "failed" { print $2 }' "$logdir/summary")))
	done
done
say "logs: $LOGS/soak-<mode>${multi:+-<seed>}/; $((SECONDS - t0)) s in all"
echo "soak: $passed passed, $failed failed"
[ "$failed" = 0 ]
