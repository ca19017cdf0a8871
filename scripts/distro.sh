#!/usr/bin/env bash
# make distro: the series in the configuration a distribution ships.
# Debian's amd64 configuration (the config.amd64_none_amd64 of bookworm's
# linux-config-6.1, fetched through apt) with CONFIG_X86_FRED=y
# (configs/variants/distro.config), built as a bzImage in
# build/kbuild-distro, booted with fred=on on our QEMU's Intel FRED CPU
# with Debian's own preemption default (voluntary), and the suite run on
# it. Debian builds its ~4000 drivers as modules: they are not built
# (hours on 2 cores), and the tests that load a module made for the test
# kernel (KVM, the NMI IPI module, cpl0_compat) and the KUnit suite that
# Debian does not configure are left out of the run (fred61.skip).
# Not in make test: the kernel alone takes longer to build than CI.
# Logs: build/logs/distro/ (the build) and build/logs/distro/fred/ (the run).
. "$(dirname "$0")/lib.sh"
qemu_only distro
check_boot_env
need dpkg-deb xz

# bookworm main's linux-config-6.1. That package of 6.1.170-3, whose
# source the series applies to, is no longer in the archive (the source
# is: make check-debian uses it); the configuration of 6.1.176-1
# is the nearest, and olddefconfig fills in the options 6.1.170 lacks or
# adds.
CFG_PKG=linux-config-6.1 CFG_VER=6.1.176-1
CFG_DEB=linux-config-6.1_6.1.176-1_amd64.deb
CFG_SHA256=d67a185023b6587392eabadfaca9688728f7732a18ad73676c5ff3b3b23eac34
CFG_FILE=usr/src/linux-config-6.1/config.amd64_none_amd64.xz

t0=$SECONDS
deb=$(apt_fetch binary "$CFG_PKG" "$CFG_VER" "$CFG_DEB" "$CFG_SHA256")
mkdir -p "$BUILD/distro"
base=$BUILD/distro/config.amd64_none_amd64
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$CFG_FILE" | xz -dc > "$base.part" ||
	die "no $CFG_FILE in $deb"
mv "$base.part" "$base"
say "base configuration: Debian $CFG_PKG $CFG_VER, ${CFG_FILE##*/}"

# The test kernel, its tests and the initramfs, as make run builds them.
"$TOP/scripts/tree.sh"
"$TOP/scripts/build-kernel.sh" >/dev/null
"$TOP/scripts/qemu-build.sh" >/dev/null
"$TOP/scripts/build-tests.sh"
initrd=$("$TOP/scripts/initramfs.sh")

t1=$SECONDS
kernel=$(FRED61_KOUT=$BUILD/kbuild-distro FRED61_LOGS=$LOGS/distro \
	FRED61_BASECONFIG=$base FRED61_CONFIGS="$TOP/configs/variants/distro.config" \
	FRED61_KTARGETS=bzImage "$TOP/scripts/build-kernel.sh")
say "distro kernel built in $((SECONDS - t1)) s: $kernel"

logdir=$LOGS/distro/fred
rm -rf "$logdir.prev"
[ ! -d "$logdir" ] || mv "$logdir" "$logdir.prev"
mkdir -p "$logdir"
boot_rc=0
FRED_CMDLINE="fred=on" \
KERNEL_CMDLINE="fred61.skip=^(kernel/cpl0_compat|x86/entry_kvm_|x86/entry_nmi_|kunit/)" \
	"$TOP/scripts/boot.sh" fred "$kernel" "$initrd" "$logdir" || boot_rc=$?
python3 "$TOP/scripts/report.py" fred "$logdir" "$TESTS/list" \
	"$TOP/kselftests/known-failures" | tee "$logdir/table.txt"
failed=$(sed -n 's/^failed //p' "$logdir/summary")
say "make distro: $([ "$boot_rc" = 0 ] && [ "$failed" = 0 ] && echo passed || echo FAILED); $((SECONDS - t0)) s in all (logs: $logdir)"
[ "$boot_rc" = 0 ] && [ "$failed" = 0 ]
