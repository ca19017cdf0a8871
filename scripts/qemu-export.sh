#!/usr/bin/env bash
# Regenerate qemu/ from the commits $QEMU_TAG..HEAD in build/qemu/src, as
# export.sh does for patches/: reproducible (no commit hashes, numbers or
# version trailers that change for nothing), file names from the subjects,
# order in qemu/series (its comment lines are kept). Refuses rather than
# overwrite work in either place.
. "$(dirname "$0")/lib.sh"
use_qemu_tree
need git

[ -d "$TREE/.git" ] || die "no QEMU tree at $TREE; run 'make qemu-tree'"
[ ! -d "$TREE/.git/rebase-apply" ] || die "build/qemu/src has a 'git am' or rebase in progress"
git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "build/qemu/src has no tag $BASE_TAG; it was not made by scripts/qemu-tree.sh"
tree_is_clean "$TREE" ||
	die "build/qemu/src has uncommitted changes; commit them (one commit per patch) first:
$(git -C "$TREE" status --short | head -n 20)"
read_state
if [ -f "$PATCHES/series" ] && [ "$(series_hash)" != "$st_hash" ]; then
	die "qemu/ has changed since build/qemu/src was last synced with it
(edited by hand, or new patches pulled). Exporting would overwrite that.
Run 'make qemu-tree' to apply qemu/ first, or commit qemu/ and move it aside."
fi

tmp=$(mktemp -d "$BUILD/qemu-export.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The same files whatever the user's git configuration says.
fixed=(-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.renames=true
       -c format.coverLetter=false -c format.thread=false -c format.signOff=false
       -c format.notes=false -c format.useAutoBase=false -c format.suffix=.patch
       -c format.filenameMaxLength=64)
git -C "$TREE" "${fixed[@]}" format-patch -q --no-numbered --zero-commit \
	--no-signature --abbrev=12 --subject-prefix=PATCH -o "$tmp/raw" "$BASE_TAG..HEAD"
mkdir -p "$tmp/out"
if [ -f "$PATCHES/series" ]; then
	grep '^#' "$PATCHES/series" > "$tmp/out/series" || true
else
	printf '%s\n' "# Our patches to Debian's QEMU (scripts/lib.sh: QEMU_SRCVER), in order." \
		"# Written by 'make qemu-export' from build/qemu/src; see README.md." > "$tmp/out/series"
fi
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
		warn "qemu/$(basename "$f") is not in qemu/series (left alone)"
done
write_state "$(series_hash)"
say "exported $(series_files | wc -l) patch(es) to qemu/"
git -C "$TOP" status --short -- qemu/ >&2 || true
