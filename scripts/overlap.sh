#!/usr/bin/env bash
# overlap.sh: how much of each file the series adds is also in Linux 6.12.
#
#   overlap.sh [-r REV] [-l] [PATH...]
#
# -l also lists, under each file, the lines it shares with 6.12 (as
# compared: comments and whitespace gone).
# PATHs default to the files that v6.1.170..REV adds under arch/ and
# include/ (git diff --diff-filter=A, renames off) in build/linux; REV
# defaults to HEAD. Our side is read from REV with git show, so the work
# tree does not matter. The 6.12 side is the same path in the reference
# kernel's source (Debian's linux-source-6.12, pinned in lib.sh): read
# from build/ref/linux-6.12 if ref-kernel.sh extracted it there, else the
# files are taken from the pinned tarball, which is fetched the way
# ref-kernel.sh fetches it (the installed package, or the .deb through
# apt's configured sources, unpacked once into the cache).
#
# The measure, for each file:
#  - Comments are removed (/* ... */, also across lines, and // to the
#    end of the line; string and character literals are left alone).
#  - A line is trivial, and is not counted on either side, if after that
#    it is blank; or holds nothing but braces, parentheses, brackets,
#    semicolons, commas, colons or a line-continuation backslash ("}",
#    "};", "{", "),"); or is a preprocessor #include, #if, #ifdef,
#    #ifndef, #elif, #else or #endif, or a #define without a value
#    (include guards); or is one of "return;", "break;", "continue;",
#    "fallthrough;", "default:", "else", "do", alone or with "}" before
#    or "{" after it. Everything else is a non-trivial line.
#  - Lines are compared with all whitespace removed (what git diff -w
#    ignores).
#  - A non-trivial line of ours is shared when 6.12's file has a
#    non-trivial line equal to it; lines are matched one to one (a line
#    we have three times and 6.12 once counts once).
#  - The figure is shared / non-trivial lines of ours, in per cent. A file
#    6.12 does not have shares nothing (shown as "-").
. "$(dirname "$0")/lib.sh"
need git tar xz sha256sum awk sort comm

rev=HEAD list=0
while getopts r:lh opt; do
	case $opt in
	r) rev=$OPTARG ;;
	l) list=1 ;;
	h) sed -n '2,/^\. /{/^\. /d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "usage: $0 [-r REV] [-l] [PATH...]" ;;
	esac
done
shift $((OPTIND - 1))

[ -d "$TREE/.git" ] || die "no tree at $TREE; run 'make tree'"
git -C "$TREE" rev-parse -q --verify "$rev^{commit}" >/dev/null ||
	die "$TREE_NAME has no commit '$rev'"
git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$TREE_NAME has no tag $BASE_TAG"

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git -C "$TREE" diff --no-renames --diff-filter=A \
		--name-only "$BASE_TAG" "$rev" -- arch include)
fi
[ ${#files[@]} -gt 0 ] || die "$BASE_TAG..$rev adds no file under arch/ or include/"

# Where 6.12 keeps a file that moved since 6.1 (only the documentation has).
ref_path() {
	case $1 in
	Documentation/x86/*) echo "Documentation/arch/${1#Documentation/}" ;;
	*) echo "$1" ;;
	esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/overlap.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ref: a directory holding 6.12's files at their paths.
if [ -d "$REF_SRC" ] && [ "$(cat "$REF_SRC/.fred61-ref" 2>/dev/null)" = "$REF_TARBALL_SHA256" ]; then
	ref=$REF_SRC
else
	need dpkg-query
	tarball=$(ref_tarball)
	ref=$work/ref
	mkdir -p "$ref"
	top=$(tar -tf "$tarball" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
	[ -n "$top" ] || die "cannot list $tarball"
	members=()
	for f in "${files[@]}"; do
		members+=("$top/$(ref_path "$f")")
	done
	say "extracting ${#members[@]} file(s) of Linux $REF_VERSION from $(basename "$tarball")"
	# A path 6.12 does not have is not in the archive: tar says so and
	# extracts the others; each file is checked for below.
	nice tar -xf "$tarball" -C "$ref" --strip-components=1 --no-same-owner \
		"${members[@]}" 2>"$work/tar.log" || true
	grep -v 'Not found in archive\|Exiting with failure status' "$work/tar.log" >&2 || true
fi

# normalise: the non-trivial lines of stdin, comments and whitespace gone,
# one a line (see the measure above).
normalise() {
	awk -v sq="'" '
	function strip(line,    out, i, n, c, nx) {
		out = ""; n = length(line); i = 1
		while (i <= n) {
			c = substr(line, i, 1); nx = substr(line, i + 1, 1)
			if (inblock) {
				if (c == "*" && nx == "/") { inblock = 0; i += 2 } else i++
				continue
			}
			if (quote != "") {
				out = out c
				if (c == "\\") { out = out nx; i += 2; continue }
				if (c == quote) quote = ""
				i++; continue
			}
			if (c == "/" && nx == "*") { inblock = 1; i += 2; out = out " "; continue }
			if (c == "/" && nx == "/") break
			if (c == "\"" || c == sq) quote = c
			out = out c; i++
		}
		quote = ""			# literals do not span lines
		return out
	}
	{
		t = strip($0)
		gsub(/[ \t\r\f\v]+/, " ", t); sub(/^ /, "", t); sub(/ $/, "", t)
		if (t == "") next
		if (t ~ /^[][{}();,:\\ ]+$/) next
		if (t ~ /^# ?(include|if|ifdef|ifndef|elif|else|endif)([^A-Za-z0-9_]|$)/) next
		if (t ~ /^# ?define [A-Za-z0-9_]+$/) next
		if (t ~ /^(\} ?)?(return;|break;|continue;|fallthrough;|default:|else|do)( ?\{)?$/) next
		gsub(/ /, "", t)
		print t
	}'
}

printf '%-44s %9s %9s %8s\n' "file (ours at $(git -C "$TREE" rev-parse --short "$rev"))" lines shared "in 6.12"
tl=0 ts=0
for f in "${files[@]}"; do
	git -C "$TREE" cat-file -e "$rev:$f" 2>/dev/null || die "$rev has no $f"
	git -C "$TREE" show "$rev:$f" | normalise | LC_ALL=C sort > "$work/ours"
	n=$(wc -l < "$work/ours")
	rp=$(ref_path "$f")
	if [ -f "$ref/$rp" ]; then
		normalise < "$ref/$rp" | LC_ALL=C sort > "$work/theirs"
		s=$(LC_ALL=C comm -12 "$work/ours" "$work/theirs" | wc -l)
		if [ "$n" -gt 0 ]; then
			pct=$(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.0f%%", 100 * s / n }')
		else
			pct="-"
		fi
	else
		s=0 pct="-"
	fi
	tl=$((tl + n)) ts=$((ts + s))
	printf '%-44s %9d %9d %8s\n' "$f" "$n" "$s" "$pct"
	if [ $list = 1 ] && [ "$s" -gt 0 ]; then
		LC_ALL=C comm -12 "$work/ours" "$work/theirs" | sed 's/^/    | /'
	fi
done
if [ ${#files[@]} -gt 1 ] && [ "$tl" -gt 0 ]; then
	printf '%-44s %9d %9d %8s\n' "all of the above" "$tl" "$ts" \
		"$(awk -v s="$ts" -v n="$tl" 'BEGIN { printf "%.0f%%", 100 * s / n }')"
fi
echo "(Linux $REF_VERSION from $REF_PKG $REF_PKGVER; '-': no such file in 6.12)"
