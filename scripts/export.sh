#!/usr/bin/env bash
# Regenerate patches/ from the commits v6.1.170..HEAD in build/linux
# (export_series in lib.sh): reproducible, file names from the subjects,
# the order in patches/series. Refuses rather than overwrite work in
# either place.
. "$(dirname "$0")/lib.sh"
need git
export_series
