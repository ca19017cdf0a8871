#!/usr/bin/env bash
# Pack the test VM's initramfs: busybox-static, scripts/guest-init as /init,
# the built tests (build/tests) and the shared libraries they load.
# Prints the archive's path. For make soak, FRED61_SOAK names a script that
# goes in as /soak, which /init runs instead of the tests, and
# FRED61_EXTRA_PROGS (space-separated paths) adds host programs, at their
# paths, with their libraries.
. "$(dirname "$0")/lib.sh"
need cpio gzip readelf

T=$TESTS
[ -s "$T/list" ] || die "no tests built; run 'make tests' first"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing; install busybox-static ('make deps')"
! readelf -l "$busybox" | grep -q 'program interpreter' ||
	die "$busybox is dynamically linked; the VM needs busybox-static ('make deps')"

root=$INITRAMFS_DIR/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,tests}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$TOP/scripts/guest-init" "$root/init"
[ -z "${FRED61_SOAK:-}" ] || install -m 0644 "$FRED61_SOAK" "$root/soak"
read -r -a extra <<< "${FRED61_EXTRA_PROGS:-}"
for p in "${extra[@]}"; do
	[ -x "$p" ] || die "$p missing (make soak installs it: scripts/deps.sh soak)"
	cp -L --parents "$p" "$root"
done
cp -a "$T/x86" "$T/list" "$root/tests/"
[ ! -d "$T/kernel" ] || cp -a "$T/kernel" "$root/tests/"
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

# The ELF interpreter and the shared libraries a program loads, and theirs,
# found where the dynamic loader looks for them, by reading the ELF headers:
# ldd would run the program's loader, and a host kernel without IA32
# emulation cannot run the 32-bit one.
elf_deps() {
	local f=$1 dirs lib d found
	case $(readelf -h "$f" | awk '$1 == "Class:" { print $2 }') in
	ELF32)	dirs="/lib32 /usr/lib32 /lib/i386-linux-gnu /usr/lib/i386-linux-gnu" ;;
	ELF64)	dirs="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64" ;;
	*)	die "$f: not an ELF file" ;;
	esac
	readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p'
	for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		found=
		for d in $dirs; do
			if [ -e "$d/$lib" ]; then found=$d/$lib; break; fi
		done
		[ -n "$found" ] || die "library $lib (needed by $f) not found in $dirs"
		echo "$found"
		elf_deps "$found"
	done
}

# Every library (and ELF interpreter) a test program loads, at its path.
{
	while read -r t; do
		case $t in
		kunit/*) ;;	# a KUnit suite: it runs in the kernel, at boot
		kernel/*) ;;	# a busybox script (scripts/guest-s3)
		*) elf_deps "$T/$t" ;;
		esac
	done < "$T/list"
	for p in "${extra[@]}"; do elf_deps "$p"; done
} | sort -u | while read -r lib; do
	[ -e "$lib" ] || die "library $lib (needed by a test) not found"
	cp -L --parents "$lib" "$root"
done

out=$INITRAMFS_DIR/initramfs.cpio.gz
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -1 > "$out.new"
mv "$out.new" "$out"
say "initramfs: $(du -h "$out" | cut -f1), $(wc -l < "$T/list") test programs"
echo "$out"
