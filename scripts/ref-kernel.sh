#!/usr/bin/env bash
# make ref-kernel: the reference FRED kernel, Linux 6.12 from Debian's
# linux-source-6.12 (version and sha256 pinned in lib.sh), extracted once
# into build/ref/linux-6.12 and built by build-kernel.sh into
# build/ref/kbuild, through ccache: x86_64_defconfig + configs/test.config
# + configs/slim.config + configs/ref/6.12.config (CONFIG_X86_FRED=y).
# Prints the bzImage path.
#
# The tarball is the installed package's when that is the pinned version;
# otherwise the package is fetched through apt's configured sources (its
# .deb checked against the pin and apt's signed index) and unpacked into
# the cache with dpkg-deb. No root needed.
. "$(dirname "$0")/lib.sh"
need tar xz sha256sum dpkg-query
ref_lock

src=$REF_SRC
stamp=$src/.fred61-ref          # the sha256 of the tarball it came from
frags=("$TOP/configs/test.config" "$TOP/configs/slim.config" "$TOP/configs/ref/6.12.config")

# Extract once. A tree from another tarball (or an extract that some
# older script left without our stamp) is stale: say so and stop; it is
# not ours to delete.
if [ -d "$src" ]; then
	got=$(cat "$stamp" 2>/dev/null || echo "no stamp")
	[ "$got" = "$REF_TARBALL_SHA256" ] || die "$src is stale: it was not extracted from the pinned tarball
  pinned sha256 $REF_TARBALL_SHA256 ($REF_PKG $REF_PKGVER)
  its stamp     $got
  Remove it (rm -rf ${src#"$TOP"/}) and run again; build/ref/kbuild is rebuilt with it."
else
	tarball=$(ref_tarball)
	say "extracting $(basename "$tarball") ($REF_PKG $REF_PKGVER) into ${src#"$TOP"/}"
	rm -rf "$src.part"
	mkdir -p "$src.part"
	tar -xf "$tarball" -C "$src.part" --strip-components=1 --no-same-owner ||
		die "cannot extract $tarball"
	echo "$REF_TARBALL_SHA256" > "$src.part/.fred61-ref"
	# Objects and tests built from another source would look up to date.
	rm -rf "$REF_DIR/kbuild" "$REF_DIR/tests" "$REF_DIR/initramfs"
	mv "$src.part" "$src"
fi
version=$(make -s -C "$src" kernelversion 2>/dev/null) || die "$src holds no kernel Makefile"
[ "$version" = "$REF_VERSION" ] || die "$src is Linux $version, not the pinned $REF_VERSION"

t0=$SECONDS
kernel=$(FRED61_KTREE=$src FRED61_KOUT=$REF_DIR/kbuild FRED61_LOGS=$LOGS/ref \
	FRED61_CONFIGS="${frags[*]}" "$TOP/scripts/build-kernel.sh")
grep -qx 'CONFIG_X86_FRED=y' "$REF_DIR/kbuild/.config" ||
	die "CONFIG_X86_FRED=y does not hold in $REF_DIR/kbuild/.config"
say "Linux $version with CONFIG_X86_FRED=y built in $((SECONDS - t0)) s (log: ${LOGS#"$TOP"/}/ref/kbuild.log)"
echo "$kernel"
