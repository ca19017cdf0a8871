#!/usr/bin/env bash
# The reference kernel's tests (make ref-kernel first): 6.12's own x86
# selftests, 64- and 32-bit, and ours (kselftests/), built against
# build/ref/kbuild into build/ref/tests, the series' NMI test module, and
# the initramfs that runs them with the time limits of
# kselftests/timeouts-6.12 (build/ref/initramfs).
# Prints the initramfs path. Used by ref-run.sh and mode-time.sh.
. "$(dirname "$0")/lib.sh"
ref_lock        # build/ref/tests and initramfs are shared
[ -f "$REF_DIR/kbuild/.config" ] || die "no reference kernel built; run 'make ref-kernel'"
export FRED61_TIMEOUTS=$TOP/kselftests/timeouts-6.12   # initramfs.sh
[ -f "$FRED61_TIMEOUTS" ] || die "$FRED61_TIMEOUTS is missing"

# build-tests.sh and initramfs.sh, pointed at the reference kernel.
export FRED61_KTREE=$REF_SRC FRED61_KOUT=$REF_DIR/kbuild \
	FRED61_TESTS=$REF_DIR/tests FRED61_INITRAMFS=$REF_DIR/initramfs \
	FRED61_LOGS=$LOGS/ref

# Our tests go next to 6.12's own, as the series' last patch puts them
# into 6.1 (that patch does not apply to 6.12: the Makefile's context and
# MAINTAINERS differ): the sources copied, their names added to the list
# of tests the x86 Makefile builds 64- and 32-bit. The Makefile is written
# afresh from 6.12's on every run, so the list follows kselftests/.
x86=$REF_SRC/tools/testing/selftests/x86
orig=$x86/Makefile.fred61-orig
[ -f "$orig" ] || cp "$x86/Makefile" "$orig"
while IFS= read -r f; do
	cp "$TOP/kselftests/$f" "$x86/$f"
done < <(kselftest_files)
names=$(kselftest_names | tr '\n' ' ')
[ -n "$names" ] || die "no tests in kselftests/"
awk -v names="${names% }" '
	/^TARGETS_C_32BIT_ONLY :=/ && !done {
		print "# fred61: our tests (kselftests/), added by scripts/ref-run.sh"
		print "TARGETS_C_BOTHBITS += " names
		done = 1
	}
	{ print }
	END { exit !done }' "$orig" > "$x86/Makefile.new" ||
	die "6.12's $x86/Makefile has no 'TARGETS_C_32BIT_ONLY :=' line to add our tests before"
if cmp -s "$x86/Makefile.new" "$x86/Makefile"; then
	rm "$x86/Makefile.new"
else
	mv "$x86/Makefile.new" "$x86/Makefile"
fi
"$TOP/scripts/build-tests.sh"
for n in $names; do
	grep -qx "x86/${n}_64" "$REF_DIR/tests/list" && grep -qx "x86/${n}_32" "$REF_DIR/tests/list" ||
		die "our test $n was not built 64- and 32-bit for 6.12 (see $LOGS/ref/tests-build.log)"
done

# The series' NMI test module (CONFIG_X86_NMI_IPI_TEST), built for 6.12
# outside its tree so that entry_nmi's NMI-IPI cases run there too. Its
# source is taken from the patch that adds it.
mod=$REF_DIR/nmi_ipi_test
modpatch=$(grep -l '^+++ b/arch/x86/kernel/nmi_ipi_test.c$' "$PATCHES"/*.patch || true)
modpatch=${modpatch%%$'\n'*}
[ -n "$modpatch" ] || die "no patch in patches/ adds arch/x86/kernel/nmi_ipi_test.c"
rm -rf "$mod"
mkdir -p "$mod"
awk '/^diff --git / { f = 0 }
     f && /^\+/ { print substr($0, 2) }
     /^\+\+\+ b\/arch\/x86\/kernel\/nmi_ipi_test\.c$/ { f = 1 }' "$modpatch" > "$mod/nmi_ipi_test.c"
echo 'obj-m := nmi_ipi_test.o' > "$mod/Kbuild"
make -s -C "$REF_SRC" O="$REF_DIR/kbuild" M="$mod" modules > "$LOGS/ref/nmi_ipi_test.log" 2>&1 ||
	{ tail -n 20 "$LOGS/ref/nmi_ipi_test.log" >&2; die "the NMI test module does not build for 6.12"; }
export FRED61_EXTRA_MODULES=$mod

"$TOP/scripts/initramfs.sh"
