#!/usr/bin/env bash
# Make build/qemu/src a git tree: the base commit (tag $QEMU_TAG) is
# Debian's QEMU source as Debian builds it (the orig tarball, debian/, and
# Debian's own patches of debian/patches/series applied), branch fred adds
# one commit per patch of qemu/series (git am). Incremental like tree.sh:
# only the patches after the first one that changed are re-applied. Never
# discards work: a tree with uncommitted changes or commits that were not
# exported is left alone when qemu/ has changed too.
. "$(dirname "$0")/lib.sh"
use_qemu_tree
need git tar xz patch sha256sum
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL

[ -f "$QEMU_PATCHES/series" ] || die "qemu/series is missing (an empty one, comments only, is fine)"

make_base() {
	local tarballs orig deb tmp line p opt n=0
	mapfile -t tarballs < <("$TOP/scripts/qemu-fetch.sh")
	[ ${#tarballs[@]} = 2 ] || die "scripts/qemu-fetch.sh failed"
	orig=${tarballs[0]} deb=${tarballs[1]}
	tmp=$QEMU_DIR/src.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
	say "extracting $(basename "$orig") and $(basename "$deb")"
	tar -xJf "$orig" -C "$tmp" --strip-components=1
	tar -xJf "$deb" -C "$tmp"
	[ "$(cat "$tmp/debian/source/format" 2>/dev/null)" = "3.0 (quilt)" ] ||
		die "$(basename "$deb") is not a '3.0 (quilt)' debian/ directory"
	[ -f "$tmp/debian/patches/series" ] || die "$(basename "$deb") has no debian/patches/series"
	# As dpkg-source applies them: in order, no fuzz, emptied files removed.
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		read -r p opt <<< "$line" || true
		[ -n "$p" ] || continue
		[ -f "$tmp/debian/patches/$p" ] ||
			die "debian/patches/series names '$p', which $(basename "$deb") does not have"
		if ! patch -d "$tmp" "${opt:--p1}" -F0 -N -E -t --no-backup-if-mismatch \
			-i "debian/patches/$p" > "$QEMU_DIR/debian-patch.log" 2>&1; then
			tail -n 20 "$QEMU_DIR/debian-patch.log" >&2
			die "Debian's patch $p does not apply to $(basename "$orig") (patches before it did)"
		fi
		n=$((n + 1))
	done < "$tmp/debian/patches/series"
	rm -f "$QEMU_DIR/debian-patch.log"
	say "applied Debian's $n patches; creating the base commit (tag $QEMU_TAG)"
	(
		cd "$tmp"
		git init -q -b base
		git config gc.auto 0
		git config core.abbrev 12
		git add -A -f
		GIT_AUTHOR_NAME="QEMU $QEMU_SRCVER (Debian)" GIT_AUTHOR_EMAIL="fred61@localhost" \
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git commit -q -m "QEMU $QEMU_SRCVER, as Debian builds it" \
			-m "Debian source package $QEMU_SRCPKG $QEMU_SRCVER: $QEMU_ORIG (sha256 $QEMU_ORIG_SHA256) and $QEMU_DEBIAN (sha256 $QEMU_DEBIAN_SHA256), with debian/patches/series applied."
		git tag "$QEMU_TAG"
		git checkout -q -b fred
	)
	mv "$tmp" "$TREE"
}

apply_from() {
	local start=$1 i=0 f out
	while IFS= read -r f; do
		i=$((i + 1))
		[ $i -gt "$start" ] || continue
		if ! out=$(git -C "$TREE" am -q --committer-date-is-author-date "$f" 2>&1); then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			write_state "partial"
			die "qemu patch $i ($(basename "$f")) does not apply on top of the ones before it:
$(printf '%s\n' "$out" | grep -E '^(error|fatal|Patch failed)' || printf '%s\n' "$out")
build/qemu/src is left at qemu patch $((i - 1)); fix qemu/ and run again."
		fi
	done < <(series_files)
}

mkdir -p "$QEMU_DIR"
if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	make_base
fi
git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$TREE has no tag $BASE_TAG; it was not made by this script (or for another QEMU version): move it away"
[ ! -d "$TREE/.git/rebase-apply" ] ||
	die "$TREE has a 'git am' or rebase in progress; finish or abort it first"

read_state
hash=$(series_hash)
head=$(git -C "$TREE" rev-parse HEAD)
n=$(series_files | wc -l)

if [ "$hash" = "$st_hash" ]; then
	if [ "$head" != "$st_head" ]; then
		ahead=$(git -C "$TREE" rev-list --count "$st_head..HEAD" 2>/dev/null || echo "?")
		warn "build/qemu/src has moved on from qemu/ ($ahead new commit(s)); building the tree as it is. 'make qemu-export' updates qemu/."
	fi
	tree_is_clean "$TREE" || warn "build/qemu/src has uncommitted changes; they are built but not in qemu/"
	say "QEMU tree up to date: $BASE_TAG + $n patch(es)"
	exit 0
fi

# qemu/ changed since the last sync (or the tree is new): bring the tree to it.
tree_is_clean "$TREE" ||
	die "qemu/ changed, and build/qemu/src has uncommitted changes:
$(git -C "$TREE" status --short | head -n 20)
Commit them and 'make qemu-export', or stash them, then run again."
if [ -n "$st_head" ] && [ -n "$(git -C "$TREE" rev-list "$st_head..HEAD" 2>/dev/null || echo unknown)" ]; then
	die "qemu/ changed, and build/qemu/src has commits that were never exported
(HEAD $head, last sync $st_head).
Export them ('make qemu-export', which refuses if qemu/ has new work too) or
move them to a branch, then 'git -C build/qemu/src reset --hard $st_head'."
fi
[ -n "$st_head" ] || [ "$head" = "$(git -C "$TREE" rev-parse "$BASE_TAG")" ] ||
	die "build/qemu/src is not at $BASE_TAG and has no sync record; move it away to rebuild it"
[ "$(git -C "$TREE" symbolic-ref -q --short HEAD || true)" = fred ] ||
	die "build/qemu/src is not on branch fred; check it out ('git -C build/qemu/src checkout fred') and run again"

# Keep the longest prefix of patches whose files did not change.
keep=0
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
	say "applying qemu patches $((keep + 1))..$n on top of $(git -C "$TREE" log -1 --format='%h %s' "$target")"
fi
git -C "$TREE" reset -q --hard "$target"
apply_from "$keep"
write_state "$hash"
say "QEMU tree ready: $BASE_TAG + $n patch(es) at $(git -C "$TREE" rev-parse --short HEAD)"
