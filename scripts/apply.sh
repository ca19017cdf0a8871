#!/usr/bin/env bash
# Apply the series onto a user's own v6.1.170-based git tree with git am.
#   apply.sh /path/to/linux
# On a conflict it names the patch and the reason, aborts the am (the tree
# is back where it was) and exits non-zero.
. "$(dirname "$0")/lib.sh"
need git

k=${1:-}
[ -n "$k" ] || die "usage: make apply KERNEL=/path/to/linux"
if [ ! -d "$k" ] || ! git -C "$k" rev-parse --git-dir >/dev/null 2>&1; then
	die "$k is not a git tree"
fi
k=$(cd "$k" && git rev-parse --show-toplevel)
gitdir=$(git -C "$k" rev-parse --absolute-git-dir)
if [ -d "$gitdir/rebase-apply" ] || [ -d "$gitdir/rebase-merge" ]; then
	die "$k has a git am or rebase in progress; finish or abort it first"
fi
tree_is_clean "$k" || die "$k has uncommitted changes; commit or stash them first"

ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$k/Makefile" | paste -sd.)
case $ver in
"$BASE_VERSION") ;;
6.1.*) warn "$k is Linux $ver; the series is made against $BASE_VERSION (3-way merge may help)" ;;
*) die "$k is Linux ${ver:-?}, not 6.1; the series is against $BASE_VERSION" ;;
esac

mapfile -t files < <(series_files)
[ ${#files[@]} -gt 0 ] || { say "patches/series is empty: nothing to apply"; exit 0; }
before=$(git -C "$k" rev-parse HEAD)
say "applying ${#files[@]} patch(es) onto $k ($(git -C "$k" log -1 --format='%h %s'))"
if ! out=$(git -C "$k" am --3way "${files[@]}" 2>&1); then
	n=$(cat "$gitdir/rebase-apply/next" 2>/dev/null || echo "?")
	name=$(basename "${files[$((n - 1))]:-unknown}" 2>/dev/null || echo "?")
	git -C "$k" am --abort >/dev/null 2>&1 || true
	printf '%s\n' "$out" | grep -vE '^(hint:|When you have|If you prefer|To restore)' | tail -n 25 >&2
	die "patch $n of ${#files[@]} ($name) does not apply to $k; the am was aborted and the tree is back at $(git -C "$k" rev-parse --short "$before")"
fi
say "applied: $(git -C "$k" log --oneline "$before..HEAD" | wc -l) commit(s) on top of $(git -C "$k" rev-parse --short "$before")"
