#!/usr/bin/env bash
# Install what building and testing need, from Debian's packages. Installs
# only what is missing; needs root (or sudo) when something is.
#   deps.sh          what make test, make check and make run need
#   deps.sh bench    and what make bench needs on top (make deps-bench)
#   deps.sh soak     and what make soak needs on top
#   deps.sh bochs    and what building Bochs needs (Documentation/platforms.md); running it
#                    needs nothing more
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
	qemu-system-x86  # the test VM (TCG), IDT mode; brings seabios, ipxe-qemu and
	                 # qemu-system-data, the firmware our QEMU (make qemu) uses too
	meson            # make qemu: QEMU 7.2 needs >= 0.61.5; the dfsg source has no copy
	ninja-build      # make qemu: runs the build meson writes
	pkg-config       # make qemu: how configure and meson find the libraries below
	libglib2.0-dev   # make qemu: glib, required by all of QEMU
	libpixman-1-dev  # make qemu: pixman, required by system emulation
	zlib1g-dev       # make qemu: zlib, required (migration, block layer)
	libfdt-dev       # make qemu: libfdt, required for x86_64-softmmu (the dfsg source drops dtc/)
	dpkg             # make ref-kernel: dpkg-deb unpacks linux-source-6.12
	python3          # scripts/report.py; QEMU's configure and meson scripts
	python3-ply python3-git  # checkpatch's SPDX licence check (scripts/spdxcheck.py)
	git              # the kernel tree, git am, format-patch
	quilt            # series checks: quilt push -a
	sparse           # series checks: make C=2 on touched objects
	python3-sphinx python3-sphinx-rtd-theme  # make check: make htmldocs SPHINXDIRS=x86
	xz-utils         # the base tarball
	file kmod rsync
)
case ${1:-} in
'') ;;
bench) pkgs+=(python3-matplotlib) ;;  # make bench: bench.png
soak) pkgs+=(trinity stress-ng) ;;     # make soak: run in the VM as they are
bochs) pkgs+=(g++) ;;                  # Bochs is C++
*) die "unknown package set '$1' (none, bench, soak or bochs)" ;;
esac
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
