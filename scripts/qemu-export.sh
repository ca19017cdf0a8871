#!/usr/bin/env bash
# Regenerate qemu/ from the commits $QEMU_TAG..HEAD in build/qemu/src, as
# export.sh does patches/ (export_series in lib.sh): reproducible, file
# names from the subjects, the order in qemu/series (its comment lines are
# kept). Refuses rather than overwrite work in either place.
. "$(dirname "$0")/lib.sh"
use_qemu_tree
need git
export_series "# Our patches to Debian's QEMU (scripts/lib.sh: QEMU_SRCVER), in order." \
	"# Written by 'make qemu-export' from build/qemu/src; see README.md."
