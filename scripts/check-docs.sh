#!/usr/bin/env bash
# The series' documentation builds: 'make htmldocs SPHINXDIRS=x86' (6.1
# keeps the x86 book in Documentation/x86/; later kernels moved it to
# Documentation/arch/x86/) at the base and with patches/ applied, and the tip
# has no warning the base does not have. The base's warnings are kept in
# build/check-docs/ and reused while the base is the same.
# Writes build/logs/docs/{summary,*.log}; exits non-zero on a new warning
# or a failed build.
. "$(dirname "$0")/lib.sh"
need git make tar
# Debian's Sphinx: its python3, not another one first on PATH.
export PATH=/usr/bin:$PATH
[ -x /usr/bin/sphinx-build ] || die "sphinx-build missing: run 'make deps' (python3-sphinx)"

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
out=$LOGS/docs
D=$BUILD/check-docs
rm -rf "$out"
mkdir -p "$out" "$D"

# The series' tree: patches/ applied to the base in a scratch index (no
# worktree, no commit), so what is checked is patches/, whatever
# build/linux holds.
series_tree() {
	local f
	export GIT_INDEX_FILE=$D/index
	git -C "$TREE" read-tree "$BASE_TAG" || return 1
	while IFS= read -r f; do
		git -C "$TREE" apply --cached "$f" || { warn "$(basename "$f") does not apply"; return 1; }
	done < <(series_files)
	git -C "$TREE" write-tree
}
REV=$(series_tree) || die "patches/ does not apply to $BASE_TAG (see above; 'make check-series' says more)"
rm -f "$D/index"
unset GIT_INDEX_FILE

# warnings_of REV TAG: build the x86 book of REV in a scratch copy; the
# warnings, without the copy's path and line numbers, to $out/TAG.warnings.
warnings_of() {
	local rev=$1 tag=$2 src=$D/$2
	rm -rf "$src" && mkdir -p "$src"
	# What the x86 book's build reads: the docs, the build scripts and
	# the sources its kernel-doc directives name.
	git -C "$TREE" archive "$rev" Makefile Documentation scripts include arch/x86 \
		drivers/platform/x86 | tar -x -C "$src" || die "git archive $rev failed"
	if ! make -C "$src" htmldocs SPHINXDIRS=x86 > "$out/$tag.log" 2>&1; then
		tail -n 20 "$out/$tag.log" >&2
		return 1
	fi
	grep -E 'WARNING|ERROR|[Ww]arning:|[Ee]rror:' "$out/$tag.log" |
		grep -v 'dot(1) not found' |
		sed -E "s|$src/||g; s/:[0-9]+:/:/g" | LC_ALL=C sort > "$out/$tag.warnings" || true
	[ ! -f "$src/Documentation/output/x86/x86_64/fred.html" ] || touch "$out/$tag.fred-html"
	rm -rf "$src"
}

echo "== documentation: make htmldocs SPHINXDIRS=x86, $BASE_TAG vs the series"

base_id=$(git -C "$TREE" rev-parse "$BASE_TAG^{tree}")
if [ "$(cat "$D/base.id" 2>/dev/null)" = "$base_id" ] && [ -f "$D/base.warnings" ]; then
	cp "$D/base.warnings" "$out/base.warnings"
else
	warnings_of "$BASE_TAG" base || die "make htmldocs fails on $BASE_TAG itself; see build/logs/docs/base.log"
	cp "$out/base.warnings" "$D/base.warnings"
	echo "$base_id" > "$D/base.id"
fi

t=$SECONDS
if warnings_of "$REV" tip; then
	new=$(LC_ALL=C comm -13 "$out/base.warnings" "$out/tip.warnings")
	if [ -n "$new" ]; then
		printf '%s\n' "$new" > "$out/new.warnings"
		check_row "make htmldocs SPHINXDIRS=x86: no new warning" FAIL "$(wc -l <<< "$new") new: $(head -n 1 <<< "$new")"
	else
		check_row "make htmldocs SPHINXDIRS=x86: no new warning" PASS "$(wc -l < "$out/base.warnings") warning(s) before and after; $((SECONDS - t)) s"
	fi
else
	check_row "make htmldocs SPHINXDIRS=x86: no new warning" FAIL "the build fails; see build/logs/docs/tip.log"
fi

# The page is built, and linked from the x86_64 index.
if [ -f "$out/tip.fred-html" ] &&
   git -C "$TREE" show "$REV:Documentation/x86/x86_64/index.rst" | grep -qx '   fred'; then
	check_row "x86_64/fred.html built and in the x86_64 index" PASS
else
	check_row "x86_64/fred.html built and in the x86_64 index" FAIL "no fred.html, or no 'fred' in Documentation/x86/x86_64/index.rst"
fi

check_summary "$out" docs
