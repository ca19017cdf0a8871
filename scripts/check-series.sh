#!/usr/bin/env bash
# The series checks, one table row each:
#   - the whole series applies with git am onto a pristine v6.1.170, and
#     with quilt push -a onto a fresh copy of it, to the same tree; the
#     files' names sort in the series' order, so that "git am
#     patches/*.patch" as typed applies it;
#   - kselftests/ is what the series carries;
#   - MAINTAINERS.snippet and the cover letter are what 'make export'
#     makes of the series as it is;
#   - every patch is checkpatch.pl --strict clean. Two messages are
#     accepted: FILE_PATH_CHANGES ("does MAINTAINERS need updating?") on
#     a patch that adds files, when the series' MAINTAINERS entry, its
#     last patch, covers every file the patch adds; and ENOSYS on the
#     line "regs->ax = -ENOSYS;" in arch/x86/entry/*.c, where the entry
#     code gives a system call the return value of one that does not run
#     (-ENOSYS as "invalid system call number", what checkpatch allows;
#     it exempts the entry code by not checking assembly files, and
#     FRED's entry does this in C).
# Writes build/logs/series/{summary,*.log}; exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"
need git perl quilt
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL

# The number of ENOSYS warnings in a checkpatch log (--showfile) that are
# the accepted kind: on "regs->ax = -ENOSYS;" in arch/x86/entry/*.c.
accepted_enosys() {
	awk '/^arch\/x86\/entry\/[^\/]*\.c:[0-9]+: WARNING: ENOSYS means/ { w = 1; next }
	     w && /^\+[ \t]*regs->ax = -ENOSYS;$/ { n++ }
	     { w = 0 }
	     END { print n + 0 }'
}

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
out=$LOGS/series
rm -rf "$out"
mkdir -p "$out"
mapfile -t files < <(series_files)

echo "== series checks: ${#files[@]} patch(es) against $BASE_TAG"
printf '%-88s %-6s %s\n' CHECK RESULT NOTE

