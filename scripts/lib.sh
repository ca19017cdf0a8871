# Common settings and helpers, sourced by every script in scripts/.
# shellcheck shell=bash disable=SC2034

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux          # git tree: v6.1.170 + one commit per patch
# What build-kernel.sh, build-tests.sh and initramfs.sh build, and where
# they put it: $TREE by default. The environment points them at another
# kernel (ref-kernel.sh and ref-run.sh do, for Linux 6.12); the names carry
# a prefix so that a stray TREE or LOGS in a user's shell changes nothing.
KTREE=${FRED61_KTREE:-$TREE}                    # kernel source
KOUT=${FRED61_KOUT:-$BUILD/kbuild}              # its objects (O=): the source stays clean
TESTS=${FRED61_TESTS:-$BUILD/tests}             # built test programs + list
INITRAMFS_DIR=${FRED61_INITRAMFS:-$BUILD/initramfs}
LOGS=${FRED61_LOGS:-$BUILD/logs}
PATCHES=${FRED61_PATCHES:-$TOP/patches}  # the series to apply and check
# How messages name the tree, its series and the target that exports it
# (use_qemu_tree switches them to build/qemu/src, qemu/, qemu-export).
TREE_NAME=build/linux SERIES_NAME=patches/ EXPORT_TARGET=export TREE_TARGET=tree TREE_WHAT=tree
CACHE=${FRED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fred61}

# The pinned base: Debian's pristine upstream tarball for source package
# linux 6.1.170-3 (bookworm main).
BASE_VERSION=6.1.170
BASE_SRCPKG=linux
BASE_SRCVER=6.1.170-3
BASE_TARBALL=linux_6.1.170.orig.tar.xz
BASE_SHA256=d97c2b2683633677fa1f41bf5cc58cfac7664b84ca885ce6546d40fee87ba7fe
BASE_TAG=v$BASE_VERSION

# Our QEMU (qemu/): Debian's source package qemu 1:7.2+dfsg-7+deb12u18
# (bookworm main), the source of the qemu-system-x86 binary used for IDT
# mode, with Debian's own patches, then ours.
QEMU_SRCPKG=qemu
QEMU_SRCVER=1:7.2+dfsg-7+deb12u18
QEMU_DSC=qemu_7.2+dfsg-7+deb12u18.dsc
QEMU_DSC_SHA256=6b6bd27b947ec89e40a1d6b26d9c9f3c698ca691da13163e0483f6061bbb20b3
QEMU_ORIG=qemu_7.2+dfsg.orig.tar.xz
QEMU_ORIG_SHA256=91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f
QEMU_DEBIAN=qemu_7.2+dfsg-7+deb12u18.debian.tar.xz
QEMU_DEBIAN_SHA256=28a1c86310ee53b6bf1854cffe6f6be6ed29a08db7d05759f8ac57b8d6a6cb2f
QEMU_TAG=debian-7.2+dfsg-7+deb12u18
QEMU_DIR=$BUILD/qemu           # src/ (git tree), obj/ (build), bin/
QEMU_SRC=$QEMU_DIR/src
QEMU_PATCHES=$TOP/qemu

# The reference FRED kernel: Linux 6.12 from Debian's binary package
# linux-source-6.12 (bookworm), which carries upstream's FRED code, built
# with CONFIG_X86_FRED=y (configs/ref/). We run it to compare; nothing of
# it enters the project. The package installs the tarball below; both the
# package and the tarball are pinned.
REF_PKG=linux-source-6.12
REF_PKGVER=6.12.117-1~deb12u1
REF_VERSION=6.12.117           # the tarball's kernel version
REF_DEB=linux-source-6.12_6.12.117-1~deb12u1_all.deb
REF_DEB_SHA256=e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
REF_TARBALL=usr/src/linux-source-6.12.tar.xz
REF_TARBALL_SHA256=585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f
REF_DIR=$BUILD/ref             # linux-6.12/ (source), kbuild/, tests/, initramfs/
REF_SRC=$REF_DIR/linux-6.12

# Fixed identities and dates (set by tree.sh for its own commits only) make
# the base commit and every applied patch commit reproducible: the same
# inputs give the same hashes on any machine.
TREE_COMMITTER_NAME="fred61 tree"
TREE_COMMITTER_EMAIL="fred61@localhost"
BASE_DATE="2026-01-01T00:00:00Z"

