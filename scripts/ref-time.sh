#!/usr/bin/env bash
# make ref-time [TIMES=N]: what FRED mode costs in boot-to-tests time. The
# reference kernel (make ref-kernel) with its test initramfs boots on one
# QEMU, ours, TIMES times in IDT mode (-cpu max,-smap) and TIMES times in
# FRED mode (+fred, fred=on), alternating so that a change in the host's
# load hits both alike. Prints each run's boot time (QEMU start to the
# test runner) and total time (to power-off) and the medians, min and max
# per mode, and the FRED/IDT ratio of the medians.
#
# A measurement, not a test: run it on an otherwise idle host (the VM has
# 2 vCPUs; another VM or a build beside it skews the figures). SKIP=REGEX
# leaves tests out of every run (default: syscall_numbering_64, whose
# thousands of ptrace stops between vCPUs make its time the host
# scheduler's, not the mode's). Logs: build/logs/ref-time/<mode>-<n>/.
. "$(dirname "$0")/lib.sh"

TIMES=${TIMES:-3}
SKIP=${SKIP-syscall_numbering}
check_int TIMES "$TIMES" 1
# SKIP goes on the kernel command line (fred61.skip=), read by the guest's grep -E.
skip_rc=0
grep -qE -- "$SKIP" < /dev/null 2>/dev/null || skip_rc=$?
if [ $skip_rc = 2 ] || [[ $SKIP =~ [[:space:]] ]]; then
	bad_value SKIP "$SKIP" "not a regular expression without blanks" "e.g. SKIP='syscall_numbering|sigreturn', or SKIP= for none"
fi
qemu_only ref-time
check_boot_env
need awk sort
ref_lock        # until the runs are over: build/ref/initramfs is shared
kernel=$("$TOP/scripts/ref-kernel.sh")
"$TOP/scripts/qemu-build.sh" >/dev/null
initrd=$("$TOP/scripts/ref-tests.sh")
qemu=$BUILD/qemu/bin/qemu-system-x86_64
[ -x "$qemu" ] || die "no QEMU at $qemu ('make qemu')"

load=$(cut -d' ' -f1 /proc/loadavg)
say "host load average $load before the first run ($(nproc) CPUs)"
out=$LOGS/ref-time
rm -rf "$out"
mkdir -p "$out"
cmdline=${SKIP:+fred61.skip=$SKIP}
for n in $(seq "$TIMES"); do
	for mode in idt fred; do
		d=$out/$mode-$n
		# Both modes on our QEMU; boot.sh picks the CPU model for the mode.
		QEMU=$qemu QEMU_FRED=$qemu KERNEL_CMDLINE=$cmdline \
			"$TOP/scripts/boot.sh" "$mode" "$kernel" "$initrd" "$d" ||
			die "$mode run $n failed (logs: $d)"
		[ -f "$d/timing" ] || die "$mode run $n left no timing (logs: $d)"
		# A run that warned does not count.
		! bad=$(console_problem "$d/console.log") ||
			die "$mode run $n: the kernel console reports a problem: $bad (logs: $d)"
		if [ "$mode" = fred ]; then
			grep -q '^@@FRED61 CPUFLAG fred' "$d/results.log" ||
				die "FRED run $n: no fred flag in /proc/cpuinfo (logs: $d)"
		fi
		tests=$(grep -c '^@@FRED61 END' "$d/results.log")
		printf '%s %s %s %s\n' "$mode" "$n" "$tests" \
			"$(awk '{ printf "%s ", $2 }' "$d/timing")" >> "$out/runs"
	done
done

awk -v load="$(cut -d' ' -f1 /proc/loadavg)" '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function lo(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
	function hi(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
	{
		printf "%-5s run %-2d  %3d tests  boot %6.1f s  total %6.1f s\n", $1, $2, $3, $4, $5
		k = ++cnt[$1]
		if ($1 == "idt") { ib[k] = $4; it[k] = $5 } else { fb[k] = $4; ft[k] = $5 }
	}
	END {
		n = cnt["idt"]
		printf "\n%-5s %-28s %-28s\n", "", "boot: median (min-max)", "total: median (min-max)"
		mib = median(ib, n); mit = median(it, n); mfb = median(fb, n); mft = median(ft, n)
		printf "%-5s %6.1f s (%.1f-%.1f)%9s %6.1f s (%.1f-%.1f)\n", "idt", mib, lo(ib, n), hi(ib, n), "", mit, lo(it, n), hi(it, n)
		printf "%-5s %6.1f s (%.1f-%.1f)%9s %6.1f s (%.1f-%.1f)\n", "fred", mfb, lo(fb, n), hi(fb, n), "", mft, lo(ft, n), hi(ft, n)
		printf "FRED/IDT: boot %.3f, total %.3f (%d runs each; load average %s after)\n", mfb / mib, mft / mit, n, load
	}' "$out/runs" | tee "$out/summary"
