#!/usr/bin/env bash
# Install what building and testing need, from Debian's packages. Installs
# only what is missing; needs root (or sudo) when something is.
. "$(dirname "$0")/lib.sh"

# package      why
pkgs=(
	build-essential  # gcc, make: kernel and tests
	flex bison bc    # kernel build (Kconfig, timeconst)
	libelf-dev       # objtool
	libssl-dev       # sign-file, extract-cert
	ccache           # cached recompiles of the kernel
	gcc-multilib     # 32-bit selftests (-m32)
	libc6-dev-i386   # 32-bit C library for them
	busybox-static   # the test VM's userland
	cpio             # packs the initramfs
	qemu-system-x86  # the test VM (TCG), IDT mode
	python3          # scripts/report.py
	python3-ply python3-git  # checkpatch's SPDX licence check (scripts/spdxcheck.py)
	git              # the kernel tree, git am, format-patch
	quilt            # series checks: quilt push -a
	sparse           # series checks: make C=2 on touched objects
	xz-utils         # the base tarball
	file kmod rsync
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || { say "all build dependencies are installed"; exit 0; }

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
say "installing: ${missing[*]}"
$sudo apt-get update -q >/dev/null || die "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
	"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
