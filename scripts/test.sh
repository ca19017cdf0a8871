#!/usr/bin/env bash
# make test (what .ci/run calls): dependencies, make check, then
# make run in IDT mode (Debian's QEMU) and in FRED mode on our QEMU's
# Intel FRED CPU and on its AMD-vendored one (our QEMU is built once and
# cached: make qemu), make mitigations (the suite in IDT and FRED mode on
# an Intel CPU model that 6.1 treats as affected, its vulnerabilities
# compared), then a short make soak in IDT and FRED mode, once
# per seed of SOAK_SEEDS (default "1 1001"), SOAK_SECS each (default 60 s;
# 0 leaves the soak out), and with BOCHS=/path/to/bochs the suite on
# Bochs in both modes (skipped without). Ends with one line "N
# passed, N failed, N skipped" over all of it and exits non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"

SOAK_SECS=${SOAK_SECS:-60}
SOAK_SEEDS=${SOAK_SEEDS:-1 1001}
check_int SOAK_SECS "$SOAK_SECS" 0
check_seeds SOAK_SEEDS "$SOAK_SEEDS"
[ -z "${BOCHS:-}" ] || check_prog BOCHS "$BOCHS" "the path of a bochs binary built as Documentation/platforms.md says, or leave it unset"
check_choice PLATFORM "${PLATFORM:-qemu}" "make test picks the platform (Bochs too, given BOCHS=)" qemu
CHECK_BUILD=touched check_each_env
check_boot_env

t0=$SECONDS
"$TOP/scripts/deps.sh"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.summary "$LOGS"/{series,docs,check}/summary "$LOGS"/soak-{idt,fred}{,-*}/summary \
	"$LOGS"/mitigations-{idt,fred}/summary

fail_summary() { printf 'passed 0\nfailed 1\nskipped 0\nknown 0\n' > "$LOGS/$1.summary"; }

tree_ok=1
"$TOP/scripts/tree.sh" || tree_ok=0
# make check, with each patch compiling only the files it touches (and the
# series' tip built whole): the full per-patch builds take longer than
# CI's 90 minutes from empty caches on 2 cores; run 'make check' for them.
if [ -d "$TREE/.git" ]; then
	CHECK_BUILD=touched CHECK_DEBIAN=0 "$TOP/scripts/check.sh" || true
	echo "debian: not run here (8.5 min from a fresh build/); 'make check' or 'make check-debian' runs it"
	for c in series docs check; do
		if [ -f "$LOGS/$c/summary" ]; then
			cp "$LOGS/$c/summary" "$LOGS/$c.summary"
		else
			fail_summary $c
		fi
	done
else
	fail_summary series
fi
for mode in idt fred fred-amd; do
	if [ $tree_ok = 1 ]; then
		rm -f "$LOGS/$mode/summary"
		MODE=$mode "$TOP/scripts/run.sh" || true
		if [ -f "$LOGS/$mode/summary" ]; then
			cp "$LOGS/$mode/summary" "$LOGS/$mode.summary"
		else
			echo "$mode: the run stopped before any test ran (see above)"
			fail_summary $mode
		fi
	else
		echo "$mode: not run: the series does not apply (see above)"
		fail_summary $mode
	fi
done

if [ $tree_ok = 1 ]; then
	"$TOP/scripts/mitigations.sh" || true
	for run in mitigations-idt mitigations-fred; do
		if [ -f "$LOGS/$run/summary" ]; then
			cp "$LOGS/$run/summary" "$LOGS/$run.summary"
		else
			echo "$run: did not run (see above)"
			fail_summary $run
		fi
	done
	[ -f "$LOGS/mitigations.summary" ] || fail_summary mitigations
else
	fail_summary mitigations
fi

# The soak, short: trinity, stress-ng, the fuzzer and the NMI storm at once,
# per mode and seed. Seed 1001 once held a vCPU in the fuzzer's code for
# 21 s (an emulator bug, qemu/); more seeds, more of the fuzzer's paths.
if [ "$SOAK_SECS" != 0 ] && [ $tree_ok = 1 ]; then
	MODES="idt fred" SECS=$SOAK_SECS SEEDS=$SOAK_SEEDS "$TOP/scripts/soak.sh" || true
	# soak.sh's logs: soak-<mode>/ for one seed, soak-<mode>-<seed>/ for several
	read -r -a soak_seeds <<< "$(tr ',' ' ' <<< "$SOAK_SEEDS")"
	for mode in idt fred; do
		for seed in "${soak_seeds[@]}"; do
			run=soak-$mode
			[ ${#soak_seeds[@]} = 1 ] || run=soak-$mode-$seed
			if [ -f "$LOGS/$run/summary" ]; then
				cp "$LOGS/$run/summary" "$LOGS/$run.summary"
			else
				echo "soak $mode, seed $seed: did not run (see above)"
				fail_summary "$run"
			fi
		done
	done
fi

# Bochs (make run PLATFORM=bochs), both modes, when BOCHS names a binary:
# CI has none (it is built by hand, see Documentation/platforms.md), so each mode counts
# as one skipped run there, with the reason.
for mode in idt fred; do
	if [ -z "${BOCHS:-}" ]; then
		echo "bochs-$mode: skipped: no Bochs binary (BOCHS=/path/to/bochs; Documentation/platforms.md: building Bochs)"
		printf 'passed 0\nfailed 0\nskipped 1\nknown 0\n' > "$LOGS/bochs-$mode.summary"
	elif [ $tree_ok = 1 ]; then
		rm -f "$LOGS/bochs-$mode/summary"
		PLATFORM=bochs MODE=$mode "$TOP/scripts/run.sh" || true
		if [ -f "$LOGS/bochs-$mode/summary" ]; then
			cp "$LOGS/bochs-$mode/summary" "$LOGS/bochs-$mode.summary"
		else
			echo "bochs-$mode: the run stopped before any test ran (see above)"
			fail_summary "bochs-$mode"
		fi
	else
		fail_summary "bochs-$mode"
	fi
done

total() { cat "$LOGS"/*.summary | awk -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'; }
passed=$(total passed) failed=$(total failed) skipped=$(total skipped) known=$(total known)
echo
echo "make test: $((SECONDS - t0)) s; known failures not counted: $known"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
