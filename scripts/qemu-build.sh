#!/usr/bin/env bash
# make qemu: our QEMU for FRED mode, build/qemu/bin/qemu-system-x86_64:
# Debian's QEMU 7.2 + qemu/series (build/qemu/src, scripts/qemu-tree.sh),
# only qemu-system-x86_64, TCG only, no optional host features, built out
# of tree in build/qemu/obj. It finds its firmware where Debian's own
# binary does (packages seabios, ipxe-qemu, qemu-system-data: the dfsg
# source ships none). Prints the binary's path.
#
# Cached: the binary is kept in $CACHE/qemu/<key>, the key a hash of the
# pinned source, qemu/ and this script, so a fresh clone with a warm cache
# copies it and builds nothing. A tree with local changes or unexported
# commits is built (for development) but not cached.
. "$(dirname "$0")/lib.sh"
use_qemu_tree
need sha256sum

obj=$QEMU_DIR/obj bin=$QEMU_DIR/bin
out=$bin/qemu-system-x86_64
firmware=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu   # as Debian's build

[ -f "$PATCHES/series" ] || die "qemu/series is missing (an empty one, comments only, is fine)"
key=$({
	echo "$QEMU_SRCPKG $QEMU_SRCVER $QEMU_DSC_SHA256 $QEMU_ORIG_SHA256 $QEMU_DEBIAN_SHA256"
	series_hash
	cat "${BASH_SOURCE[0]}"
} | sha256sum | cut -c1-16)
cached=$CACHE/qemu/$key

# What -machine pc needs at run time, in $firmware: the BIOS, the VGA BIOS,
# the option ROMs for -kernel, and the default NIC's boot ROM.
for f in /usr/share/seabios/bios-256k.bin:seabios \
	 /usr/share/seabios/vgabios-stdvga.bin:seabios \
	 /usr/share/qemu/linuxboot_dma.bin:qemu-system-data \
	 /usr/share/qemu/kvmvapic.bin:qemu-system-data \
	 /usr/lib/ipxe/qemu/efi-e1000.rom:ipxe-qemu; do
	[ -f "${f%:*}" ] ||
		die "${f%:*} is missing: install ${f##*:} (comes with qemu-system-x86; 'make deps')"
done

# Start the machine the VM runner uses, without running it, and quit:
# fails when the binary cannot load or a firmware file is not found.
smoke_test() {
	local log=$QEMU_DIR/smoke.log
	if ! echo quit | timeout 60 "$1" -machine pc -accel tcg -m 64M -display none \
		-monitor stdio -serial none -S > "$log" 2>&1; then
		cat "$log" >&2
		die "$1 does not start a pc machine (see above)"
	fi
	rm -f "$log"
}

install_bin() {
	local cpus
	mkdir -p "$bin"
	cp "$1" "$out.new"
	mv "$out.new" "$out"
	smoke_test "$out"
	cpus=$("$out" -cpu help) || die "$out -cpu help failed"
	if grep -qw fred <<< "$cpus"; then
		say "$("$out" --version | head -n 1); CPU feature 'fred' available"
	elif [ -n "$(series_files)" ]; then
		warn "$out does not list the CPU feature 'fred' although qemu/series is not empty"
	else
		say "$("$out" --version | head -n 1); no 'fred' CPU feature (qemu/series is empty)"
	fi
}

from_cache() {
	say "QEMU from the cache ($cached), not built"
	touch "$cached"
	install_bin "$cached/qemu-system-x86_64"
	echo "$out"
	exit 0
}

# A fresh clone with a warm cache needs no source tree at all.
if [ ! -d "$TREE/.git" ] && [ -x "$cached/qemu-system-x86_64" ]; then
	from_cache
fi

"$TOP/scripts/qemu-tree.sh"

# Only a tree that is exactly qemu/ may be cached under the key.
read_state
pristine=1
tree_is_clean "$TREE" || pristine=0
[ "$(git -C "$TREE" rev-parse HEAD)" = "$st_head" ] || pristine=0
[ "$(series_hash)" = "$st_hash" ] || pristine=0
if [ $pristine = 1 ]; then
	[ ! -x "$cached/qemu-system-x86_64" ] || from_cache
else
	warn "build/qemu/src is not what qemu/ holds (uncommitted changes or unexported commits): building it for you, not caching it"
