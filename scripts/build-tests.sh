#!/usr/bin/env bash
# Build the tests that run in the VM, 64- and 32-bit: the tree's own
# tools/testing/selftests/x86, which holds ours too once the series carries
# them (scripts/sync-kselftests.sh).
# Writes build/tests/list: one "suite/name" per line, in run order, then
# the KUnit suites the kernel runs at boot ("kunit/<suite>").
. "$(dirname "$0")/lib.sh"
need make gcc

[ -f "$KOUT/.config" ] || die "kernel not configured; run 'make kernel' first"
T=$TESTS
mkdir -p "$LOGS"

# -m32 needs the i386 C library (gcc-multilib, libc6-dev-i386).
echo 'int main(void){return 0;}' | gcc -m32 -x c -o /dev/null - 2>/dev/null ||
	die "gcc cannot build 32-bit programs; install gcc-multilib and libc6-dev-i386 ('make deps')"

say "installing UAPI headers"
make -s -C "$KTREE" O="$KOUT" headers > "$LOGS/tests-build.log" 2>&1 ||
	{ tail -n 20 "$LOGS/tests-build.log" >&2; die "make headers failed"; }
khdr="-isystem $KOUT/usr/include"

say "building tools/testing/selftests/x86 (ours among them, from the series)"
rm -rf "$T/x86"
mkdir -p "$T/x86"
if ! make -C "$KTREE/tools/testing/selftests/x86" OUTPUT="$T/x86" \
	KHDR_INCLUDES="$khdr" -j"$JOBS" >> "$LOGS/tests-build.log" 2>&1; then
	grep -E 'error' "$LOGS/tests-build.log" | head -n 30 >&2 || true
	die "test build failed (full log: $LOGS/tests-build.log)"
fi

# First, the suspend and resume (scripts/guest-s3), so that every test
# after it runs on a resumed machine; then the selftests, by name.
rm -rf "$T/kernel"
mkdir -p "$T/kernel"
install -m 755 "$TOP/scripts/guest-s3" "$T/kernel/suspend_resume"
echo kernel/suspend_resume > "$T/list"
# Then a check of the CPU model (qemu/tests/cpl0-compat): a module built
# against this kernel, out of tree, and the script that loads it.
if grep -q '^CONFIG_MODULES=y' "$KOUT/.config"; then
	say "building qemu/tests/cpl0-compat (a module)"
	mod=$T/modules/cpl0-compat
	rm -rf "$mod"
	mkdir -p "$mod"
	cp "$TOP"/qemu/tests/cpl0-compat/* "$mod/"
	log=$LOGS/tests-build-cpl0-compat.log
	make -C "$KTREE" O="$KOUT" M="$mod" modules > "$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "building qemu/tests/cpl0-compat failed"; }
	! grep -i 'warning' "$log" >&2 || die "qemu/tests/cpl0-compat builds with warnings (above)"
	install -m 644 "$mod/cpl0_compat.ko" "$T/kernel/cpl0_compat.ko"
	install -m 755 "$mod/cpl0_compat.sh" "$T/kernel/cpl0_compat"
	echo kernel/cpl0_compat >> "$T/list"
fi
find "$T/x86" -maxdepth 1 -type f -perm -u+x -printf "x86/%P\n" | sort >> "$T/list"
[ -s "$T/list" ] || die "no test binaries were built"
say "$(wc -l < "$T/list") test programs"

# KUnit suites built into this kernel (configs/kunit-suites): they ran at
# boot; the VM runner collects their results as "kunit/<suite>".
n=0
while read -r opt suite; do
	case $opt in ''|'#'*) continue ;; esac
	if grep -qx "$opt=y" "$KOUT/.config"; then
		echo "kunit/$suite" >> "$T/list"
		n=$((n + 1))
	fi
done < "$TOP/configs/kunit-suites"
[ "$n" = 0 ] || say "$n KUnit suite(s)"
