#!/usr/bin/env bash
# The series in Debian's own kernel source: linux 6.1.170-3 (bookworm),
# the source package whose upstream tarball is our base, unpacked with
# dpkg-source -x, which applies Debian's 160 patches. One table row each:
#   - dpkg-source applies Debian's patches (the ground we stand on);
#   - quilt push -a --fuzz=0 with the series added to debian/patches
#     (features/x86/fred/, lines appended to debian/patches/series), as a
#     Debian package would carry it, and again with QUILT_PATCHES pointing
#     at the series and QUILT_PC away from dpkg-source's .pc;
#   - git am (no 3-way fallback) in a git repository of the unpacked tree
#     (git add -f: Debian's .gitignore ignores everything but debian/);
#   - quilt and git am give the same files;
#   - Debian's rt featureset (debian/patches-rt) still applies on top, as
#     Debian's build applies it, --fuzz=0;
#   - the objects of the .c/.S files the series touches compile, with
#     default warnings (W= unset) and none allowed, in Debian's amd64
#     configuration (config.amd64_none_amd64, made from the source's
#     debian/config as Debian's build makes it): Debian's tree as shipped,
#     then with the series and CONFIG_X86_FRED=y, and =n;
#   - with CONFIG_X86_FRED=n every symbol those objects export keeps the
#     CRC (genksyms) it has in Debian's build; the row also says how many
#     change with CONFIG_X86_FRED=y.
# The unpacked source, its git repository and the object trees stay in
# build/debian-check/ between runs; the rest is made again each run.
# Writes build/logs/debian/{summary,*.log}; exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"
need dpkg-source quilt git make gcc-12 python3 flock sha256sum nice
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL

# Debian's source package, pinned: the .dsc and the packaging; the
# upstream tarball is the base (lib.sh, fetch-base.sh).
DEB_SRCPKG=$BASE_SRCPKG DEB_SRCVER=$BASE_SRCVER
DEB_DSC=linux_6.1.170-3.dsc
DEB_DSC_SHA256=03fb7bff881839fa29297adeade96dd8d7cd1edaaf2d03669220146d7a175478
DEB_DEBIAN=linux_6.1.170-3.debian.tar.xz
DEB_DEBIAN_SHA256=25805b356526715f569ee3f0e123a567ff0791d68f097036b2dc7587f7c41c19
DEB_FLAVOUR=amd64_none_amd64          # Debian's arch_featureset_flavour
FRED_PATCHDIR=features/x86/fred       # where the series goes in debian/patches

t0=$SECONDS
W=$BUILD/debian-check
out=$LOGS/debian
mkdir -p "$W"
exec {lock_fd}>"$W/.lock"
flock -n "$lock_fd" || { say "waiting for another check-debian.sh to finish with $W"; flock "$lock_fd"; }
rm -rf "$out"
mkdir -p "$out"
# shellcheck disable=SC2034  # check_row appends each row to it
CHECK_ROWS=$out/table.txt
# A snapshot of the series, in the order of its series file: every step
# below applies the same files, whatever happens to patches/ meanwhile.
snap=$W/series
rm -rf "$snap"
mkdir -p "$snap"
files=()
while IFS= read -r f; do
	cp "$f" "$snap/"
	basename "$f" >> "$snap/series"
	files+=("$snap/$(basename "$f")")