fi

need gcc ninja meson pkg-config python3
mver=$(meson --version)
printf '%s\n' 0.61.5 "$mver" | sort -V -C ||
	die "meson $mver is too old: QEMU 7.2 needs 0.61.5 or newer, and the dfsg source has no copy of its own"
for lib in glib-2.0:libglib2.0-dev pixman-1:libpixman-1-dev zlib:zlib1g-dev; do
	pkg-config --exists "${lib%:*}" ||
		die "pkg-config finds no ${lib%:*}: install ${lib##*:} ('make deps')"
done
echo '#include <libfdt.h>' | gcc -E -x c - >/dev/null 2>&1 ||
	die "libfdt.h not found: install libfdt-dev ('make deps'); QEMU 7.2 needs libfdt for x86_64-softmmu"

cc=gcc
if command -v ccache >/dev/null 2>&1; then
	cc="ccache gcc"
	export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
	export CCACHE_BASEDIR=$QEMU_DIR
fi
# Everything optional is off (--without-default-features), so the binary
# does not depend on which libraries this host happens to have, but for
# TCG plugins (glib's gmodule, which QEMU needs anyway): make bench loads
# tools/serial_plugin.c to count the serializing instructions a path runs.
conf=(--cc="$cc" --target-list=x86_64-softmmu --enable-tcg --disable-kvm
      --disable-docs --disable-gtk --disable-sdl --disable-vnc --disable-opengl
      --disable-spice --disable-xen --disable-werror
      --without-default-features --disable-user --disable-tools
      --disable-guest-agent --disable-slirp --enable-fdt=system --enable-plugins
      --disable-install-blobs --firmwarepath="$firmware"
      --with-git-submodules=ignore --disable-containers
      --with-pkgversion="fred61: Debian $QEMU_SRCVER + qemu/series")
stamp=$(printf '%s\n' "$TREE" "${conf[@]}" | sha256sum | cut -d' ' -f1)
mkdir -p "$LOGS"
t0=$SECONDS
if [ ! -f "$obj/build.ninja" ] || [ "$(cat "$obj/.fred61-configure" 2>/dev/null)" != "$stamp" ]; then
	say "configuring QEMU in build/qemu/obj (x86_64-softmmu, TCG only)"
	rm -rf "$obj"
	mkdir -p "$obj"
	if ! (cd "$obj" && "$TREE/configure" "${conf[@]}") > "$LOGS/qemu-configure.log" 2>&1; then
		tail -n 25 "$LOGS/qemu-configure.log" >&2
		rm -f "$obj/build.ninja"
		die "QEMU's configure failed (full log: $LOGS/qemu-configure.log)"
	fi
	echo "$stamp" > "$obj/.fred61-configure"
fi
t1=$SECONDS
say "building qemu-system-x86_64 ($(git -C "$TREE" describe --tags --always --dirty), $JOBS jobs)"
if ! ninja -C "$obj" -j"$JOBS" qemu-system-x86_64 > "$LOGS/qemu-build.log" 2>&1; then
	grep -E 'error|FAILED' "$LOGS/qemu-build.log" | head -n 30 >&2 || true
	die "QEMU build failed (full log: $LOGS/qemu-build.log)"
fi
t2=$SECONDS
timing="configure $((t1 - t0)) s, build $((t2 - t1)) s, $JOBS jobs on $(nproc) CPUs, $(date -u +%FT%TZ)"
echo "fred61: $timing" >> "$LOGS/qemu-build.log"
say "QEMU built: $timing"
install_bin "$obj/qemu-system-x86_64"

if [ $pristine = 1 ]; then
	rm -rf "$cached.new"
	mkdir -p "$cached.new"
	cp "$out" "$cached.new/qemu-system-x86_64"
	{
		echo "key $key"
		echo "source $QEMU_SRCPKG $QEMU_SRCVER + $(series_files | wc -l) patch(es) of qemu/series"
		echo "commit $(git -C "$TREE" rev-parse HEAD)"
		echo "built $timing"
	} > "$cached.new/info"
	rm -rf "$cached"
	mv "$cached.new" "$cached"
	say "cached in $cached"
	# Keep the four most recently used builds.
	ls -1dt "$CACHE"/qemu/*/ | tail -n +5 | xargs -r rm -rf
fi
echo "$out"