# git am onto a pristine base, in a scratch worktree of build/linux.
wt=$BUILD/check-am
git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$TREE" worktree prune
am_ok=0
if [ ${#files[@]} -eq 0 ]; then
	check_row "git am on $BASE_TAG" PASS "empty series"
else
	git -C "$TREE" worktree add -q --detach "$wt" "$BASE_TAG"
	if git -C "$wt" am -q --committer-date-is-author-date "${files[@]}" > "$out/git-am.log" 2>&1; then
		check_row "git am on $BASE_TAG" PASS "${#files[@]} patch(es)"
		am_ok=1
	else
		n=$(cat "$(git -C "$wt" rev-parse --git-dir)/rebase-apply/next" 2>/dev/null || echo 1)
		check_row "git am on $BASE_TAG" FAIL "patch $n ($(basename "${files[$((n - 1))]}")) does not apply: $(grep -m1 -E 'error|failed' "$out/git-am.log")"
		git -C "$wt" am --abort >/dev/null 2>&1 || true
	fi
fi

# What a maintainer types: "git am patches/*.patch". The shell's order of
# the *.patch files must be the series' order, and the glob must hold
# nothing else (the cover letter is not a *.patch file).
glob=$(cd "$PATCHES" && printf '%s\n' *.patch)
listed=$(printf '%s\n' "${files[@]##*/}")
if [ "$glob" = "$listed" ]; then
	check_row "git am patches/*.patch applies the series in order" PASS "the glob is patches/series"
else
	check_row "git am patches/*.patch applies the series in order" FAIL "the glob differs from patches/series: $(diff <(echo "$glob") <(echo "$listed") | grep -m1 '^[<>]')"
fi

# quilt push -a on a fresh copy of the base (git archive of the tag: the
# tarball's files), which must give the tree git am gives.
q=$BUILD/check-quilt
rm -rf "$q"
mkdir -p "$q"
git -C "$TREE" archive "$BASE_TAG" | tar -x -C "$q"
if (cd "$q" && QUILT_PATCHES=$PATCHES QUILT_PC=.pc quilt push -a -q) > "$out/quilt.log" 2>&1; then
	# Hash the result without touching build/linux's index.
	qtree=$(cd "$q" && rm -rf .pc && GIT_INDEX_FILE=$BUILD/check-quilt.index \
		git --git-dir="$TREE/.git" --work-tree="$q" add -A -f . &&
		GIT_INDEX_FILE=$BUILD/check-quilt.index git --git-dir="$TREE/.git" write-tree)
	rm -f "$BUILD/check-quilt.index"
	if [ $am_ok = 0 ]; then
		check_row "quilt push -a on a copy of $BASE_TAG" PASS "${#files[@]} patch(es); git am failed, trees not compared"
	elif [ "$qtree" = "$(git -C "$wt" rev-parse 'HEAD^{tree}')" ]; then
		check_row "quilt push -a on a copy of $BASE_TAG" PASS "${#files[@]} patch(es), the tree git am gives"
	else
		check_row "quilt push -a on a copy of $BASE_TAG" FAIL "applies, but to another tree than git am's: $(git -C "$wt" diff --stat "$qtree" HEAD | tail -n 1)"
	fi
else
	check_row "quilt push -a on a copy of $BASE_TAG" FAIL "$(grep -m1 -E 'does not apply|FAILED|failed|^Patch .* does not' "$out/quilt.log" || tail -n 1 "$out/quilt.log")"
fi
rm -rf "$q"

# What 'make export' derives from the series: the MAINTAINERS snippet
# and the cover letter.
if [ $am_ok = 1 ]; then
	if maintainers_entry "$wt" HEAD > "$out/snippet" && cmp -s "$out/snippet" "$TOP/MAINTAINERS.snippet"; then
		check_row "MAINTAINERS.snippet is the series' entry" PASS
	else
		check_row "MAINTAINERS.snippet is the series' entry" FAIL "differs from the entry at the series' tip; run 'make export'"
	fi
	if cover_letter "$wt" > "$out/cover-letter" && cmp -s "$out/cover-letter" "$PATCHES/$COVER_LETTER"; then
		check_row "patches/$COVER_LETTER is up to date" PASS
	else
		check_row "patches/$COVER_LETTER is up to date" FAIL "not what the series and Documentation/cover-letter.txt give; run 'make export'"
	fi
fi

# kselftests/ is the one source of the tests the series carries.
drift=()
x86=$wt/tools/testing/selftests/x86
while IFS= read -r f; do
	cmp -s "$TOP/kselftests/$f" "$x86/$f" || drift+=("$f")
done < <(kselftest_files)
want="TARGETS_C_BOTHBITS += $(kselftest_names | paste -sd' ')"
grep -qxF "$want" "$x86/Makefile" 2>/dev/null || drift+=("x86/Makefile")
if [ $am_ok = 0 ]; then
	check_row "kselftests/ carried by the series unchanged" FAIL "not checked: git am failed"
elif [ ${#drift[@]} -eq 0 ]; then
	check_row "kselftests/ carried by the series unchanged" PASS
else
	check_row "kselftests/ carried by the series unchanged" FAIL "differs: ${drift[*]}; run 'make tests-patch'"
fi

# uncovered_files PATCH: the files PATCH adds that the series'
# MAINTAINERS entry does not cover, at the series' tip.
uncovered_files() {
	local f
	[ $am_ok = 1 ] || { echo "(git am failed: not checked)"; return 0; }
	sed -n '/^diff --git a\//{s/^diff --git a\/[^ ]* b\///;h;d};/^new file mode/{x;p}' "$1" | while IFS= read -r f; do
		(cd "$wt" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>/dev/null) |
			grep -qxF "$MAINTAINERS_ENTRY" || printf '%s ' "$f"
	done
}

# checkpatch --strict, each patch on its own.
for f in "${files[@]}"; do
	name=$(basename "$f")
	# Debian's python3 first: checkpatch's SPDX check needs its python3-ply.
	(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-color --showfile "$f") \
		> "$out/checkpatch-$name.log" 2>&1 || true
	! grep -q '^Traceback' "$out/checkpatch-$name.log" ||
		die "checkpatch's helper crashed (python3-ply missing? 'make deps'); see $out/checkpatch-$name.log"
	total=$(grep -E '^total: ' "$out/checkpatch-$name.log" | tail -n 1)
	lines=$(sed -n 's/.* \([0-9]*\) lines checked$/\1/p' "$out/checkpatch-$name.log" | tail -n 1)
	nmaint=$(grep -c 'WARNING: added, moved or deleted file(s), does MAINTAINERS need updating?' "$out/checkpatch-$name.log" || true)
	nenosys=$(accepted_enosys < "$out/checkpatch-$name.log")
	if grep -q '^total: 0 errors, 0 warnings, 0 checks' "$out/checkpatch-$name.log"; then
		check_row "checkpatch --strict $name" PASS
	elif [ "$total" = "total: 0 errors, $((nmaint + nenosys)) warnings, 0 checks, $lines lines checked" ] &&
	     [ "$nmaint" -le 1 ]; then
		uncovered=
		[ "$nmaint" = 0 ] || uncovered=$(uncovered_files "$f")
		note=
		[ "$nmaint" = 0 ] || note="new files covered by the MAINTAINERS patch"
		[ "$nenosys" = 0 ] || note="${note:+$note; }-ENOSYS as a system call's return in entry code"
		if [ -z "$uncovered" ]; then
			check_row "checkpatch --strict $name" PASS "$note"
		else
			check_row "checkpatch --strict $name" FAIL "new files no MAINTAINERS entry covers: $uncovered"
		fi
	else
		first=$(grep -E '(ERROR|WARNING|CHECK): ' "$out/checkpatch-$name.log" |
			grep -v 'does MAINTAINERS need updating' | head -n 1 | sed -E 's/^[^ ]*: ((ERROR|WARNING|CHECK): )/\1/' || true)
		check_row "checkpatch --strict $name" FAIL "${total:-no verdict}: ${first:-?}; see ${out#"$TOP"/}/checkpatch-$name.log"
	fi
done
[ -z "$wt" ] || ! [ -d "$wt" ] || git -C "$TREE" worktree remove --force "$wt"

check_summary "$out" series
