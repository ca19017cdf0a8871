# FRED for Linux 6.1 LTS: the one entry point. See README.md.
#
#   make run [MODE=idt|fred|fred-amd]  build the patched kernel and the tests,
#                  boot in QEMU, test
#   make run PLATFORM=bochs BOCHS=/path/to/bochs [MODE=idt|fred]  the same on
#                  Bochs' wildcat_lake CPU (Documentation/platforms.md: building Bochs)
#   make test      what CI runs: make check + make run, IDT and FRED mode
#   make bench [RUNS=N] [SCALE=X] [REF=0] [MODEL=amd|intel|both] [BEFORE=bzImage]
#                  entry-path costs, vanilla vs IDT vs FRED (and 6.12),
#                  instruction-counted in QEMU, with the serializing
#                  instructions per path: one table per CPU model
#   make mitigations  the suite in IDT and FRED mode on an Intel CPU model that
#                  6.1 treats as affected: its mitigations, side by side
#   make debug [MODE=fred] [SECS=120]  the suite and a short soak on a debug
#                  kernel: lockdep (PROVE_LOCKING, PROVE_RCU), KASAN, ...
#   make distro    Debian's amd64 configuration with FRED, built and booted
#                  with fred=on, the suite run on it (not in make test)
#   make soak [MODES="idt fred"] [SECS=600] [SEED=1]  trinity, stress-ng, our
#                  exception fuzzer and an NMI storm at once in the VM, per
#                  mode; fails on WARN/BUG/oops, a hang, a lost task
#   make check     the series gate: git am + quilt, checkpatch, docs build,
#                  every patch built alone (FRED=y/n), sparse, kernel-doc, and
#                  the series in Debian's tree (make test leaves that out)
#   make check-series  make check without the builds: apply, checkpatch, ...
#   make check-docs    make htmldocs SPHINXDIRS=x86, base vs the series
#   make check-each    every patch: FRED=y/n fast build, sparse, kernel-doc
#   make check-debian  the series in Debian's linux 6.1.170-3 source: quilt,
#                  git am, Debian's amd64 config, FRED=y/n (make check runs it)
#   make tree      build/linux = v6.1.170 + patches/series, one commit each
#   make export    patches/ <- the commits in build/linux
#   make sparse    sparse warnings per file, v6.1.170 vs the series
#   make build-each  build every commit of the series on its own
#   make tests-patch  carry kselftests/ into the series, then export
#   make qemu      build our QEMU with the FRED CPU model (qemu/series)
#   make qemu-tree build/qemu/src = Debian QEMU 7.2 + qemu/series
#   make qemu-export  qemu/ <- the commits in build/qemu/src
#   make qemu-race [RUNS=N]  qemu/'s TCG race fix, ours against Debian's QEMU
#   make ref-kernel   the reference FRED kernel: Linux 6.12, X86_FRED=y
#   make ref-run MODE=idt|fred  boot it with 6.12's x86 selftests and ours
#   make ref-compare  its runs side by side (ref-idt, ref-fred, 6.1's idt)
#   make ref-time [TIMES=N]  its boot-to-tests time, IDT vs FRED mode, our QEMU
#   make apply KERNEL=/path/to/linux   git am the series onto your tree
#   make overlap   how much of each file the series adds is also in Linux
#                  6.12 (Documentation/provenance.md)
#   make clean     remove build outputs (never build/linux, build/qemu/src)
#   make distclean remove build/ entirely, if build/linux, build/qemu/src hold no work

SHELL := /bin/bash
S := scripts
MODE ?= idt

.PHONY: help deps fetch tree kernel tests initramfs run test check check-series \
	check-docs check-each check-debian bench deps-bench soak mitigations debug distro \
	sparse build-each export tests-patch apply clean distclean \
	qemu qemu-tree qemu-export qemu-race ref-kernel ref-run ref-compare ref-time \
	overlap

help:
	@sed -n 's/^#   //p' Makefile

deps:
	@$(S)/deps.sh

deps-bench:
	@$(S)/deps.sh bench

fetch:
	@$(S)/fetch-base.sh

tree:
	@$(S)/tree.sh

kernel: tree
	@$(S)/build-kernel.sh

tests:
	@$(S)/build-tests.sh

initramfs:
	@$(S)/initramfs.sh

run:
	@MODE=$(MODE) $(S)/run.sh

test:
	@$(S)/test.sh

check:
	@$(S)/check.sh

bench:
	@$(S)/bench.sh

soak:
	@$(S)/soak.sh

mitigations:
	@$(S)/mitigations.sh

distro:
	@$(S)/distro.sh

debug:
	@MODE=$(if $(filter file default,$(origin MODE)),fred,$(MODE)) $(S)/debug.sh

check-series:
	@$(S)/check-series.sh

check-docs: tree
	@$(S)/check-docs.sh

check-each:
	@$(S)/check-each.sh

overlap:
	@$(S)/overlap.sh

check-debian:
	@$(S)/check-debian.sh

sparse:
	@$(S)/sparse.sh

build-each:
	@$(S)/build-each.sh $(BUILD_EACH_CONFIG)

export:
	@$(S)/export.sh

tests-patch:
	@$(S)/sync-kselftests.sh && $(S)/export.sh

qemu:
	@$(S)/qemu-build.sh

qemu-tree:
	@$(S)/qemu-tree.sh

qemu-export:
	@$(S)/qemu-export.sh

qemu-race:
	@$(S)/qemu-race.sh

ref-kernel:
	@$(S)/ref-kernel.sh

ref-run:
	@MODE=$(MODE) $(S)/ref-run.sh

ref-compare:
	@$(S)/ref-compare.sh $(RUNS)

ref-time:
	@$(S)/ref-time.sh

apply:
	@$(S)/apply.sh "$(KERNEL)"

clean:
	rm -rf build/kbuild build/tests build/initramfs build/logs build/check-am build/sparse-base build/each \
		build/check build/check-docs build/debian-check \
		build/qemu/obj build/qemu-race build/ref/kbuild build/ref/tests build/ref/initramfs
	! [ -d build/linux/.git ] || git -C build/linux worktree prune

distclean:
	@$(S)/distclean.sh
