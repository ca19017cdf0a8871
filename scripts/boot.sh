#!/usr/bin/env bash
# Boot the kernel with the test initramfs in QEMU TCG and wait for the
# guest runner (scripts/guest-init) to finish.
#   boot.sh MODE BZIMAGE INITRAMFS LOGDIR
# MODE is idt (Debian's QEMU), fred (ours, its Intel FRED CPU) or
# fred-amd (ours, an AMD-vendored CPU with FRED). With PLATFORM=bochs the
# machine is Bochs instead (BOCHS: the path of a bochs binary built as
# Documentation/platforms.md says, with bochs/'s patches): its
# wildcat_lake CPU, one CPU, for idt and fred (scripts/bochs-prep.sh),
# with longer time limits. Writes
# LOGDIR/console.log (ttyS0, the kernel) and LOGDIR/results.log (ttyS1,
# the tests), and LOGDIR/timing: seconds from QEMU's start to the test
# runner's start ("boot", to 0.2 s) and to QEMU's exit ("total", to 0.5 s),
# taken on the host. Fails, printing the console's last lines, when the
# kernel does not reach the runner, stalls, or dies before the runner is
# done.
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || die "usage: boot.sh MODE BZIMAGE INITRAMFS LOGDIR"
mode=$1 kernel=$2 initrd=$3 logdir=$4
check_boot_env
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}    # seconds to reach the test runner
STALL_TIMEOUT=${STALL_TIMEOUT:-480}  # seconds without a new result line
SMP=${SMP:-2}
MEM=${MEM:-2G}
# More QEMU options, split at spaces (make bench adds -icount).
read -r -a qemu_extra <<< "${QEMU_EXTRA_ARGS:-}"

PLATFORM=${PLATFORM:-qemu}
case $PLATFORM in
qemu) ;;
bochs)
	check_prog BOCHS "${BOCHS:-}" "the path of a bochs binary built as Documentation/platforms.md says"
	check_choice MODE "$mode" "not a mode Bochs runs" idt fred
	# One Bochs CPU runs the suite about as fast as QEMU's two; with
	# BOCHS_CPUS=2 it runs them in turn, and the fuzzers take far longer.
	BOOT_TIMEOUT=${BOCHS_BOOT_TIMEOUT:-900} STALL_TIMEOUT=${BOCHS_STALL_TIMEOUT:-1800}
	;;
*) check_choice PLATFORM "$PLATFORM" "unknown platform" qemu bochs ;;
esac

case $mode in
idt)
	qemu=${QEMU:-qemu-system-x86_64}
	cpu=${QEMU_CPU:-max,-smap}
	cmdline_mode=""
	;;
fred|fred-amd)
	qemu=${QEMU_FRED:-$BUILD/qemu/bin/qemu-system-x86_64}
	[ "$PLATFORM" = bochs ] || [ -x "$qemu" ] || die "no FRED-capable QEMU at $qemu ('make qemu')"
	if [ "$mode" = fred ]; then
		# FRED CPUs are Intel's: our QEMU's model of one (qemu/), which
		# also says it is not affected by Meltdown (RDCL_NO), so the
		# kernel leaves PTI off (with PTI, the series turns FRED off).
		cpu=${QEMU_CPU:-WildcatLake}
	else
		# The AMD-vendored "max" CPU with FRED added: no such CPU
		# exists, but it takes the AMD paths (32-bit system calls by
		# SYSCALL, the AMD SYSRET-SS reload) that the Intel model
		# never enters.
		cpu=${QEMU_CPU:-max,-smap,+fred,+lkgs,+wrmsrns}
	fi
	# preempt=full: tasks are preempted in kernel-mode events, whose
	# ERETS then runs on whichever CPU they resume on.
	cmdline_mode=${FRED_CMDLINE:-fred=on preempt=full}
	;;
*) check_choice MODE "$mode" "unknown mode" idt fred fred-amd ;;
esac
[ "$PLATFORM" = bochs ] || need "$qemu"
[ -f "$kernel" ] || die "no kernel image at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd"

mkdir -p "$logdir"
console=$logdir/console.log results=$logdir/results.log
: > "$console"
: > "$results"
cmdline="console=ttyS0,115200 rdinit=/init panic=-1 $cmdline_mode ${KERNEL_CMDLINE:-}"
if [ "$PLATFORM" = bochs ]; then
	bochsrc=$("$TOP/scripts/bochs-prep.sh" "$kernel" "$initrd" "$logdir" "$cmdline")
	echo "$BOCHS -q -f $bochsrc ($cmdline)" > "$logdir/bochs.cmd"
	say "booting ($mode mode, Bochs $BOCHS, wildcat_lake, ${BOCHS_CPUS:-1} CPU)"
	"$BOCHS" -q -f "$bochsrc" > "$logdir/bochs.log" 2>&1 < /dev/null &
