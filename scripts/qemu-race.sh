#!/usr/bin/env bash
# make qemu-race [RUNS=N]: the check for qemu/'s first patch. Boots our
# 6.1 kernel (make kernel) RUNS times (default 3) with only
# qemu/tests/text-poke-race in its initramfs, which flips a static key on
# vCPU 0 while vCPU 1 runs the code being patched, first on our QEMU (make
# qemu), then on Debian's. A boot passes when the program finishes and the
# console shows no WARNING/BUG/Oops. Fails when any boot on our QEMU does
# not pass; Debian's results are printed for comparison only (its QEMU
# 7.2 has the race). Logs: build/logs/qemu-race/<qemu>-<n>.log.
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
check_int RUNS "$RUNS" 1
need gcc cpio gzip timeout
SECS=10                               # how long the guest program flips
kernel=$KOUT/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel; run 'make kernel'"
grep -q '^CONFIG_SCHEDSTATS=y' "$KOUT/.config" ||
	die "$KOUT/.config lacks CONFIG_SCHEDSTATS=y, which the program flips"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing; install busybox-static ('make deps')"
ours=$("$TOP/scripts/qemu-build.sh")
debian=$(command -v qemu-system-x86_64) || die "Debian's qemu-system-x86_64 is missing ('make deps')"

# The initramfs: busybox, the program (static), an /init that runs it.
dir=$BUILD/qemu-race
rm -rf "$dir"
mkdir -p "$dir/root/bin" "$dir/root/dev" "$dir/root/proc"
gcc -O2 -static -Wall -Werror -o "$dir/root/text-poke-race" "$TOP/qemu/tests/text-poke-race.c" ||
	die "cannot build qemu/tests/text-poke-race.c (static: needs libc6-dev)"
cp "$busybox" "$dir/root/bin/busybox"
cat > "$dir/root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
/text-poke-race $SECS > /dev/ttyS0 2>&1
/bin/busybox poweroff -f
EOF
chmod +x "$dir/root/init"
(cd "$dir/root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -1 > "$dir/initramfs.cpio.gz"

logs=$LOGS/qemu-race
rm -rf "$logs"
mkdir -p "$logs"
bad='WARNING:|BUG:|Oops|Kernel panic|rcu: INFO|soft lockup'
declare -A died
for which in ours debian; do
	if [ "$which" = ours ]; then qemu=$ours; else qemu=$debian; fi
	died[$which]=0
	for n in $(seq "$RUNS"); do
		log=$logs/$which-$n.log
		timeout 60 "$qemu" -machine pc -accel tcg -cpu max,-smap -smp 2 -m 512M \
			-kernel "$kernel" -initrd "$dir/initramfs.cpio.gz" \
			-append "console=ttyS0,115200 panic=-1 loglevel=4" \
			-display none -monitor none -no-reboot -serial "file:$log" \
			> "$log.qemu" 2>&1 || true
		if grep -q '^text-poke-race: [0-9]* flips' "$log" && ! grep -Eq "$bad" "$log"; then
			say "$which QEMU, boot $n: passed ($(grep -o '[0-9]* flips' "$log"))"
		else
			died[$which]=$((died[$which] + 1))
			say "$which QEMU, boot $n: FAILED: $(grep -Em1 "$bad" "$log" || echo "the program did not finish")"
		fi
	done
done
echo "text-poke race, $RUNS boot(s) each: our QEMU ${died[ours]} failed; Debian's ${died[debian]} failed (its 7.2 has the race)"
[ "${died[ours]}" = 0 ]
