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

on_branch_fred() {
	[ "$(git -C "$TREE" symbolic-ref -q --short HEAD || true)" = fred ] ||
		die "build/qemu/src is not on branch fred; check it out ('git -C build/qemu/src checkout fred') and run again"
}

mkdir -p "$QEMU_DIR"
if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	make_base
fi
sync_tree on_branch_fred