else
	# The monitor, for scripts/qemu-state.py when the VM seems hung (a
	# short path: a unix socket's is at most 107 bytes).
	mondir=$(mktemp -d "${TMPDIR:-/tmp}/fred61-mon.XXXXXX")
	echo "$qemu -cpu $cpu -smp $SMP -m $MEM ${qemu_extra[*]} -append '$cmdline'" > "$logdir/qemu.cmd"
	say "booting ($mode mode, $qemu, -cpu $cpu, $SMP vCPUs)"
	"$qemu" -machine pc -accel tcg -cpu "$cpu" -smp "$SMP" -m "$MEM" \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
		-global PIIX4_PM.disable_s3=0 \
		-display none -monitor "unix:$mondir/sock,server=on,wait=off" -no-reboot "${qemu_extra[@]}" \
		-serial "file:$console" -serial "file:$results" \
		> "$logdir/qemu.log" 2>&1 &
fi
qpid=$!
t_launch=$(date +%s.%N)

last_console() {
	echo "---- last lines of $console ----" >&2
	tail -n 25 "$console" >&2
	echo "----" >&2
}
# A VM that seems hung: what each vCPU and its local APIC hold, into
# LOGDIR/qemu-state.txt, one line a vCPU on stderr.
qemu_state() {
	[ -n "${mondir:-}" ] && kill -0 "$qpid" 2>/dev/null || return 0
	echo "---- QEMU's vCPUs (all of it in $logdir/qemu-state.txt) ----" >&2
	python3 "$TOP/scripts/qemu-state.py" "$mondir/sock" "$SMP" "$logdir/qemu-state.txt" >&2 || true
}
stop_qemu() {
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null || true
	[ -z "${mondir:-}" ] || rm -rf "$mondir"
}
trap stop_qemu EXIT

start=$SECONDS last_size=0 last_change=$SECONDS started=0
while kill -0 "$qpid" 2>/dev/null; do
	# Bochs has no -no-reboot: a panicked kernel would boot again.
	if [ "$PLATFORM" = bochs ] && grep -q 'Kernel panic - not syncing' "$console"; then
		sleep 2
		stop_qemu
		break
	fi
	if [ $started = 0 ]; then
		sleep 0.2
		if grep -q '^@@FRED61 START' "$results"; then
			started=1
			t_boot=$(date +%s.%N)
			last_change=$SECONDS
			say "kernel booted in $((SECONDS - start)) s; running tests"
		elif [ $((SECONDS - start)) -ge "$BOOT_TIMEOUT" ]; then
			last_console
			qemu_state
			die "kernel did not reach the test runner within $BOOT_TIMEOUT s ($mode mode)"
		fi
		continue
	fi
	sleep 0.5
	size=$(stat -c %s "$results")
	if [ "$size" != "$last_size" ]; then
		last_size=$size last_change=$SECONDS
	elif [ $((SECONDS - last_change)) -ge "$STALL_TIMEOUT" ]; then
		last_console
		qemu_state
		die "VM stalled: no test output for $STALL_TIMEOUT s (last: $(grep '^@@FRED61' "$results" | tail -n 1))"
	fi
done
wait "$qpid" || true
t_exit=$(date +%s.%N)
trap - EXIT
if [ $started = 1 ]; then
	awk -v l="$t_launch" -v b="$t_boot" -v e="$t_exit" \
		'BEGIN { printf "boot %.1f\ntotal %.1f\n", b - l, e - l }' > "$logdir/timing"
fi

if ! grep -q '^@@FRED61 START' "$results"; then
	last_console
	if grep -q 'Kernel panic' "$console"; then
		die "kernel panicked before the test runner started ($mode mode): $(grep -m1 'Kernel panic' "$console")"
	fi
	die "VM exited before the test runner started ($mode mode); see $logdir/$PLATFORM.log"
fi
if ! grep -q '^@@FRED61 DONE' "$results"; then
	last_console
	die "VM ended before the test runner finished (last: $(grep '^@@FRED61' "$results" | tail -n 1))"
fi
say "VM done in $((SECONDS - start)) s"
