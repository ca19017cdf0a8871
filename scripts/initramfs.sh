#!/usr/bin/env bash
# Pack the test VM's initramfs: busybox-static, scripts/guest-init as /init,
# the built tests (build/tests) and the shared libraries they load.
# Prints the archive's path.
. "$(dirname "$0")/lib.sh"
need cpio gzip ldd

T=$TESTS
[ -s "$T/list" ] || die "no tests built; run 'make tests' first"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing; install busybox-static ('make deps')"
! ldd "$busybox" >/dev/null 2>&1 ||
	die "$busybox is dynamically linked; the VM needs busybox-static ('make deps')"

root=$INITRAMFS_DIR/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,tests}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$TOP/scripts/guest-init" "$root/init"
cp -a "$T/x86" "$T/list" "$root/tests/"
# Per-test time limits ("suite/name seconds"); FRED61_TIMEOUTS: another list.
timeouts=${FRED61_TIMEOUTS:-$TOP/kselftests/timeouts}
[ ! -f "$timeouts" ] || grep -v '^#' "$timeouts" > "$root/tests/timeouts"

# The kernel's modules (the series' test modules among them), and those
# built outside it (FRED61_EXTRA_MODULES: directories of Kbuild modules,
# space-separated; ref-tests.sh gives the reference kernel ours).
if grep -q '^CONFIG_MODULES=y' "$KOUT/.config"; then
	make -s -C "$KTREE" O="$KOUT" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
		DEPMOD=/sbin/depmod modules_install > /dev/null ||
		die "modules_install failed"
	for m in ${FRED61_EXTRA_MODULES:-}; do
		make -s -C "$KTREE" O="$KOUT" M="$m" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
			DEPMOD=/sbin/depmod modules_install > /dev/null ||
			die "modules_install of $m failed"
	done
fi

# Every library (and ELF interpreter) a test program loads, at its path.
while read -r t; do
	ldd "$T/$t" 2>/dev/null | grep -oE '/[^ ]+' || true
done < "$T/list" | sort -u | while read -r lib; do
	[ -e "$lib" ] || die "library $lib (needed by a test) not found"
	cp -L --parents "$lib" "$root"
done

out=$INITRAMFS_DIR/initramfs.cpio.gz
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -1 > "$out.new"
mv "$out.new" "$out"
say "initramfs: $(du -h "$out" | cut -f1), $(wc -l < "$T/list") test programs"
echo "$out"