done < <(series_files)
[ ${#files[@]} -gt 0 ] || die "${PATCHES#"$TOP"/}/series names no patch"
n=${#files[@]}
lap() { say "$1 ($((SECONDS - t0)) s)"; }
# quilt_why LOG: which patch quilt could not push, and its first failure.
quilt_why() {
	local p
	p=$(sed -n 's/^Patch \(.*\) does not apply.*/\1/p' "$1" | head -n 1)
	if [ -n "$p" ]; then
		echo "${p##*/} does not apply: $(grep -m1 -E 'FAILED|malformed|fuzz' "$1" || true)"
	else
		grep -m1 -E 'FAILED|fuzz|fully applied|No patches' "$1" || tail -n 1 "$1"
	fi
}

# The paths the series touches (old and new names), and the objects of
# its kernel sources.
mapfile -t paths < <(cat "${files[@]}" | sed -n 's/^diff --git a\/\([^ ]*\) b\/\(.*\)$/\1\n\2/p' | LC_ALL=C sort -u)
mapfile -t sources < <(printf '%s\n' "${paths[@]}" |
	grep -E '^(arch|block|certs|crypto|drivers|fs|init|ipc|kernel|lib|mm|net|security|sound|virt)/.*\.[cS]$' || true)

# same_files DIR REV: every path the series touches is in DIR as in
# commit REV of the Debian git repository (or absent from both). Prints
# the paths that differ.
same_files() {
	local dir=$1 rev=$2 p want got
	for p in "${paths[@]}"; do
		want=$(git -C "$W/git" rev-parse -q --verify "$rev:$p" 2>/dev/null || echo absent)
		if [ -f "$dir/$p" ]; then
			got=$(git -C "$W/git" hash-object --no-filters -- "$dir/$p")
		else
			got=absent
		fi
		[ "$want" = "$got" ] || printf '%s ' "$p"
	done
}

echo "== Debian checks: ${#files[@]} patch(es) in Debian's linux $DEB_SRCVER"
printf '%-80s%-6s %s\n' CHECK RESULT NOTE

# --- Debian's source, unpacked once (dpkg-source applies its patches) ---
dsc=$(apt_fetch source "$DEB_SRCPKG" "$DEB_SRCVER" "$DEB_DSC" "$DEB_DSC_SHA256")
apt_fetch source "$DEB_SRCPKG" "$DEB_SRCVER" "$DEB_DEBIAN" "$DEB_DEBIAN_SHA256" >/dev/null
apt_fetch source "$BASE_SRCPKG" "$BASE_SRCVER" "$BASE_TARBALL" "$BASE_SHA256" >/dev/null
key="$DEB_DSC_SHA256 $DEB_DEBIAN_SHA256 $BASE_SHA256"
src=$W/src
if [ "$(cat "$W/src.stamp" 2>/dev/null)" != "$key" ] || [ ! -d "$src" ]; then
	lap "unpacking Debian's linux $DEB_SRCVER (dpkg-source -x)"
	rm -rf "$src" "$W/src.new" "$W/src.stamp" "$W/git" "$W/git.new" "$W/git.stamp"
	dpkg-source -x --no-copy "$dsc" "$W/src.new" > "$out/dpkg-source.log" 2>&1 ||
		{ tail -n 20 "$out/dpkg-source.log" >&2; die "dpkg-source -x $DEB_DSC failed (log: $out/dpkg-source.log)"; }
	# What quilt would change in place if a copy shared them: recorded
	# here, checked every run.
	(cd "$W/src.new" && sha256sum debian/patches/series .pc/applied-patches .pc/.quilt_patches) > "$W/src.sums"
	mv "$W/src.new" "$src"
	echo "$key" > "$W/src.stamp"
fi
deb_series=$(grep -cEv '^[[:space:]]*(#|$)' "$src/debian/patches/series")
deb_applied=$(wc -l < "$src/.pc/applied-patches")
if [ "$deb_applied" = "$deb_series" ]; then
	check_row "dpkg-source -x $DEB_DSC applies Debian's patches" PASS "$deb_applied of $deb_series"
else
	check_row "dpkg-source -x $DEB_DSC applies Debian's patches" FAIL "$deb_applied of $deb_series applied"
fi

# A git repository of the unpacked tree, made once: Debian's .gitignore
# ignores every top-level path but debian/, so git add -A alone would
# leave the kernel out of it.
if [ "$(cat "$W/git.stamp" 2>/dev/null)" != "$key" ] || ! git -C "$W/git" rev-parse -q --verify refs/tags/debian-base >/dev/null 2>&1; then
	lap "making a git repository of Debian's tree"
	rm -rf "$W/git" "$W/git.new" "$W/git.stamp"
	cp -al "$src" "$W/git.new"
	rm -rf "$W/git.new/.pc"
	git -C "$W/git.new" init -q
	git -C "$W/git.new" config gc.auto 0
	# Its files are src's (cp -al): the link counts that other copies
	# change are in the ctime, which would make git rewrite every file.
	git -C "$W/git.new" config core.trustctime false
	git -C "$W/git.new" add -f -A .
	GIT_AUTHOR_NAME=$TREE_COMMITTER_NAME GIT_AUTHOR_EMAIL=$TREE_COMMITTER_EMAIL \
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$W/git.new" commit -q -m "Debian linux $DEB_SRCVER, unpacked by dpkg-source -x"
	git -C "$W/git.new" tag debian-base
	mv "$W/git.new" "$W/git"
	echo "$key" > "$W/git.stamp"
fi
# The copies below share src's files (cp -al, as Debian's build copies
# its source): quilt, patch and git replace a file they change, never
# write into it. Check that nothing did.
bad=$(same_files "$src" debian-base)
[ -z "$(find "$src" -newer "$W/src.stamp" -print -quit)" ] || bad+=" $(find "$src" -newer "$W/src.stamp" -print -quit) (touched)"
(cd "$src" && sha256sum --quiet -c "$W/src.sums" >/dev/null 2>&1) || bad+=" debian/patches/series or .pc/"
[ -z "$bad" ] || die "$src is no longer what dpkg-source unpacked ($bad); remove $W/src and run again"

# own_copies DIR PATCH...: in DIR, a cp -al copy of src, give the files
# that the patches touch inodes of their own. quilt keeps the original
# inode of each file it patches as its backup and touches that: shared,
# it would give src's file a new time (and kbuild a reason to rebuild).
own_copies() {
	local dir=$1 p
	shift
	sed -n 's/^\(---\|+++\) [^/[:space:]]*\/\([^[:space:]]*\).*/\2/p' "$@" | LC_ALL=C sort -u |
	while IFS= read -r p; do
		{ [ -f "$dir/$p" ] && [ ! -L "$dir/$p" ]; } || continue
		cp -p "$dir/$p" "$dir/$p.fred61-copy"
		mv "$dir/$p.fred61-copy" "$dir/$p"
	done
}
mapfile -t rt_files < <(grep -Ev '^[[:space:]]*(#|$)' "$src/debian/patches-rt/series" | sed "s#^#$src/debian/patches-rt/#")

# --- quilt, the series in debian/patches as a package carries it ---
lap "quilt push: the series in debian/patches"
qd=$W/quilt-debian qo=$W/quilt-own
rm -rf "$qd" "$qo"
cp -al "$src" "$qd"
rm -rf "$qd/.pc" && cp -a "$src/.pc" "$qd/.pc"         # quilt appends to .pc/applied-patches
own_copies "$qd" "${files[@]}" "${rt_files[@]}"
mkdir -p "$qd/debian/patches/$FRED_PATCHDIR"
{
	cat "$src/debian/patches/series"
	for f in "${files[@]}"; do
		cp "$f" "$qd/debian/patches/$FRED_PATCHDIR/"
		echo "$FRED_PATCHDIR/$(basename "$f")"
	done
} > "$qd/debian/patches/series.new"
rm -f "$qd/debian/patches/series"                      # a link to src's
mv "$qd/debian/patches/series.new" "$qd/debian/patches/series"
qd_ok=0
if (cd "$qd" && QUILT_PC=.pc QUILT_PATCHES=debian/patches quilt --quiltrc - push -a --fuzz=0) > "$out/quilt-debian.log" 2>&1 &&
   [ -z "$(cd "$qd" && QUILT_PC=.pc QUILT_PATCHES=debian/patches quilt --quiltrc - unapplied 2>/dev/null)" ]; then
	off=$(grep -c 'succeeded at .*(offset' "$out/quilt-debian.log" || true)
	check_row "quilt push -a --fuzz=0, the series in debian/patches/$FRED_PATCHDIR/" PASS \
		"$n after Debian's $deb_applied$([ "$off" = 0 ] || echo ", $off hunk(s) at an offset")"
	qd_ok=1
else
	check_row "quilt push -a --fuzz=0, the series in debian/patches/$FRED_PATCHDIR/" FAIL \
		"$(quilt_why "$out/quilt-debian.log")"
fi

# --- quilt, the series on its own: QUILT_PC away from dpkg-source's .pc,
# which names debian/patches and would override QUILT_PATCHES ---
lap "quilt push: QUILT_PATCHES and QUILT_PC=.pc-fred"
cp -al "$src" "$qo"
own_copies "$qo" "${files[@]}"
qo_ok=0
if (cd "$qo" && QUILT_PC=.pc-fred QUILT_PATCHES=$snap quilt --quiltrc - push -a --fuzz=0) > "$out/quilt-own.log" 2>&1 &&
   [ "$(wc -l < "$qo/.pc-fred/applied-patches")" = "$n" ]; then
	check_row "quilt push -a --fuzz=0, QUILT_PATCHES=the series, QUILT_PC=.pc-fred" PASS "$n patch(es)"
	qo_ok=1
else
	check_row "quilt push -a --fuzz=0, QUILT_PATCHES=the series, QUILT_PC=.pc-fred" FAIL \
		"$(quilt_why "$out/quilt-own.log")"
fi

# --- git am, in order, no 3-way fallback ---
lap "git am"
g=$W/git
[ ! -d "$g/.git/rebase-apply" ] || git -C "$g" am --abort >/dev/null 2>&1 || true
git -C "$g" reset -q --hard debian-base
git -C "$g" clean -ffdxq
am_ok=0
if git -C "$g" -c am.threeWay=false -c apply.whitespace=warn -c core.autocrlf=false \
	am -q --no-3way --committer-date-is-author-date "${files[@]}" > "$out/git-am.log" 2>&1; then
	check_row "git am --no-3way on a git repository of Debian's tree" PASS "$n patch(es)"
	am_ok=1
else
	k=$(cat "$g/.git/rebase-apply/next" 2>/dev/null || echo 1)
	check_row "git am --no-3way on a git repository of Debian's tree" FAIL \
		"patch $k ($(basename "${files[$((k - 1))]}")): $(grep -m1 -E 'error|failed' "$out/git-am.log")"
	git -C "$g" am --abort >/dev/null 2>&1 || true
fi

if [ $am_ok = 1 ] && [ $qd_ok = 1 ] && [ $qo_ok = 1 ]; then
	d1=$(same_files "$qd" HEAD) d2=$(same_files "$qo" HEAD)
	if [ -z "$d1$d2" ]; then
		check_row "quilt (both ways) and git am give the same files" PASS "${#paths[@]} path(s) the series touches"
	else
		check_row "quilt (both ways) and git am give the same files" FAIL "differ: $d1$d2"
	fi
else
	check_row "quilt (both ways) and git am give the same files" FAIL "not compared: quilt or git am failed"
fi

# --- Debian's rt featureset, which its build applies on top ---
rt_n=${#rt_files[@]}
if [ $qd_ok = 1 ]; then
	lap "quilt push: debian/patches-rt on top"
	if (cd "$qd" && QUILT_PC=.pc-rt QUILT_PATCHES=debian/patches-rt quilt --quiltrc - push -a --fuzz=0) > "$out/quilt-rt.log" 2>&1 &&
	   [ "$(wc -l < "$qd/.pc-rt/applied-patches")" = "$rt_n" ]; then
		check_row "Debian's rt featureset (debian/patches-rt) applies on top, --fuzz=0" PASS "$rt_n patch(es)"
	else
		check_row "Debian's rt featureset (debian/patches-rt) applies on top, --fuzz=0" FAIL \
			"$(quilt_why "$out/quilt-rt.log")"
	fi
else
	check_row "Debian's rt featureset (debian/patches-rt) applies on top, --fuzz=0" FAIL "not tried: the series did not apply"
fi

# --- Debian's amd64 configuration, as its build makes it ---
rule=$(grep -A1 "^setup_${DEB_FLAVOUR}_real_image:" "$src/debian/rules.gen" | tail -n 1)
kconfig=$(printf '%s\n' "$rule" | sed -n "s/.* KCONFIG='\([^']*\)'.*/\1/p")
abiname=$(printf '%s\n' "$rule" | sed -n "s/.* ABINAME='\([^']*\)'.*/\1/p")
localversion=$(printf '%s\n' "$rule" | sed -n "s/.* LOCALVERSION='\([^']*\)'.*/\1/p")
{ [ -n "$kconfig" ] && [ -n "$abiname" ]; } || die "no setup rule for $DEB_FLAVOUR in $src/debian/rules.gen"
config=$W/config.$DEB_FLAVOUR
# shellcheck disable=SC2086  # KCONFIG is a list of files
(cd "$src" && PYTHONPATH=debian/lib/python python3 debian/bin/kconfig.py "$config" $kconfig \
	-o "BUILD_SALT=\"$abiname$localversion\"" -o 'MODULE_SIG_KEY="output/signing_key.pem"') ||
	die "Debian's kconfig.py failed to make $config"

# objects_in O SRCTREE DIR: the objects that DIR's Makefile builds in O's
# configuration (kbuild's own lists, composite objects expanded).
objects_in() {
	(cd "$1" && srctree=$2 objtree=. make -s -f "$2/scripts/Makefile.build" obj="$3" \
		CC=gcc-12 BITS=64 SRCARCH=x86 need-modorder=1 \
		--eval 'fred61-objects: ; @echo $(real-obj-y) $(real-obj-m)' fred61-objects) | tr ' ' '\n'
}

# build NAME SRCTREE FRED: configure O=build/debian-check/kbuild-NAME
# from Debian's configuration (FRED: y, n, or - to leave it out), and
# compile the objects of the series' sources that it builds. Sets
# built[] and skipped[]; fails on any error or warning, with why set.
built=() skipped=() why=
build() {
	local tree=$2 fred=$3 o=$W/kbuild-$1 log=$out/build-$1.log s obj dir hit want stamp
	local -A listed=()
	built=() skipped=() why=
	mkdir -p "$o"
	{
		cat "$config"
		case $fred in
		y) echo 'CONFIG_X86_FRED=y' ;;
		n) echo '# CONFIG_X86_FRED is not set' ;;
		esac
	} > "$o/config.in.new"
	# A new .config only when the input changed: kbuild then has
	# nothing to redo.
	if ! cmp -s "$o/config.in.new" "$o/config.in" || [ ! -f "$o/.config" ]; then
		mv "$o/config.in.new" "$o/config.in"
		cp "$o/config.in" "$o/.config"
	else
		rm -f "$o/config.in.new"
	fi
	: > "$log"
	# Configure (20 s) when the input or the tree changed since the
	# last time (the tree's update below removes the stamp).
	stamp=$o/.fred61-configured
	if [ ! -f "$stamp" ] || [ "$o/config.in" -nt "$stamp" ]; then
		rm -f "$stamp"
		# The options the series adds to Debian's final configuration:
		# what 'make listnewconfig' in Debian's build lists (for the log).
		if [ "$tree" != "$src" ] && [ -f "$W/kbuild-base/.config" ]; then
			nice make -s -C "$tree" O="$o" CC=gcc-12 KCONFIG_CONFIG="$W/kbuild-base/.config" listnewconfig \
				> "$o/listnewconfig.txt" 2>>"$log" || true
		fi
		if ! { nice make -s -C "$tree" O="$o" CC=gcc-12 olddefconfig &&
		       nice make -s -C "$tree" O="$o" CC=gcc-12 syncconfig; } >> "$log" 2>&1; then
			why="configuration failed: $(tail -n 1 "$log")"
			return 1
		fi
		touch "$stamp"
	fi
	[ ! -f "$o/listnewconfig.txt" ] || cp "$o/listnewconfig.txt" "$out/listnewconfig-$1.txt"
	case $fred in
	y) want='CONFIG_X86_FRED=y' ;;
	n) want='# CONFIG_X86_FRED is not set' ;;
	*) want= ;;
	esac
	if [ -n "$want" ] && ! grep -qxF "$want" "$o/.config"; then
		why="the configuration lost '$want'"
		return 1
	fi
	for s in "${sources[@]}"; do
		[ -f "$tree/$s" ] || continue
		obj=${s%.[cS]}.o dir=$(dirname "$s") hit=0
		# The object is listed in its directory's Makefile, or in a
		# parent's (a composite object: kvm-intel-y += vmx/vmx.o).
		while [ "$dir" != . ] && [ "$dir" != arch ]; do
			if [ -f "$tree/$dir/Makefile" ] || [ -f "$tree/$dir/Kbuild" ]; then
				[ -n "${listed[$dir]+set}" ] ||
					listed[$dir]=$(objects_in "$o" "$tree" "$dir" 2>>"$log" || echo "?")
				if printf '%s\n' "${listed[$dir]}" | grep -xF "$obj" >/dev/null; then hit=1; break; fi
			fi
			dir=$(dirname "$dir")
		done
		if [ $hit = 1 ]; then built+=("$obj"); else skipped+=("$obj"); fi
	done
	{ printf 'built %s\n' "${built[@]}"; printf 'not in the configuration %s\n' "${skipped[@]}"; } > "$out/objects-$1.txt"
	# kbuild's lists answered: arch/x86/kernel/traps.o is in every x86-64 kernel.
	if ! printf '%s\n' "${built[@]}" | grep -xF arch/x86/kernel/traps.o >/dev/null; then
		why="could not list the objects of the configuration (see $log)"
		return 1
	fi
	# One job: kbuild may build a single target twice (arch/x86/power/cpu.o),
	# and two at once garble its .cmd file (scripts/check-each.sh).
	if ! nice make -C "$tree" O="$o" CC=gcc-12 -j1 "${built[@]}" >> "$log" 2>&1; then
		why="does not compile: $(grep -m1 -E 'error|Error' "$log" | sed "s#$tree/##")"
		return 1
	fi
	if grep -qiE '(^|[^a-z_])warning:' "$log"; then
		why="$(grep -ciE '(^|[^a-z_])warning:' "$log") warning(s): $(grep -m1 -iE '(^|[^a-z_])warning:' "$log" | sed "s#$tree/##")"
		return 1
	fi
}

