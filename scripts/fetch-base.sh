#!/usr/bin/env bash
# Fetch the pinned base tarball into the cache, through apt's configured
# sources, and check its sha256. Prints the tarball's path.
. "$(dirname "$0")/lib.sh"

tarball=$CACHE/$BASE_TARBALL

check_sum() {
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$BASE_SHA256" ] && return 0
	die "checksum mismatch for $1
  expected sha256 $BASE_SHA256
  got      sha256 $got
  The file is not the pinned base. Remove it and run again to re-fetch."
}

if [ -f "$tarball" ]; then
	check_sum "$tarball"
	echo "$tarball"
	exit 0
fi

need apt-get sha256sum
helper=/usr/lib/apt/apt-helper
[ -x "$helper" ] || die "$helper not found (package apt)"
mkdir -p "$CACHE"

# A private apt view: the system's own sources, as deb-src. Nothing under
# /etc is changed and no host name is written by us anywhere.
apt_dir=$CACHE/apt
rm -rf "$apt_dir"
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial"
found=0
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb\(-src\)\?[[:space:]]/deb-src /p' "$f" \
		>> "$apt_dir/parts/src.list"
	found=1
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt_dir/parts/$(basename "$f")"
	found=1
done
[ $found = 1 ] || die "no apt sources configured in /etc/apt"

apt_opts=(-o Dir::Etc::SourceList=/dev/null
	  -o "Dir::Etc::SourceParts=$apt_dir/parts"
	  -o "Dir::State::Lists=$apt_dir/lists")
say "updating source indexes (private copy under $apt_dir)"
apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
	{ tail -n 20 "$apt_dir/update.log" >&2; die "apt-get update of the source indexes failed"; }

uris=$(apt-get "${apt_opts[@]}" source --print-uris "$BASE_SRCPKG=$BASE_SRCVER" 2>&1) ||
	die "apt cannot find source package $BASE_SRCPKG $BASE_SRCVER:
$uris"
line=$(printf '%s\n' "$uris" | grep -F " $BASE_TARBALL " | head -n 1) ||
	die "source package $BASE_SRCPKG $BASE_SRCVER has no $BASE_TARBALL"
uri=$(printf '%s\n' "$line" | cut -d"'" -f2)
index_sum=$(printf '%s\n' "$line" | sed -n 's/.*SHA256:\([0-9a-f]*\).*/\1/p')
[ "$index_sum" = "$BASE_SHA256" ] ||
	die "the apt index lists $BASE_TARBALL with sha256 '$index_sum', not the pinned $BASE_SHA256"

say "downloading $BASE_TARBALL ($BASE_SRCPKG $BASE_SRCVER) through apt"
"$helper" download-file "$uri" "$tarball.part" "SHA256:$BASE_SHA256" \
	>"$apt_dir/download.log" 2>&1 ||
	{ tail -n 20 "$apt_dir/download.log" >&2; rm -f "$tarball.part"; die "download of $BASE_TARBALL failed"; }
check_sum "$tarball.part"
mv "$tarball.part" "$tarball"
echo "$tarball"
