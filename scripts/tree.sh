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

mkdir -p "$BUILD"
if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	make_base
fi
sync_tree
