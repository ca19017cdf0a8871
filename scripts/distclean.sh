#!/usr/bin/env bash
# Remove build/ entirely, unless build/linux holds work that is not in
# patches/, or build/qemu/src work that is not in qemu/ (uncommitted
# changes, or commits never exported).
. "$(dirname "$0")/lib.sh"

if [ -d "$TREE/.git" ]; then
	tree_is_clean "$TREE" ||
		die "build/linux has uncommitted changes; commit and 'make export' them, or remove build/ by hand"
	read_state
	[ "$(git -C "$TREE" rev-parse HEAD)" = "$st_head" ] ||
		die "build/linux has commits that were never exported; 'make export' first, or remove build/ by hand"
fi
if [ -d "$QEMU_SRC/.git" ]; then
	(
		use_qemu_tree
		tree_is_clean "$TREE" ||
			die "build/qemu/src has uncommitted changes; commit and 'make qemu-export' them, or remove build/ by hand"
		read_state
		[ "$(git -C "$TREE" rev-parse HEAD)" = "$st_head" ] ||
			die "build/qemu/src has commits that were never exported; 'make qemu-export' first, or remove build/ by hand"
	) || exit 1
fi
rm -rf "$BUILD"
say "removed $BUILD (the base tarballs and our QEMU stay cached in $CACHE)"
