#!/usr/bin/env bash
# Build every commit of the series on its own (bisectability): bzImage and
# modules, in a worktree of build/linux (build/each/linux) with its own
# output directory, configured like the test kernel. Any compiler or
# objtool warning fails the commit.
#
#   scripts/build-each.sh [CONFIG_FOO=y|n ...]
#
# Options given are set on top of the test kernel's configuration (e.g.
# CONFIG_X86_FRED=n); an option a commit does not define yet is dropped
# by olddefconfig, as it should be. BUILD_EACH_FROM=N starts at the
# series' N-th commit (1-based), e.g. to go on after a fix to patch N.
# Runs make tree and make kernel first. Logs: build/logs/each/.
. "$(dirname "$0")/lib.sh"

from=${BUILD_EACH_FROM:-1}
check_int BUILD_EACH_FROM "$from" 1
for opt in "$@"; do
	[[ $opt =~ ^CONFIG_[A-Za-z0-9_]+=[yn]$ ]] ||
		bad_value BUILD_EACH_CONFIG "$*" "'$opt' is not CONFIG_FOO=y or =n" "e.g. BUILD_EACH_CONFIG=CONFIG_X86_FRED=n"
done
need make gcc git

# The commits to build, then the test kernel's configuration (make kernel).
"$TOP/scripts/tree.sh"
mapfile -t commits < <(git -C "$TREE" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || die "the series is empty"
check_int BUILD_EACH_FROM "$from" 1 ${#commits[@]}
"$TOP/scripts/build-kernel.sh" > /dev/null
W=$BUILD/each
out=$LOGS/each
mkdir -p "$out" "$W"

if [ ! -d "$W/linux" ]; then
	git -C "$TREE" worktree add -q --detach "$W/linux" "$BASE_TAG" || die "git worktree add failed"
fi
[ -z "$(git -C "$W/linux" status --porcelain)" ] ||
	die "$W/linux has local changes; it is a scratch worktree: remove it with 'git -C build/linux worktree remove --force build/each/linux'"

export KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=fred61 KBUILD_BUILD_HOST=fred61
failed=0 n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	[ "$n" -ge "$from" ] || continue
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	log=$out/$(printf '%02d' "$n").log
	git -C "$W/linux" checkout -q --detach "$c" || die "checkout $c failed"
	mkdir -p "$W/kbuild"
	cp "$KOUT/.config" "$W/kbuild/.config"
	for opt in "$@"; do
		name=${opt%%=*} val=${opt#*=}
		"$TREE/scripts/config" --file "$W/kbuild/.config" \
			"$([ "$val" = n ] && echo --disable || echo --enable)" "${name#CONFIG_}"
	done
	start=$(date +%s)
	if make -C "$W/linux" O="$W/kbuild" CC="ccache gcc" olddefconfig > "$log" 2>&1 &&
		make -C "$W/linux" O="$W/kbuild" CC="ccache gcc" -j"$JOBS" bzImage modules >> "$log" 2>&1; then
		warn=$(grep -E 'warning:|[Ee]rror:' "$log" | sort -u || true)
		if [ -n "$warn" ]; then
			printf '%2d FAIL %4ss  %s\n' "$n" $(($(date +%s) - start)) "$subject"
			sed 's/^/       /' <<< "$warn" | head -n 5
			failed=$((failed + 1))
		else
			printf '%2d PASS %4ss  %s\n' "$n" $(($(date +%s) - start)) "$subject"
		fi
	else
		printf '%2d FAIL %4ss  %s (build failed)\n' "$n" $(($(date +%s) - start)) "$subject"
		{ grep -E 'error|Error [0-9]|Segmentation fault' "$log" || true; } | head -n 5 | sed 's/^/       /'
		failed=$((failed + 1))
	fi
done
say "each commit built on its own${*:+ with $*}: $((n - from + 1 - failed)) of $((n - from + 1)) clean$([ "$from" = 1 ] || echo " (commits $from..$n)") (logs: build/logs/each/)"
[ "$failed" = 0 ]
