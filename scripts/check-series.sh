#!/usr/bin/env bash
# The series checks that exist so far, one table row each:
#   - the whole series applies with git am onto a pristine v6.1.170;
#   - every patch is checkpatch.pl --strict clean.
# Writes build/logs/series/{summary,*.log}; exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"
need git perl
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
out=$LOGS/series
rm -rf "$out"
mkdir -p "$out"
mapfile -t files < <(series_files)
passed=0 failed=0
row() { printf '%-80s%-8s %s\n' "$1" "$2" "${3:-}"; [ "$2" = PASS ] && passed=$((passed + 1)) || failed=$((failed + 1)); }

echo "== series checks: ${#files[@]} patch(es) against $BASE_TAG"
printf '%-80s%-8s %s\n' CHECK RESULT NOTE

# git am onto a pristine base, in a scratch worktree of build/linux.
wt=$BUILD/check-am
git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$TREE" worktree prune
if [ ${#files[@]} -eq 0 ]; then
	row "git am on $BASE_TAG" PASS "empty series"
else
	git -C "$TREE" worktree add -q --detach "$wt" "$BASE_TAG"
	if git -C "$wt" am -q "${files[@]}" > "$out/git-am.log" 2>&1; then
		row "git am on $BASE_TAG" PASS "${#files[@]} patch(es)"
	else
		n=$(cat "$(git -C "$wt" rev-parse --git-dir)/rebase-apply/next" 2>/dev/null || echo 1)
		row "git am on $BASE_TAG" FAIL "patch $n ($(basename "${files[$((n - 1))]}")) does not apply: $(grep -m1 -E 'error|failed' "$out/git-am.log")"
		git -C "$wt" am --abort >/dev/null 2>&1 || true
	fi
	git -C "$TREE" worktree remove --force "$wt"
fi

# kselftests/ is the one source of the tests the series carries.
drift=()
x86=$TREE/tools/testing/selftests/x86
while IFS= read -r f; do
	cmp -s "$TOP/kselftests/$f" "$x86/$f" || drift+=("$f")
done < <(kselftest_files)
want="TARGETS_C_BOTHBITS += $(kselftest_names | paste -sd' ')"
grep -qxF "$want" "$x86/Makefile" || drift+=("x86/Makefile")
if [ ${#drift[@]} -eq 0 ]; then
	row "kselftests/ carried by the series unchanged" PASS
else
	row "kselftests/ carried by the series unchanged" FAIL "differs: ${drift[*]}; run 'make tests-patch'"
fi

# checkpatch --strict, each patch on its own.
for f in "${files[@]}"; do
	name=$(basename "$f")
	# Debian's python3 first: checkpatch's SPDX check needs its python3-ply.
	(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-color --showfile "$f") \
		> "$out/checkpatch-$name.log" 2>&1 || true
	! grep -q '^Traceback' "$out/checkpatch-$name.log" ||
		die "checkpatch's helper crashed (python3-ply missing? 'make deps'); see $out/checkpatch-$name.log"
	total=$(grep -E '^total: ' "$out/checkpatch-$name.log" | tail -n 1)
	if grep -q '^total: 0 errors, 0 warnings, 0 checks' "$out/checkpatch-$name.log"; then
		row "checkpatch --strict $name" PASS
	else
		row "checkpatch --strict $name" FAIL "${total:-no verdict}; see build/logs/series/checkpatch-$name.log"
	fi
done

printf 'passed %d\nfailed %d\nskipped 0\nknown 0\n' $passed $failed > "$out/summary"
echo "series: $passed passed, $failed failed"
[ $failed = 0 ]
