#!/usr/bin/env bash
# Make build/linux a git tree at tag v6.1.170 with patches/series applied,
# one commit per patch. Incremental: only the patches after the first one
# that changed are re-applied. Never discards work: a tree with uncommitted
# changes or commits that were not exported is left alone when patches/ has
# changed too.
. "$(dirname "$0")/lib.sh"
need git tar xz sha256sum
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL

make_base() {
	local tarball tmp
	tarball=$("$TOP/scripts/fetch-base.sh")
	tmp=$BUILD/linux.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
	say "extracting $(basename "$tarball")"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	say "creating the base commit (tag $BASE_TAG)"
	(
		cd "$tmp"
		git init -q -b base
		git config gc.auto 0
		git config core.abbrev 12
		git add -A -f
		GIT_AUTHOR_NAME="Linux $BASE_VERSION" GIT_AUTHOR_EMAIL="fred61@localhost" \
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git commit -q -m "Linux $BASE_VERSION" \
			-m "Debian source package $BASE_SRCPKG $BASE_SRCVER, $BASE_TARBALL, sha256 $BASE_SHA256"
		git tag "$BASE_TAG"
		git checkout -q -b fred
	)
	mv "$tmp" "$TREE"
}

apply_from() {
	local start=$1 i=0 f out
	while IFS= read -r f; do
		i=$((i + 1))
		[ $i -gt "$start" ] || continue
		if ! out=$(git -C "$TREE" am -q --committer-date-is-author-date "$f" 2>&1); then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			write_state "partial"
			die "patch $i ($(basename "$f")) does not apply on top of the ones before it:
$(printf '%s\n' "$out" | grep -E '^(error|fatal|Patch failed)' || printf '%s\n' "$out")
build/linux is left at patch $((i - 1)); fix patches/ and run again."
		fi
	done < <(series_files)
}

mkdir -p "$BUILD"
if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	make_base
fi
git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$TREE has no tag $BASE_TAG; it was not made by this script"
[ ! -d "$TREE/.git/rebase-apply" ] ||
	die "$TREE has a 'git am' in progress; finish or abort it first"

read_state
hash=$(series_hash)
head=$(git -C "$TREE" rev-parse HEAD)
n=$(series_files | wc -l)

if [ "$hash" = "$st_hash" ]; then
	if [ "$head" != "$st_head" ]; then
		ahead=$(git -C "$TREE" rev-list --count "$st_head..HEAD" 2>/dev/null || echo "?")
		warn "build/linux has moved on from patches/ ($ahead new commit(s)); building the tree as it is. 'make export' updates patches/."
	fi
	tree_is_clean "$TREE" || warn "build/linux has uncommitted changes; they are built but not in patches/"
	say "tree up to date: $BASE_TAG + $n patch(es)"
	exit 0
fi

# patches/ changed since the last sync: bring the tree to it.
tree_is_clean "$TREE" ||
	die "patches/ changed, and build/linux has uncommitted changes:
$(git -C "$TREE" status --short | head -n 20)
Commit them and 'make export', or stash them, then run again."
# Commits in the tree that the last sync does not contain are unexported
# work. (A tree reset back to an earlier point has none.)
if [ -n "$st_head" ] && [ -n "$(git -C "$TREE" rev-list "$st_head..HEAD" 2>/dev/null || echo unknown)" ]; then
	die "patches/ changed, and build/linux has commits that were never exported
(HEAD $head, last sync $st_head).
Export them ('make export', which refuses if patches/ has new work too) or
move them to a branch, then 'git -C build/linux reset --hard $st_head'."
fi
[ -n "$st_head" ] || [ "$head" = "$(git -C "$TREE" rev-parse "$BASE_TAG")" ] ||
	die "build/linux is not at $BASE_TAG and has no sync record; move it away to rebuild it"

# Keep the longest prefix of patches whose files did not change.
keep=0
while IFS= read -r f; do
	[ $keep -lt ${#st_sum[@]} ] || break
	[ "$(sha256sum < "$f" | cut -d' ' -f1)" = "${st_sum[$keep]}" ] || break
	keep=$((keep + 1))
done < <(series_files)
if [ $keep -gt 0 ]; then
	target=${st_commit[$((keep - 1))]}
else
	target=$BASE_TAG
fi
say "applying patches $((keep + 1))..$n on top of $(git -C "$TREE" log -1 --format='%h %s' "$target")"
git -C "$TREE" reset -q --hard "$target"
apply_from "$keep"
write_state "$hash"
say "tree ready: $BASE_TAG + $n patch(es) at $(git -C "$TREE" rev-parse --short HEAD)"
