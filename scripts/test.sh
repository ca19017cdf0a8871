#!/usr/bin/env bash
# make test (what .ci/run calls): dependencies, the series checks, then
# make run in IDT mode (Debian's QEMU) and in FRED mode (our QEMU, built
# once and cached: make qemu). Ends with one line "N passed, N failed,
# N skipped" over all of it and exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"

t0=$SECONDS
"$TOP/scripts/deps.sh"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.summary

fail_summary() { printf 'passed 0\nfailed 1\nskipped 0\nknown 0\n' > "$LOGS/$1.summary"; }

tree_ok=1
"$TOP/scripts/tree.sh" || tree_ok=0
if [ -d "$TREE/.git" ]; then
	"$TOP/scripts/check-series.sh" || true
	cp "$LOGS/series/summary" "$LOGS/series.summary"
else
	fail_summary series
fi
for mode in idt fred; do
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

total() { cat "$LOGS"/*.summary | awk -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'; }
passed=$(total passed) failed=$(total failed) skipped=$(total skipped) known=$(total known)
echo
echo "make test: $((SECONDS - t0)) s; known failures not counted: $known"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