# symvers NAME OBJ...: "symbol crc" for what the objects export (genksyms).
symvers() {
	local o=$W/kbuild-$1 obj
	shift
	for obj in "$@"; do
		sed -n 's/^#SYMVER \([^ ]*\) \(0x[0-9a-f]*\)$/\1 \2/p' "$o/$(dirname "$obj")/.$(basename "$obj").cmd" 2>/dev/null
	done | LC_ALL=C sort -u
}

skip_note() { [ ${#skipped[@]} = 0 ] || echo "; not in this configuration: $(printf '%s ' "${skipped[@]##*/}")"; }

lap "building Debian's tree as shipped (baseline)"
base_ok=0 base_objs=()
if build base "$src" -; then
	base_objs=("${built[@]}")
	check_row "Debian's tree, amd64 config: the same objects, no warning (baseline)" PASS "${#built[@]} object(s)$(skip_note)"
	base_ok=1
else
	check_row "Debian's tree, amd64 config: the same objects, no warning (baseline)" FAIL "$why"
fi

# The series' builds use build/debian-check/tree, Debian's tree with the
# files the series touches (now, or in an earlier run) made what git am
# (or, where it failed, quilt) gave. Only a file that changed is
# replaced, so an unchanged series recompiles nothing.
if [ $am_ok = 1 ]; then from=$g; elif [ $qo_ok = 1 ]; then from=$qo; else from=; fi
tree=
if [ -n "$from" ]; then
	if [ "$(cat "$W/tree.stamp" 2>/dev/null)" != "$key" ] || [ ! -d "$W/tree" ]; then
		rm -rf "$W/tree" "$W/tree.new" "$W/tree.stamp" "$W/tree.paths"
		cp -al "$src" "$W/tree.new"
		rm -rf "$W/tree.new/.pc"
		mv "$W/tree.new" "$W/tree"
		echo "$key" > "$W/tree.stamp"
	fi
	while IFS= read -r p; do
		if [ -f "$from/$p" ]; then
			cmp -s "$from/$p" "$W/tree/$p" && continue
			rm -f "$W/kbuild-fred-y/.fred61-configured" "$W/kbuild-fred-n/.fred61-configured" "$W/tree/$p"
			mkdir -p "$(dirname "$W/tree/$p")"
			cp "$from/$p" "$W/tree/$p"             # a new file: it may have been a link to src's
		elif [ -e "$W/tree/$p" ]; then
			rm -f "$W/kbuild-fred-y/.fred61-configured" "$W/kbuild-fred-n/.fred61-configured" "$W/tree/$p"
		fi
	done < <({ cat "$W/tree.paths" 2>/dev/null || true; printf '%s\n' "${paths[@]}"; } | LC_ALL=C sort -u)
	printf '%s\n' "${paths[@]}" > "$W/tree.paths"
	tree=$W/tree
fi
y_ok=0 n_ok=0 y_objs=() n_objs=()
for fred in y n; do
	row="series in Debian's tree, amd64 config + CONFIG_X86_FRED=$fred: objects, no warning"
	if [ -z "$tree" ]; then
		check_row "$row" FAIL "not built: the series does not apply"
		continue
	fi
	lap "building with the series, CONFIG_X86_FRED=$fred"
	if build "fred-$fred" "$tree" "$fred"; then
		check_row "$row" PASS "${#built[@]} object(s)$(skip_note)"
		if [ $fred = y ]; then y_ok=1 y_objs=("${built[@]}"); else n_ok=1 n_objs=("${built[@]}"); fi
	else
		check_row "$row" FAIL "$why"
	fi
done

# --- the module ABI: what the touched objects export, and its CRCs ---
row="CONFIG_X86_FRED=n: every symbol they export keeps Debian's CRC"
if ! grep -qx 'CONFIG_MODVERSIONS=y' "$W/kbuild-base/.config" 2>/dev/null; then
	check_row "$row" FAIL "Debian's configuration has no CONFIG_MODVERSIONS=y: nothing to compare"
elif [ $base_ok = 1 ] && [ $n_ok = 1 ] && [ $y_ok = 1 ]; then
	symvers base "${base_objs[@]}" > "$out/symvers-base"
	symvers fred-n "${n_objs[@]}" > "$out/symvers-fred-n"
	symvers fred-y "${y_objs[@]}" > "$out/symvers-fred-y"
	# changed or removed: a line of the base that the other lacks
	chg_n=$(LC_ALL=C comm -23 "$out/symvers-base" "$out/symvers-fred-n" | cut -d' ' -f1)
	chg_y=$(LC_ALL=C comm -23 "$out/symvers-base" "$out/symvers-fred-y" | cut -d' ' -f1)
	add_n=$(LC_ALL=C join -v2 <(cut -d' ' -f1 "$out/symvers-base") <(cut -d' ' -f1 "$out/symvers-fred-n"))
	total=$(wc -l < "$out/symvers-base")
	ny=$(printf '%s' "$chg_y" | grep -c . || true)
	yes_note="with =y $ny of $total change"
	if [ -z "$chg_n" ]; then
		check_row "$row" PASS "$total symbol(s)$([ -z "$add_n" ] || echo ", added: $(printf '%s' "$add_n" | tr '\n' ' ')"); $yes_note"
	else
		check_row "$row" FAIL "changed or removed: $(printf '%s' "$chg_n" | tr '\n' ' '); $yes_note"
	fi
	{ echo "CRC changed or removed with CONFIG_X86_FRED=y:"; printf '%s\n' "$chg_y"; } > "$out/symvers-fred-y.changed"
else
	check_row "$row" FAIL "not compared: a build failed"
fi

# The quilt trees are made again each run; a failed run leaves them to look at.
[ "$CHECK_FAILED" != 0 ] || rm -rf "$qd" "$qo"
echo "check-debian: $((SECONDS - t0)) s wall time (logs: ${out#"$TOP"/}/)"
check_summary "$out" debian
