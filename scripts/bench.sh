#!/usr/bin/env bash
# make bench [RUNS=N] [SCALE=X] [REF=0] [MODEL=amd|intel|both] [BEFORE=bzImage]:
# what the series costs a machine without FRED, and what FRED changes, per
# entry path.
#
# tools/entry_bench.c (64- and 32-bit) runs in the test VM on
#   vanilla   Linux 6.1.170 without the series (build/bench/vanilla, a
#             worktree of build/linux at the base tag)
#   idt       the patched kernel (make kernel), FRED off
#   fred      the patched kernel with fred=on
#   ref-idt, ref-fred   the reference 6.12 kernel (make ref-kernel), the
#             same two ways (REF=0 leaves them out)
#   old-idt, old-fred   with BEFORE=, another build of the patched kernel
#             (an earlier series, say), the same two ways: a change to the
#             series measured against what it changes, in the same run
# all built from the same configs/*.config (6.12: configs/ref/ too), all on
# our QEMU with -icount shift=0,sleep=off, on two CPU models (MODEL=both,
# the default), each in a directory of its own:
#   amd     -cpu max,-smap: AMD-vendored under TCG, 32-bit system calls by
#           SYSCALL; FRED mode adds +fred,+lkgs,+wrmsrns (no such CPU
#           exists, but it takes the AMD paths)
#   intel   -cpu WildcatLake (qemu/): an Intel FRED CPU, 32-bit system
#           calls by SYSENTER; IDT mode is the same CPU with -fred, as a
#           distribution kernel runs it without fred=on
# FRED mode boots with fred=on and nothing else (make run's FRED mode adds
# preempt=full, see scripts/boot.sh).
# Under -icount the guest's clocks advance one nanosecond per guest
# instruction, so entry_bench's figures are guest instructions per round
# trip and repeat from run to run. They say how long each path is, not what it costs in cycles on a
# real CPU: a serializing WRMSR counts as one instruction like an ADD does.
#
# The VM has one vCPU: under -icount QEMU runs the vCPUs in turn and
# does not switch away from one that spins, so with two it does not get
# past "Booting SMP configuration" (QEMU 7.2, Debian's and ours alike; a
# known limit of icount with SMP), and -icount shift=auto boots but
# follows the host's clock again (int3 varied 40-fold between batches).
# The one case that needs two CPUs, membarrier (an IPI to the CPU that
# runs the process's other thread), therefore runs in a second boot of
# each configuration, 2 vCPUs, without -icount: its timings are host
# nanoseconds and carry the host's noise, and the table marks them with *.
# Those boots load tools/ipi_plugin.c, which counts the same round trips
# in kernel instructions, per vCPU and per excursion into the kernel
# (spin-wait loops left out), and takes the most frequent length: the
# membarrier call on one vCPU, the IPI on the other; their sum is the
# table's unmarked membarrier row. timer_irq (a 1 us sleep ended by the
# APIC timer) is the interrupt path counted under -icount.
#
# Instruction counts treat an IRET like an ADD. The one-vCPU boots also
# load tools/serial_plugin.c, a QEMU plugin built here against our QEMU's
# plugin header, which counts the serializing and microcoded instructions
# (IRET, WRMSR, MOV to CR3, SWAPGS, SYSRET, VERW, ERETU, ...) the kernel
# runs in entry_bench's timed batches; the report gives them per round
# trip, per path and configuration.
#
# Each configuration boots RUNS times (default 2), interleaved; the table
# (build/logs/bench/table.txt, one part per CPU model; each model's
# bench.png in build/logs/bench/<model>/) gives the medians, the ratios
# patched-IDT/vanilla, FRED/IDT and 6.12's FRED/IDT (and the old kernel's
# with BEFORE=), the run-to-run spread, and the costly instructions. A run whose kernel warns, or whose CPU mode is not
# the one asked for, fails the bench. SCALE multiplies entry_bench's
# iteration counts (0.1 for a quick look).
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2}
MODEL=${MODEL:-both}
BEFORE=${BEFORE:-}
SCALE=${SCALE:-1}
REF=${REF:-1}
ICOUNT=${ICOUNT:-shift=0,sleep=off}
check_int RUNS "$RUNS" 1
if ! [[ $SCALE =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || ! awk -v s="$SCALE" 'BEGIN { exit !(s > 0) }'; then
	bad_value SCALE "$SCALE" "not a number above 0" "e.g. 1 (the default) or 0.1 for a quick look"
fi
check_choice REF "$REF" "unknown value (0 leaves the 6.12 kernel out)" 0 1
check_choice MODEL "$MODEL" "unknown CPU model" amd intel both
if [ -n "$BEFORE" ]; then
	[ -f "$BEFORE" ] || bad_value BEFORE "$BEFORE" "no such file" "the bzImage of the patched kernel to compare with"
	BEFORE=$(realpath "$BEFORE")
fi
models=$MODEL
[ "$MODEL" != both ] || models="amd intel"
# QEMU's -icount suboptions; a blank would split them into other options.
icount_item='([0-9]+|auto|shift=([0-9]+|auto)|align=(on|off)|sleep=(on|off))'
[[ $ICOUNT =~ ^$icount_item(,$icount_item)*$ ]] ||
	bad_value ICOUNT "$ICOUNT" "not QEMU -icount suboptions" "e.g. shift=0,sleep=off (the default)"
qemu_only bench
check_boot_env
"$TOP/scripts/deps.sh" bench
need gcc git
# Debian's Python, which python3-matplotlib is for (python3 on PATH may be
# another one).
py=/usr/bin/python3
"$py" -c 'import matplotlib' 2>/dev/null ||
	die "python3-matplotlib is missing from $py (make bench draws bench.png with it): 'make deps-bench'"

bench=$BUILD/bench
out=$LOGS/bench
t0=$SECONDS

# The kernels.
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh"
patched=$("$TOP/scripts/build-kernel.sh")
vsrc=$bench/vanilla
if [ ! -e "$vsrc" ]; then
	say "vanilla tree: a worktree of $TREE_NAME at $BASE_TAG in ${vsrc#"$TOP"/}"
	git -C "$TREE" worktree add -q --detach "$vsrc" "$BASE_TAG" ||
		die "cannot add the worktree $vsrc"
fi
# Ours to build, not to reset: anything else there is somebody's work.
[ "$(git -C "$vsrc" rev-parse HEAD 2>/dev/null)" = "$(git -C "$TREE" rev-parse "$BASE_TAG^{commit}")" ] ||
	die "$vsrc is not a checkout of $BASE_TAG; move it away and run again"
tree_is_clean "$vsrc" || die "$vsrc has changes; move it away and run again"
mapfile -t frags < <(ls "$TOP"/configs/*.config)
vanilla=$(FRED61_KTREE=$vsrc FRED61_KOUT=$bench/vanilla-kbuild FRED61_LOGS=$LOGS/bench-vanilla \
	FRED61_CONFIGS="${frags[*]}" "$TOP/scripts/build-kernel.sh")
"$TOP/scripts/qemu-build.sh" > /dev/null
qemu=$QEMU_DIR/bin/qemu-system-x86_64
[ -x "$qemu" ] || die "no QEMU at $qemu ('make qemu')"
ref=""
[ "$REF" = 0 ] || ref=$("$TOP/scripts/ref-kernel.sh")

# The benchmark, 64- and 32-bit, in an initramfs of its own.
tests=$bench/tests
rm -rf "$tests"
mkdir -p "$tests/x86"
for bits in 64 32; do
	gcc -m"$bits" -O2 -Wall -Wextra -Wno-unused-parameter -pthread -static \
		-o "$tests/x86/entry_bench_$bits" "$TOP/tools/entry_bench.c" ||
		die "cannot build tools/entry_bench.c ($bits-bit)"
done
printf 'x86/entry_bench_64\nx86/entry_bench_32\n' > "$tests/list"
plugin=$bench/serial_plugin.so
ipi_plugin=$bench/ipi_plugin.so
header=$QEMU_DIR/src/include/qemu/qemu-plugin.h
# A QEMU from the cache comes without its source: prepare the tree.
[ -f "$header" ] || "$TOP/scripts/qemu-tree.sh" > /dev/null
[ -f "$header" ] || die "no $header: the plugin is built against our QEMU's source tree"
for p in serial ipi; do
	# shellcheck disable=SC2046 # pkg-config prints several words
	gcc -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter $(pkg-config --cflags glib-2.0) \
		-I"${header%/*}" -o "$bench/${p}_plugin.so" "$TOP/tools/${p}_plugin.c" ||
		die "cannot build tools/${p}_plugin.c"
done
printf 'x86/entry_bench_64 3600\nx86/entry_bench_32 3600\n' > "$bench/timeouts"
initrd=$(FRED61_TESTS=$tests FRED61_INITRAMFS=$bench/initramfs FRED61_TIMEOUTS=$bench/timeouts \
	"$TOP/scripts/initramfs.sh")
say "prepared in $((SECONDS - t0)) s"

# The CPU model's -cpu argument in a mode.
cpu_arg() {
	case $1-$2 in
	amd-idt) echo max,-smap ;;
	amd-fred) echo max,-smap,+fred,+lkgs,+wrmsrns ;;
	intel-idt) echo WildcatLake,-fred ;;
	intel-fred) echo WildcatLake ;;
	esac
}

# One boot: CPU model, config name, run number, kernel, mode, and "icount"
# (one vCPU, every case) or "smp" (two vCPUs, host clock, membarrier only,
# counted by the IPI plugin).
run_one() {
	local model=$1 cfg=$2 n=$3 kernel=$4 mode=$5 kind=$6 d extra cmdline smp
	if [ "$kind" = icount ]; then
		d=$out/$model/$cfg-$n smp=1
		extra="-icount $ICOUNT -plugin $plugin -d plugin -D $d/serial.log"
		cmdline="ENTRY_BENCH_SCALE=$SCALE"
	else
		d=$out/$model/$cfg-smp-$n smp=2
		extra="-plugin $ipi_plugin -d plugin -D $d/ipi.log"
		cmdline="ENTRY_BENCH_SCALE=$SCALE ENTRY_BENCH_CASES=membarrier"
	fi
	say "run $n: $model $cfg ($kind)"
	QEMU=$qemu QEMU_FRED=$qemu QEMU_EXTRA_ARGS="$extra" SMP=$smp \
		QEMU_CPU=$(cpu_arg "$model" "$mode") \
		FRED_CMDLINE=fred=on \
		KERNEL_CMDLINE="$cmdline" BOOT_TIMEOUT=1200 STALL_TIMEOUT=3600 \
		"$TOP/scripts/boot.sh" "$mode" "$kernel" "$initrd" "$d" ||
		die "$cfg run $n failed (logs: $d)"
	! bad=$(console_problem "$d/console.log") ||
		die "$cfg run $n: the kernel console reports a problem: $bad (logs: $d)"
	if [ "$mode" = fred ]; then
		grep -q '^@@FRED61 CPUFLAG fred' "$d/results.log" ||
			die "$cfg run $n: FRED mode, yet no fred flag in /proc/cpuinfo (logs: $d)"
	else
		! grep -q '^@@FRED61 CPUFLAG fred' "$d/results.log" ||
			die "$cfg run $n: IDT mode, yet the kernel runs with FRED (logs: $d)"
	fi
	grep -q '^@@FRED61 END x86/entry_bench_64 rc=0' "$d/results.log" &&
		grep -q '^@@FRED61 END x86/entry_bench_32 rc=0' "$d/results.log" ||
		die "$cfg run $n: entry_bench failed (logs: $d/results.log)"
	if [ "$kind" = smp ]; then
		grep -q '^bench membarrier ' "$d/results.log" ||
			die "$cfg run $n: no membarrier figure on 2 vCPUs (logs: $d/results.log)"
		[ "$(grep -c '^ipi [0-9]' "$d/ipi.log" 2>/dev/null)" = "$(grep -c '^serial ' "$d/results.log")" ] ||
			die "$cfg run $n: the IPI plugin's reports do not match entry_bench's windows (logs: $d)"
	else
		[ "$(grep -c '^serial [0-9]' "$d/serial.log" 2>/dev/null)" = "$(grep -c '^serial ' "$d/results.log")" ] ||
			die "$cfg run $n: the plugin's reports do not match entry_bench's windows (logs: $d)"
	fi
}

rm -rf "$out"
mkdir -p "$out"
say "host load average $(cut -d' ' -f1 /proc/loadavg) ($(nproc) CPUs); QEMU -icount $ICOUNT; CPU models: $models"
for model in $models; do
	for n in $(seq "$RUNS"); do
		for kind in icount smp; do
			run_one "$model" vanilla "$n" "$vanilla" idt $kind
			run_one "$model" idt "$n" "$patched" idt $kind
			run_one "$model" fred "$n" "$patched" fred $kind
			if [ -n "$BEFORE" ]; then
				run_one "$model" old-idt "$n" "$BEFORE" idt $kind
				run_one "$model" old-fred "$n" "$BEFORE" fred $kind
			fi
			if [ -n "$ref" ]; then
				run_one "$model" ref-idt "$n" "$ref" idt $kind
				run_one "$model" ref-fred "$n" "$ref" fred $kind
			fi
		done
	done
	{
		echo "CPU model: $model (-cpu $(cpu_arg "$model" idt) / $(cpu_arg "$model" fred))"
		"$py" "$TOP/scripts/bench-report.py" "$out/$model" "$out/$model/bench.png"
		echo
	} | tee -a "$out/table.txt"
	[ "${PIPESTATUS[0]}" = 0 ] || die "bench-report.py failed for $model"
done
say "table: ${out#"$TOP"/}/table.txt, plots: ${out#"$TOP"/}/<model>/bench.png; $((SECONDS - t0)) s in all"
