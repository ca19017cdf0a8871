#!/usr/bin/env bash
# Fetch Debian's QEMU source (scripts/lib.sh: QEMU_SRCVER) into the cache,
# through apt's configured sources: the .dsc, the orig tarball and the
# debian tarball, each checked against its pinned sha256 and the one in
# apt's signed index, and the two tarballs against the .dsc too. Prints
# the paths of the orig and the debian tarball, one per line.
. "$(dirname "$0")/lib.sh"
need sha256sum

apt_fetch source "$QEMU_SRCPKG" "$QEMU_SRCVER" "$QEMU_DSC" "$QEMU_DSC_SHA256" >/dev/null
apt_fetch source "$QEMU_SRCPKG" "$QEMU_SRCVER" "$QEMU_ORIG" "$QEMU_ORIG_SHA256"
apt_fetch source "$QEMU_SRCPKG" "$QEMU_SRCVER" "$QEMU_DEBIAN" "$QEMU_DEBIAN_SHA256"

# The .dsc names each tarball with its sha256 (Checksums-Sha256).
dsc=$CACHE/$QEMU_DSC
for pair in "$QEMU_ORIG $QEMU_ORIG_SHA256" "$QEMU_DEBIAN $QEMU_DEBIAN_SHA256"; do
	file=${pair% *} sum=${pair#* }
	listed=$(awk -v f="$file" '
		/^Checksums-Sha256:/ { in_sums = 1; next }
		/^[^ ]/ { in_sums = 0 }
		in_sums && $3 == f { print $1 }' "$dsc")
	[ "$listed" = "$sum" ] ||
		die "$QEMU_DSC lists $file with sha256 '$listed', not the pinned $sum"
done
