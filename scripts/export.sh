#!/usr/bin/env bash
# Regenerate patches/ from the commits v6.1.170..HEAD in build/linux.
# Reproducible: no commit hashes, dates or version trailers that change for
# nothing; file names are the subject slugs (no numbers), order is in
# patches/series. Refuses rather than overwrite work in either place.
. "$(dirname "$0")/lib.sh"
need git

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
[ ! -d "$TREE/.git/rebase-apply" ] || die "build/linux has a 'git am' or rebase in progress"
tree_is_clean "$TREE" ||
	die "build/linux has uncommitted changes; commit them (one commit per patch) first:
$(git -C "$TREE" status --short | head -n 20)"
read_state
if [ -f "$PATCHES/series" ] && [ "$(series_hash)" != "$st_hash" ]; then
	die "patches/ has changed since build/linux was last synced with it
(edited by hand, or new patches pulled). Exporting would overwrite that.
Run 'make tree' to apply patches/ first, or commit patches/ and move it aside."
fi

tmp=$(mktemp -d "$BUILD/export.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q --zero-commit --no-signature -N --abbrev=12 \
	--subject-prefix=PATCH -o "$tmp/raw" "$BASE_TAG..HEAD"
mkdir -p "$tmp/out"
: > "$tmp/out/series"
for f in "$tmp"/raw/*.patch; do
	[ -e "$f" ] || break
	name=$(basename "$f"); name=${name#[0-9][0-9][0-9][0-9]-}
	[ ! -e "$tmp/out/$name" ] ||
		die "two commits give the same patch file name '$name'; make their subjects differ"
	mv "$f" "$tmp/out/$name"
	echo "$name" >> "$tmp/out/series"
done

# Replace the old series' files with the new ones.
if [ -f "$PATCHES/series" ]; then
	series_files | while IFS= read -r f; do rm -f "$f"; done
fi
mkdir -p "$PATCHES"
cp "$tmp"/out/* "$PATCHES/"
for f in "$PATCHES"/*.patch; do
	[ -e "$f" ] || break
	grep -qxF "$(basename "$f")" "$PATCHES/series" ||
		warn "patches/$(basename "$f") is not in patches/series (left alone)"
done
write_state "$(series_hash)"
say "exported $(grep -c . "$PATCHES/series" || true) patch(es) to patches/"
git -C "$TOP" status --short -- patches/ >&2 || true
