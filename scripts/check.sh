#!/usr/bin/env bash
# make check: the series gate. Runs the series checks (git am and quilt,
# checkpatch, MAINTAINERS.snippet, cover letter, kselftests/), the
# documentation build, the per-patch checks (build with FRED=y and =n,
# sparse, kernel-doc) and the series in Debian's linux 6.1.170-3 source
# (check-debian.sh), each to the end even when one fails. Ends with
# its wall time and one line "N passed, N failed"; exits non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"
check_each_env

t0=$SECONDS
# The checks apply patches/ in worktrees of their own; build/linux only
# lends them its repository (and the base tag), whatever it holds.
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh" || die "build/linux could not be made (see above)"
mkdir -p "$LOGS"
rm -f "$LOGS"/{series,docs,check,debian}/summary
# The series in Debian's own tree (check-debian.sh) takes 8.5 minutes
# from a fresh build/ and 2 after; make test, whose build/ is fresh in
# CI, leaves it out (CHECK_DEBIAN=0) to stay within CI's 90 minutes.
check_choice CHECK_DEBIAN "${CHECK_DEBIAN:-1}" "unknown value (0 leaves the Debian check out)" 0 1
checks=(series docs each) logdirs=(series docs check)
[ "${CHECK_DEBIAN:-1}" = 0 ] || { checks+=(debian); logdirs+=(debian); }
rc=0
for c in "${checks[@]}"; do
	t=$SECONDS
	"$TOP/scripts/check-$c.sh" || rc=1
	echo "   ($c: $((SECONDS - t)) s)"
done

sum() { # KEY: the total of KEY over the checks' summaries
	local d
	for d in "${logdirs[@]}"; do
		[ -f "$LOGS/$d/summary" ] && cat "$LOGS/$d/summary"
	done | awk -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'
}
passed=$(sum passed) failed=$(sum failed)
# A check that stopped before writing its summary counts as a failure.
for d in "${logdirs[@]}"; do
	[ -f "$LOGS/$d/summary" ] || { echo "check-$d wrote no summary: counted as 1 failure"; failed=$((failed + 1)); }
done
echo
echo "make check: $((SECONDS - t0)) s wall time"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ $rc = 0 ]
