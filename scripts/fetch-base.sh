#!/usr/bin/env bash
# Fetch the pinned base tarball into the cache, through apt's configured
# sources, and check its sha256. Prints the tarball's path.
. "$(dirname "$0")/lib.sh"

apt_fetch source "$BASE_SRCPKG" "$BASE_SRCVER" "$BASE_TARBALL" "$BASE_SHA256"