JOBS=${JOBS:-$(nproc)}

# console_problem CONSOLE_LOG: print the first kernel console line that
# fails a run (report.py's CONSOLE_BAD) and succeed; fail if there is none.
console_problem() { python3 "$TOP/scripts/report.py" --console-bad "$1"; }

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
		[ -f "$PATCHES/$line" ] ||
			die "${PATCHES#"$TOP"/}/series names '$line', which does not exist"
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

# A private apt view of the system's configured sources (as deb-src too),
# under $CACHE/apt; nothing under /etc is changed and no host name is
# written anywhere. Sets apt_opts for apt-get.
apt_opts=()
apt_private_view() {
	local apt_dir=$CACHE/apt f found=0
	need apt-get flock
	[ ${#apt_opts[@]} = 0 ] || return 0
	# One script at a time rebuilds and uses it (held until this one exits).
	mkdir -p "$CACHE"
	exec {apt_lock_fd}>"$CACHE/apt.lock"
	flock -n "$apt_lock_fd" || {
		say "waiting for another script to finish with $apt_dir"
		flock "$apt_lock_fd"
	}
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb\(-src\)\?[[:space:]]\(.*\)/deb \2\ndeb-src \2/p' "$f" \
			>> "$apt_dir/parts/src.list"
		found=1
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb deb-src/' "$f" > "$apt_dir/parts/$(basename "$f")"
		found=1
	done
	[ $found = 1 ] || die "no apt sources configured in /etc/apt"
	apt_opts=(-o Dir::Etc::SourceList=/dev/null
		  -o "Dir::Etc::SourceParts=$apt_dir/parts"
		  -o "Dir::State::Lists=$apt_dir/lists"
		  -o "Dir::Cache::archives=$apt_dir/archives")
	mkdir -p "$apt_dir/archives/partial"
	say "updating package indexes (private copy under $apt_dir)"
	apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
		{ tail -n 20 "$apt_dir/update.log" >&2; die "apt-get update of the private indexes failed"; }
}

# apt_fetch KIND PKG VERSION FILE SHA256: download FILE of source package
# (KIND=source) or binary package (KIND=binary) PKG=VERSION into $CACHE,
# through apt's configured sources, and check it against the pinned
# sha256 and the one in apt's signed index. Prints the cached path.
apt_fetch() {
	local kind=$1 pkg=$2 ver=$3 file=$4 sum=$5 out=$CACHE/$4 uris line uri index_sum got
	if [ -f "$out" ]; then
		got=$(sha256sum "$out" | cut -d' ' -f1)
		[ "$got" = "$sum" ] || die "checksum mismatch for $out
  expected sha256 $sum
  got      sha256 $got
  The file is not the pinned one. Remove it and run again to re-fetch."
		echo "$out"
		return 0
	fi
	need sha256sum
	local helper=/usr/lib/apt/apt-helper
	[ -x "$helper" ] || die "$helper not found (package apt)"
	mkdir -p "$CACHE"
	apt_private_view
	if [ "$kind" = source ]; then
		uris=$(apt-get "${apt_opts[@]}" source --print-uris "$pkg=$ver" 2>&1) ||
			die "apt cannot find source package $pkg $ver:
$uris"
	else
		uris=$(apt-get "${apt_opts[@]}" download --print-uris "$pkg=$ver" 2>&1) ||
			die "apt cannot find package $pkg $ver:
$uris"
	fi
	line=$(printf '%s\n' "$uris" | grep -F " $file " | head -n 1) ||
		die "$kind package $pkg $ver has no file $file"
	uri=$(printf '%s\n' "$line" | cut -d"'" -f2)
	index_sum=$(printf '%s\n' "$line" | sed -n 's/.*SHA256:\([0-9a-f]*\).*/\1/p')
	[ "$index_sum" = "$sum" ] ||
		die "the apt index lists $file with sha256 '$index_sum', not the pinned $sum"
	say "downloading $file ($pkg $ver) through apt"
	"$helper" download-file "$uri" "$out.part" "SHA256:$sum" \
		>"$CACHE/apt/download.log" 2>&1 ||
		{ tail -n 20 "$CACHE/apt/download.log" >&2; rm -f "$out.part"; die "download of $file failed"; }
	got=$(sha256sum "$out.part" | cut -d' ' -f1)
	[ "$got" = "$sum" ] || { rm -f "$out.part"; die "downloaded $file has sha256 $got, not $sum"; }
	mv "$out.part" "$out"
	echo "$out"
}

# One reference-kernel script at a time (ref-kernel.sh, ref-run.sh): they
# share build/ref/. Held until the script exits; the scripts it runs see
# FRED61_REF_LOCKED and do not wait for it.
ref_lock() {
	[ -z "${FRED61_REF_LOCKED:-}" ] || return 0
	need flock
	mkdir -p "$REF_DIR"
	exec {ref_lock_fd}>"$REF_DIR/.lock"
	flock -n "$ref_lock_fd" || {
		say "waiting for another reference-kernel script to finish with $REF_DIR"
		flock "$ref_lock_fd"
	}
	export FRED61_REF_LOCKED=1
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

# The QEMU scripts (qemu-*.sh) run the same sync machinery on build/qemu/src
# and qemu/: this points the tree, the series, the base tag and the sync
# record there, so series_files, series_hash, read_state and write_state
# serve qemu/ in that script.
use_qemu_tree() {
	TREE=$QEMU_SRC
	PATCHES=$QEMU_PATCHES
	BASE_TAG=$QEMU_TAG
	state=$TREE/.git/fred61-state
	TREE_NAME=build/qemu/src SERIES_NAME=qemu/ EXPORT_TARGET=qemu-export TREE_TARGET=qemu-tree
	TREE_WHAT="QEMU tree"
}

# git am the series' patches after the first START onto $TREE.
apply_from() {
	local start=$1 i=0 f out
	while IFS= read -r f; do
		i=$((i + 1))
		[ $i -gt "$start" ] || continue
		if ! out=$(git -C "$TREE" am -q --committer-date-is-author-date "$f" 2>&1); then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			write_state "partial"
			die "${SERIES_NAME}$(basename "$f") (patch $i) does not apply on top of the ones before it:
$(printf '%s\n' "$out" | grep -E '^(error|fatal|Patch failed)' || printf '%s\n' "$out")
$TREE_NAME is left at patch $((i - 1)); fix $SERIES_NAME and run again."
		fi
	done < <(series_files)
}

# sync_tree [CHECK]: bring $TREE, a tree that the caller made with tag
# $BASE_TAG and branch fred, to the series: only the patches after the
# first one that changed since the last sync are re-applied. Never
# discards work: when the series changed, a tree with uncommitted changes
# or unexported commits is left alone. CHECK, a command, runs just before
# the tree is reset.
sync_tree() {
	local check=${1:-} hash head n ahead keep=0 target f
	git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
		die "$TREE has no tag $BASE_TAG; it was not made by this script (or for another base): move it away"
	if [ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ]; then
		die "$TREE has a 'git am' or rebase in progress; finish or abort it first"
	fi

	read_state
	hash=$(series_hash)
	head=$(git -C "$TREE" rev-parse HEAD)
	n=$(series_files | wc -l)

	if [ "$hash" = "$st_hash" ]; then
		if [ "$head" != "$st_head" ]; then
			ahead=$(git -C "$TREE" rev-list --count "$st_head..HEAD" 2>/dev/null || echo "?")
			warn "$TREE_NAME has moved on from $SERIES_NAME ($ahead new commit(s)); building the tree as it is. 'make $EXPORT_TARGET' updates $SERIES_NAME."
		fi
		tree_is_clean "$TREE" ||
			warn "$TREE_NAME has uncommitted changes; they are built but not in $SERIES_NAME"
		say "$TREE_WHAT up to date: $BASE_TAG + $n patch(es)"
		return 0
	fi

	# The series changed since the last sync (or the tree is new).
	tree_is_clean "$TREE" ||
		die "$SERIES_NAME changed, and $TREE_NAME has uncommitted changes:
$(git -C "$TREE" status --short | head -n 20)
Commit them and 'make $EXPORT_TARGET', or stash them, then run again."
	# Commits in the tree that the last sync does not contain are
	# unexported work. (A tree reset back to an earlier point has none.)
	if [ -n "$st_head" ] && [ -n "$(git -C "$TREE" rev-list "$st_head..HEAD" 2>/dev/null || echo unknown)" ]; then
		die "$SERIES_NAME changed, and $TREE_NAME has commits that were never exported
(HEAD $head, last sync $st_head).
Export them ('make $EXPORT_TARGET', which refuses if $SERIES_NAME has new work too) or
move them to a branch, then 'git -C $TREE_NAME reset --hard $st_head'."
	fi
	[ -n "$st_head" ] || [ "$head" = "$(git -C "$TREE" rev-parse "$BASE_TAG")" ] ||
		die "$TREE_NAME is not at $BASE_TAG and has no sync record; move it away to rebuild it"
	[ -z "$check" ] || "$check"

	# Keep the longest prefix of patches whose files did not change.
	while IFS= read -r f; do
		[ $keep -lt ${#st_sum[@]} ] || break
		[ "$(sha256sum < "$f" | cut -d' ' -f1)" = "${st_sum[$keep]}" ] || break
		keep=$((keep + 1))
	done < <(series_files)
	if [ $keep -gt 0 ]; then
		target=${st_commit[$((keep - 1))]}
	else
		target=$BASE_TAG
	fi
	if [ "$keep" -lt "$n" ]; then
		say "applying patches $((keep + 1))..$n on top of $(git -C "$TREE" log -1 --format='%h %s' "$target")"
	fi
	git -C "$TREE" reset -q --hard "$target"
	apply_from "$keep"
	write_state "$hash"
	say "$TREE_WHAT ready: $BASE_TAG + $n patch(es) at $(git -C "$TREE" rev-parse --short HEAD)"
}

# export_series [COMMENT...]: regenerate the series from the commits
# $BASE_TAG..HEAD in $TREE. Reproducible: no commit hashes, numbers, dates
# or version trailers that change for nothing, whatever the user's git
# configuration; file names are the subject slugs, the order is in the
# series file, whose comment lines are kept (COMMENT lines start a new
# one). Refuses rather than overwrite work in either place.
export_series() {
	local tmp name f fixed
	[ -d "$TREE/.git" ] || die "no tree at $TREE; run 'make $TREE_TARGET'"
	if [ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ]; then
		die "$TREE_NAME has a 'git am' or rebase in progress"
	fi
	git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
		die "$TREE_NAME has no tag $BASE_TAG; it was not made by 'make $TREE_TARGET'"
	tree_is_clean "$TREE" ||
		die "$TREE_NAME has uncommitted changes; commit them (one commit per patch) first:
$(git -C "$TREE" status --short | head -n 20)"
	read_state
	if [ -f "$PATCHES/series" ] && [ "$(series_hash)" != "$st_hash" ]; then
		die "$SERIES_NAME has changed since $TREE_NAME was last synced with it
(edited by hand, or new patches pulled). Exporting would overwrite that.
Run 'make $TREE_TARGET' to apply $SERIES_NAME first, or commit $SERIES_NAME and move it aside."
	fi

	tmp=$(mktemp -d "$BUILD/$EXPORT_TARGET.XXXXXX")
	# shellcheck disable=SC2064  # expand now: $tmp is local
	trap "rm -rf '$tmp'" EXIT
	fixed=(-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.renames=true
	       -c format.coverLetter=false -c format.thread=false -c format.signOff=false
	       -c format.notes=false -c format.useAutoBase=false -c format.suffix=.patch
	       -c format.filenameMaxLength=64)
	# The kernel series keeps format-patch's numbers, in the file names
	# ("git am patches/*.patch" applies it in order) and the subjects
	# ("[PATCH 03/31]", under the cover letter's "[PATCH 00/31]"); the
	# QEMU series is quilt's and names its files by subject alone.
	local numbered=--no-numbered
	[ "$EXPORT_TARGET" != export ] || numbered=--numbered
	git -C "$TREE" "${fixed[@]}" format-patch -q "$numbered" --zero-commit \
		--no-signature --abbrev=12 --subject-prefix=PATCH -o "$tmp/raw" "$BASE_TAG..HEAD"
	mkdir -p "$tmp/out"
	if [ -f "$PATCHES/series" ]; then
		grep '^#' "$PATCHES/series" > "$tmp/out/series" || true
	else
		[ $# = 0 ] || printf '%s\n' "$@" > "$tmp/out/series"
		touch "$tmp/out/series"
	fi
	for f in "$tmp"/raw/*.patch; do
		[ -e "$f" ] || break
		name=$(basename "$f")
		[ "$EXPORT_TARGET" = export ] || name=${name#[0-9][0-9][0-9][0-9]-}
		[ ! -e "$tmp/out/$name" ] ||
			die "two commits give the same patch file name '$name'; make their subjects differ"
		mv "$f" "$tmp/out/$name"
		echo "$name" >> "$tmp/out/series"
	done

	# The kernel series also carries its cover letter and gives the
	# MAINTAINERS entry of its tip to MAINTAINERS.snippet.
	if [ "$EXPORT_TARGET" = export ]; then
		cover_letter "$TREE" > "$tmp/out/$COVER_LETTER"
		maintainers_entry "$TREE" HEAD > "$tmp/snippet" ||
			die "the series' tip has no MAINTAINERS entry '$MAINTAINERS_ENTRY'"
	fi

	# Replace the old series' files with the new ones.
	if [ -f "$PATCHES/series" ]; then
		series_files | while IFS= read -r f; do rm -f "$f"; done
	fi
	[ "$EXPORT_TARGET" != export ] || rm -f "$PATCHES/$COVER_LETTER"
	mkdir -p "$PATCHES"
	cp "$tmp"/out/* "$PATCHES/"
	[ ! -f "$tmp/snippet" ] || cp "$tmp/snippet" "$TOP/MAINTAINERS.snippet"
	for f in "$PATCHES"/*.patch; do
		[ -e "$f" ] || break
		[ "$(basename "$f")" != "$COVER_LETTER" ] || continue
		grep -qxF "$(basename "$f")" "$PATCHES/series" ||
			warn "$SERIES_NAME$(basename "$f") is not in ${SERIES_NAME}series (left alone)"
	done
	write_state "$(series_hash)"
	say "exported $(series_files | wc -l) patch(es) to $SERIES_NAME"
	git -C "$TOP" status --short -- "$PATCHES" "$TOP/MAINTAINERS.snippet" >&2 || true
}

# The series' MAINTAINERS entry, as the MAINTAINERS file of commit REV in
# tree DIR has it (title line to the blank line after it). Fails if there
# is none.
MAINTAINERS_ENTRY="X86 FRED (FLEXIBLE RETURN AND EVENT DELIVERY)"
maintainers_entry() {
	git -C "$1" show "$2:MAINTAINERS" |
		awk -v e="$MAINTAINERS_ENTRY" '$0 == e && !n { p = 1 } p && /^$/ { p = 0 } p { print; n++ } END { exit !n }'
}

# cover_letter DIR: the cover letter of the series $BASE_TAG..HEAD in
# tree DIR, on stdout: Documentation/cover-letter.txt (its first line the
# subject, then the text) with @MAP@ replaced by the list of patches and
# @DIFFSTAT@ by the series' diffstat. Nothing in it depends on when or
# where it is made.
# Not a *.patch file: "git am patches/*.patch" must not meet it (git am
# stops at a mail with no diff, "Patch is empty").
COVER_LETTER=0000-cover-letter.mbox
cover_letter() {
	local dir=$1 tmpl=$TOP/Documentation/cover-letter.txt n w
	[ -f "$tmpl" ] || die "$tmpl is missing"
	n=$(git -C "$dir" rev-list --count "$BASE_TAG..HEAD")
	w=${#n}
	[ "$w" -ge 2 ] || w=2
	printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
	git -C "$dir" log -1 --reverse --format='From: %an <%ae>' "$(git -C "$dir" rev-list --reverse "$BASE_TAG..HEAD" | head -n 1)"
	printf 'Subject: [PATCH %0*d/%d] %s\n\n' "$w" 0 "$n" "$(sed -n 1p "$tmpl")"
	sed '1,/^$/d' "$tmpl" | while IFS= read -r line; do
		case $line in
		@MAP@)
			# One line a patch, a subject too long for 75 columns
			# wrapped under itself (mail and checkpatch want 75).
			git -C "$dir" log --reverse --format=%s "$BASE_TAG..HEAD" |
				awk -v w="$w" -v n="$n" '{
					pre = sprintf("  %0*d/%d  ", w, NR, n)
					rest = $0
					while (length(pre) + length(rest) > 75) {
						cut = 75 - length(pre)
						while (cut > 0 && substr(rest, cut + 1, 1) != " ")
							cut--
						if (cut == 0)
							break
						print pre substr(rest, 1, cut)
						rest = substr(rest, cut + 2)
						pre = sprintf("%*s", length(pre), "")
					}
					print pre rest
				}' ;;
		@DIFFSTAT@)
			git -C "$dir" -c diff.renames=true diff --stat=72 --summary "$BASE_TAG" HEAD ;;
		*)
			printf '%s\n' "$line" ;;
		esac
	done
}

# The checks' tables (make check): check_row CHECK RESULT [NOTE] prints
# one row, appends it to $CHECK_ROWS if that is set, and counts it;
# check_summary DIR LABEL [NOTE] writes DIR/summary (read by make check
# and make test), prints the count, and fails if a row failed.
CHECK_PASSED=0 CHECK_FAILED=0
check_row() {
	printf '%-88s %-6s %s\n' "$1" "$2" "${3:-}" | tee -a "${CHECK_ROWS:-/dev/null}"
	if [ "$2" = PASS ]; then CHECK_PASSED=$((CHECK_PASSED + 1)); else CHECK_FAILED=$((CHECK_FAILED + 1)); fi
}
check_summary() {
	printf 'passed %d\nfailed %d\nskipped 0\nknown 0\n' "$CHECK_PASSED" "$CHECK_FAILED" > "$1/summary"
	echo "$2: $CHECK_PASSED passed, $CHECK_FAILED failed${3:+ ($3)}"
	[ "$CHECK_FAILED" = 0 ]
}

# ref_tarball: the path of the pinned Linux 6.12 source tarball (REF_*):
# the installed linux-source package's, or that of its .deb, fetched
# through apt's configured sources and unpacked once into the cache
# (ref-kernel.sh, overlap.sh); dies unless its sha256 is the pinned one.
ref_tarball() {
	local status unpacked deb
	status=$(dpkg-query -W -f='${Status} ${Version}' "$REF_PKG" 2>/dev/null || true)
	if [ "$status" = "install ok installed $REF_PKGVER" ] && [ -f "/$REF_TARBALL" ]; then
		ref_tarball_check "/$REF_TARBALL"
		return 0
	fi
	unpacked=$CACHE/${REF_DEB%.deb}
	if [ ! -f "$unpacked/$REF_TARBALL" ]; then
		need dpkg-deb
		deb=$(apt_fetch binary "$REF_PKG" "$REF_PKGVER" "$REF_DEB" "$REF_DEB_SHA256")
		say "unpacking $REF_DEB into $unpacked"
		rm -rf "$unpacked.part"
		dpkg-deb -x "$deb" "$unpacked.part" || die "dpkg-deb cannot unpack $deb"
		[ -f "$unpacked.part/$REF_TARBALL" ] || die "$REF_DEB holds no /$REF_TARBALL"
		mv "$unpacked.part" "$unpacked"
		rm -f "$deb"    # the unpacked copy is what we keep
	fi
	ref_tarball_check "$unpacked/$REF_TARBALL"
}
ref_tarball_check() {
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$REF_TARBALL_SHA256" ] || die "checksum mismatch for $1
  expected sha256 $REF_TARBALL_SHA256
  got      sha256 $got
  It is not the pinned tarball of $REF_PKG $REF_PKGVER."
	echo "$1"
}

# Checking what the user set (make and environment variables), first
# thing, before any work: a bad value stops the script with one line that
# names it and the good ones, "NAME=VALUE: PROBLEM; use GOOD".
# bad_value NAME VALUE PROBLEM GOOD: that line, and exit 1.
bad_value() {
	local shown=$2
	[[ $shown =~ ^[][A-Za-z0-9._/,:+=@%^-]+$ ]] || shown=${shown@Q}
	die "$1=$shown: $3; use $4"
}
# or_list A B C: "A, B or C".
or_list() {
	local out=$1
	shift
	while [ $# -gt 1 ]; do out+=", $1"; shift; done
	[ $# = 0 ] || out+=" or $1"
	printf '%s' "$out"
}
# check_choice NAME VALUE PROBLEM CHOICE...: VALUE is one of the CHOICEs.
check_choice() {
	local name=$1 val=$2 problem=$3 c
	shift 3
	for c in "$@"; do [ "$val" = "$c" ] && return 0; done
	bad_value "$name" "$val" "$problem" "$(or_list "$@")"
}
# check_int NAME VALUE MIN [MAX]: VALUE is a whole number (no sign, no
# leading zero: the guest's shell would read 010 as octal), MIN..MAX.
check_int() {
	local name=$1 val=$2 min=$3 max=${4:-} good
	good="$min or more"
	[ -z "$max" ] || good="$min to $max"
	[[ $val =~ ^(0|[1-9][0-9]{0,17})$ ]] || bad_value "$name" "$val" "not a whole number" "$good"
	if [ "$val" -lt "$min" ] || { [ -n "$max" ] && [ "$val" -gt "$max" ]; }; then
		bad_value "$name" "$val" "out of range" "$good"
	fi
}
# check_prog NAME VALUE WHAT: VALUE is a program: a path, or a name on PATH.
check_prog() {
	local p
	p=$(command -v -- "$2" 2>/dev/null) || p=""
	if [ ! -f "$p" ] || [ ! -x "$p" ]; then
		bad_value "$1" "$2" "no such program" "$3"
	fi
}
# check_seeds NAME VALUE: one seed or several, separated by blanks or
# commas; trinity takes 32 bits.
check_seeds() {
	local s seeds
	read -r -a seeds <<< "${2//,/ }"
	for s in "${seeds[@]}"; do
		if ! [[ $s =~ ^(0|[1-9][0-9]{0,9})$ ]] || [ "$s" -gt 4294967295 ]; then
			bad_value "$1" "$2" "'$s' is not a seed" "whole numbers 0 to 4294967295, separated by blanks or commas"
		fi
	done
	[ ${#seeds[@]} -gt 0 ] || bad_value "$1" "$2" "no seed" "whole numbers 0 to 4294967295, separated by blanks or commas"
}
# qemu_only TARGET: the targets that boot on QEMU alone refuse PLATFORM=bochs
# (scripts/boot.sh would take it from the environment).
qemu_only() {
	check_choice PLATFORM "${PLATFORM:-qemu}" "make $1 runs on QEMU only" qemu
}
# check_boot_env: what scripts/boot.sh (and bochs-prep.sh) read, when set.
check_boot_env() {
	local v
	for v in SMP BOOT_TIMEOUT STALL_TIMEOUT BOCHS_CPUS BOCHS_IPS BOCHS_BOOT_TIMEOUT BOCHS_STALL_TIMEOUT; do
		[ -z "${!v:-}" ] || check_int "$v" "${!v}" 1
	done
	[ -z "${BOCHS_MEM:-}" ] || check_int BOCHS_MEM "$BOCHS_MEM" 1 3072
	[ -z "${MEM:-}" ] || [[ $MEM =~ ^[1-9][0-9]*[kKmMgGtT]?$ ]] ||
		bad_value MEM "$MEM" "not a memory size for QEMU's -m" "e.g. 2G or 4096M"
	[ -z "${QEMU:-}" ] || check_prog QEMU "$QEMU" "a qemu-system-x86_64 binary, or leave it unset"
	[ -z "${QEMU_FRED:-}" ] ||
		check_prog QEMU_FRED "$QEMU_FRED" "a QEMU with the FRED CPU model (make qemu), or leave it unset"
}
# check_each_env: what scripts/check-each.sh reads (make check and make
# test run it too); the range of CHECK_FROM..CHECK_TO it checks itself.
check_each_env() {
	check_choice CHECK_BUILD "${CHECK_BUILD:-full}" "unknown build mode" full touched
	[ -z "${CHECK_FROM:-}" ] || check_int CHECK_FROM "$CHECK_FROM" 1
	[ -z "${CHECK_TO:-}" ] || check_int CHECK_TO "$CHECK_TO" 1
}

# Every script: JOBS (make -j), and BUILD, which make distclean removes
# whole and every script writes into.
check_int JOBS "$JOBS" 1
case $BUILD in
/*) ;;
*) bad_value BUILD "$BUILD" "not an absolute path" "an absolute path, or leave it unset for build/" ;;
esac
case $TOP/ in
"$(realpath -m -- "$BUILD" | sed 's,/$,,')"/*)
	bad_value BUILD "$BUILD" "it holds this checkout" "a directory of its own, or leave it unset" ;;
esac
case $(realpath -m -- "${HOME:-/nonexistent}")/ in
"$(realpath -m -- "$BUILD" | sed 's,/$,,')"/*)
	bad_value BUILD "$BUILD" "it holds your home directory" "a directory of its own, or leave it unset" ;;
esac
