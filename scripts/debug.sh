#!/usr/bin/env bash
# make debug [MODE=fred|idt|fred-amd] [SECS=120]: the series on a debug
# kernel, the configuration in which entry-code bugs show first: the test
# kernel (configs/*.config) plus configs/variants/debug.config (lockdep
# with PROVE_LOCKING and PROVE_RCU, DEBUG_IRQFLAGS, RCU_EQS_DEBUG,
# DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT, generic KASAN). Builds it apart, in
# build/kbuild-debug (tests in build/tests-debug), runs the suite in MODE
# (default fred), then a soak of SECS seconds (seed 1) in the same mode.
# A lockdep splat or a KASAN report fails the run as any WARNING/BUG does.
# Logs: build/logs/debug/<mode>/ and build/logs/debug/soak-<mode>/.
# Not in make test: a KASAN and lockdep kernel is a second full kernel
# build on top of CI's (Documentation/results.md, "The configurations distros build",
# has what ran and how long it took).
. "$(dirname "$0")/lib.sh"

MODE=${MODE:-fred}
SECS=${SECS:-120}
check_choice MODE "$MODE" "unknown mode" idt fred fred-amd
check_int SECS "$SECS" 1
qemu_only debug
check_boot_env

frags=$(echo "$TOP"/configs/*.config "$TOP/configs/variants/debug.config")
export FRED61_KOUT=$BUILD/kbuild-debug FRED61_TESTS=$BUILD/tests-debug \
	FRED61_INITRAMFS=$BUILD/initramfs-debug FRED61_LOGS=$BUILD/logs/debug \
	FRED61_CONFIGS="$frags"
t0=$SECONDS
rc=0
MODE=$MODE "$TOP/scripts/run.sh" || rc=1
MODES=$MODE SECS=$SECS SEEDS=1 "$TOP/scripts/soak.sh" || rc=1
say "make debug, $MODE mode: $([ $rc = 0 ] && echo passed || echo FAILED); $((SECONDS - t0)) s in all (logs: $FRED61_LOGS)"
exit $rc
