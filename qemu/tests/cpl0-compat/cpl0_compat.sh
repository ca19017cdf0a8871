#!/bin/busybox sh
# kernel/cpl0_compat in the test VM (scripts/guest-init runs it from
# /tests/kernel/): loads cpl0_compat.ko, which checks that the CPU refuses
# compatibility mode at CPL 0 under FRED and allows it otherwise (see
# cpl0_compat_main.c), and prints the TAP it wrote to the kernel log.
# Exits 1 when a case failed or the module did not load or report.
dir=$(dirname "$0")
marker="fred61: cpl0_compat, $(date +%s)"
echo "$marker" > /dev/kmsg
if ! insmod "$dir/cpl0_compat.ko"; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 insmod cpl0_compat.ko failed"
	exit 1
fi
rmmod cpl0_compat
tap=$(dmesg | sed -n "/$marker/,\$p" | sed -n 's/^.*cpl0_compat: //p')
echo "$tap"
echo "$tap" | grep -q '^1\.\.' || exit 1
echo "$tap" | grep -q '^not ok' && exit 1
exit 0
