# Common settings and helpers, sourced by every script in scripts/.
# shellcheck shell=bash disable=SC2034

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux          # git tree: v6.1.170 + one commit per patch
KOUT=$BUILD/kbuild         # kernel objects (O=), keeps $TREE clean
LOGS=$BUILD/logs
PATCHES=$TOP/patches
CACHE=${FRED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fred61}

# The pinned base: Debian's pristine upstream tarball for source package
# linux 6.1.170-3 (bookworm main).
BASE_VERSION=6.1.170
BASE_SRCPKG=linux
BASE_SRCVER=6.1.170-3
BASE_TARBALL=linux_6.1.170.orig.tar.xz
BASE_SHA256=d97c2b2683633677fa1f41bf5cc58cfac7664b84ca885ce6546d40fee87ba7fe
BASE_TAG=v$BASE_VERSION

# Fixed identities and dates (set by tree.sh for its own commits only) make
# the base commit and every applied patch commit reproducible: the same
# inputs give the same hashes on any machine.
TREE_COMMITTER_NAME="fred61 tree"
TREE_COMMITTER_EMAIL="fred61@localhost"
BASE_DATE="2026-01-01T00:00:00Z"

JOBS=${JOBS:-$(nproc)}

say()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "'$t' not found; run 'make deps' (or see README: Prerequisites)"
	done
}

# The patch files of the series, in order, one path per line.
series_files() {
	local line
	[ -f "$PATCHES/series" ] || die "$PATCHES/series is missing"
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=$(printf '%s' "$line" | tr -d '[:space:]')
		[ -n "$line" ] || continue
		[ -f "$PATCHES/$line" ] || die "patches/series names '$line', which does not exist"
		printf '%s\n' "$PATCHES/$line"
	done < "$PATCHES/series"
}

# One hash over the series file and the patches it names.
series_hash() {
	{ cat "$PATCHES/series"; series_files | xargs -r cat; } | sha256sum | cut -d' ' -f1
}

# Our tests' sources (kselftests/*.c, *.h) and test names (the .c files),
# one per line, sorted: what the series' tests patch carries.
kselftest_files() {
	find "$TOP/kselftests" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) \
		-printf '%f\n' | LC_ALL=C sort
}
kselftest_names() {
	kselftest_files | sed -n 's/\.c$//p'
}

tree_is_clean() {
	[ -z "$(git -C "$1" status --porcelain --untracked-files=normal)" ]
}

# The sync record between patches/ and build/linux: the series hash and
# HEAD at the last apply or export, and which commit each patch became.
state=$TREE/.git/fred61-state
st_hash="" st_head=""
declare -a st_sum=() st_commit=()
read_state() {
	local k a b
	[ -f "$state" ] || return 0
	while read -r k a b; do
		case $k in
		hash) st_hash=$a ;;
		head) st_head=$a ;;
		patch) st_sum+=("$a"); st_commit+=("$b") ;;
		esac
	done < "$state"
}

# Record that the commits base..HEAD are the series' patches, in order.
write_state() {
	local hash=$1 f commits i=0
	mapfile -t commits < <(git -C "$TREE" rev-list --reverse "$BASE_TAG..HEAD")
	{
		echo "hash $hash"
		echo "head $(git -C "$TREE" rev-parse HEAD)"
		while IFS= read -r f; do
			[ $i -lt ${#commits[@]} ] || break
			echo "patch $(sha256sum < "$f" | cut -d' ' -f1) ${commits[$i]}"
			i=$((i + 1))
		done < <(series_files)
	} > "$state.new"
	mv "$state.new" "$state"
}
