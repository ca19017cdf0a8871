#!/usr/bin/env bash
# Every patch on its own, as 'git am' of patches/ onto v6.1.170 makes it:
#   - it builds (bzImage and modules) with CONFIG_X86_FRED=y and with =n,
#     on the fast configuration (configs/check/fast.config on top of
#     tinyconfig), with no compiler, objtool or modpost warning the base
#     does not have;
#   - it adds no sparse warning to the C files it touches (sparse on them
#     before and after the patch, FRED=y build);
#   - it adds no scripts/kernel-doc warning (-none -v) to the C files and
#     headers it touches;
#   - at the tip, the module ABI (CONFIG_MODVERSIONS=y): every export has
#     a CRC, with FRED=y and =n, and with FRED=n every export of v6.1.170
#     keeps its CRC (Module.symvers against the base's); what FRED=y
#     changes is listed in build/logs/check/abi-fred-y.txt.
# At the end of the series, every .c and .S file the series touches must
# be compiled by the fast configuration, or the per-patch builds would
# prove nothing about it.
#
# The patches are applied in a scratch worktree of build/linux
# (build/check/linux); objects go to build/check/{y,n}. Logs and one row
# per check: build/logs/check/. Exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"
check_each_env
need make gcc git sparse ccache perl objdump nm
# The patches, as 'git am' applies them below.
mapfile -t files < <(series_files)
[ ${#files[@]} -gt 0 ] || die "the series is empty"
# CHECK_BUILD=full (the default): every patch is built whole, bzImage and
# modules, linked, objtool and modpost run. CHECK_BUILD=touched (what make
# test uses: a cold full run does not fit CI's time): every patch compiles
# only the .c and .S files it touches, and the series' tip is built whole.
BMODE=${CHECK_BUILD:-full}
# CHECK_FROM=N / CHECK_TO=M: check only patches N..M (all are applied).
FROM=${CHECK_FROM:-1} TO=${CHECK_TO:-${#files[@]}}
check_int CHECK_FROM "$FROM" 1 "${#files[@]}"
check_int CHECK_TO "$TO" "$FROM" "${#files[@]}"

# build/linux only lends the worktree its repository and the base tag.
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh"
export GIT_COMMITTER_NAME=$TREE_COMMITTER_NAME GIT_COMMITTER_EMAIL=$TREE_COMMITTER_EMAIL
export KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=fred61 KBUILD_BUILD_HOST=fred61
C=$BUILD/check
# ccache shared with make kernel; paths relative to build/check, so a
# second run (or CI with a warm cache) hits for every unchanged object.
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
export CCACHE_BASEDIR=$C
W=$C/linux
out=$LOGS/check
rm -rf "$out"
mkdir -p "$out" "$C"
FRAG=$TOP/configs/check/fast.config
CHECK_ROWS=$out/rows

# The commits: a fresh 'git am' of the series onto the base. The worktree
# is scratch: it is reset every run.
# A worktree has a .git file; anything else at $W is a leftover of an
# interrupted run (and git -C would find the project's own repository).
if [ ! -f "$W/.git" ]; then
	rm -rf "$W"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$W" "$BASE_TAG" || die "git worktree add $W failed"
fi
git -C "$W" am --abort >/dev/null 2>&1 || true
git -C "$W" checkout -q -f --detach "$BASE_TAG"
git -C "$W" clean -q -fdx
if ! git -C "$W" am -q --committer-date-is-author-date "${files[@]}" > "$out/git-am.log" 2>&1; then
	n=$(cat "$(git -C "$W" rev-parse --git-dir)/rebase-apply/next" 2>/dev/null || echo 1)
	git -C "$W" am --abort >/dev/null 2>&1 || true
	die "patch $n ($(basename "${files[$((n - 1))]}")) does not apply; see ${out#"$TOP"/}/git-am.log"
fi
mapfile -t commits < <(git -C "$W" rev-list --reverse "$BASE_TAG..HEAD")
N=${#commits[@]}
name() { basename "${files[$(($1 - 1))]}"; }

# The configuration, made once from the tip's Kconfig: tinyconfig plus the
# fragment, which must hold. Each commit then gets it with X86_FRED set;
# olddefconfig drops what a commit does not define yet.
base_cfg=$C/fast.config.base
git -C "$W" checkout -q --detach "${commits[$((N - 1))]}"
rm -rf "$C/cfg" && mkdir -p "$C/cfg"
{
	make -C "$W" O="$C/cfg" tinyconfig &&
	(cd "$W" && ./scripts/kconfig/merge_config.sh -m -O "$C/cfg" "$C/cfg/.config" "$FRAG") &&
	make -C "$W" O="$C/cfg" olddefconfig
} > "$out/config.log" 2>&1 || { tail -n 20 "$out/config.log" >&2; die "making the fast configuration failed"; }
bad=0
while IFS= read -r line; do
	opt=${line%%=*}
	got=$(grep -E "^$opt=|^# $opt is not set" "$C/cfg/.config" || true)
	[ "$got" = "$line" ] || { warn "configs/check/fast.config: asked for '$line', got '${got:-nothing}'"; bad=1; }
done < <(grep -E '^CONFIG_' "$FRAG")
[ $bad = 0 ] || die "configs/check/fast.config does not hold after olddefconfig (see above)"
cp "$C/cfg/.config" "$base_cfg"

# What each commit touches: C files for sparse, C and header files for
# kernel-doc (tools/ is user space, not for either).
touched() { # COMMIT PATTERN...
	local c=$1; shift
	git -C "$W" diff --name-only --diff-filter=AM "$c^" "$c" -- "$@" | grep -v '^tools/' || true
}
sparse_files=() kdoc_files=() build_files=()
for i in $(seq 1 "$N"); do
	build_files[i]=$(touched "${commits[$((i - 1))]}" '*.c' '*.S' | paste -sd' ')
	sparse_files[i]=$(touched "${commits[$((i - 1))]}" '*.c' | paste -sd' ')
	kdoc_files[i]=$(touched "${commits[$((i - 1))]}" '*.c' '*.h' | paste -sd' ')
done

# configure VARIANT: the fast configuration with X86_FRED=VARIANT, for
# the checked-out commit, in build/check/VARIANT.
configure() {
	local o=$C/$1
	mkdir -p "$o"
	cp "$base_cfg" "$o/.config"
	"$W/scripts/config" --file "$o/.config" "$([ "$1" = n ] && echo --disable || echo --enable)" X86_FRED
	make -C "$W" O="$o" olddefconfig
}
# build VARIANT LOG: configure and build the checked-out commit.
build() {
	configure "$1" > "$2" 2>&1 &&
		make -C "$W" O="$C/$1" CC="ccache gcc" -j"$JOBS" bzImage modules >> "$2" 2>&1
}
# in_config VARIANT OBJECT: kbuild compiles any file asked for by name, so
# touched mode asks only for the objects the configuration builds: the
# Makefile line that adds the object (in its directory or a parent, for
# a module's part) names no CONFIG_ option, or one set to y or m.
in_config() {
	local d=$2 line v
	while [ "$d" != . ]; do
		d=$(dirname "$d")
		line=$(grep -hE "^[A-Za-z0-9_-]+-(\\\$\([A-Z0-9_]+\)|y|m|objs)[[:space:]]*[:+]?=.*(^|[[:space:]/])${2#"$d"/}([[:space:]]|$)" \
			"$W/$d/Makefile" "$W/$d/Kbuild" 2>/dev/null | head -n 1 || true)
		[ -z "$line" ] || break
	done
	[ -n "$line" ] || return 0
	v=$(sed -nE 's/^[^=]*\$\((CONFIG_[A-Z0-9_]+)\).*/\1/p' <<< "$line")
	[ -z "$v" ] || grep -qE "^$v=(y|m)$" "$C/$1/.config"
}
# build_objects VARIANT LOG OBJECT...: configure, then compile only those
# objects (CHECK_BUILD=touched). An object the configuration does not
# build at this commit has no rule: it is listed in LOG.skipped, not an
# error; any other failed target is.
# One job: 6.1's kbuild may build a single target twice (it does
# arch/x86/power/cpu.o, once per way the tree reaches its directory), and
# two at once write the same .cmd file; a garbled .cmd stops every later
# build of that tree ("missing separator"), as it did in CI at the tip.
build_objects() {
	local v=$1 log=$2 failed
	shift 2
	configure "$v" > "$log" 2>&1 || return 1
	local o objs=()
	for o in "$@"; do
		if in_config "$v" "$o"; then objs+=("$o"); else echo "$o" >> "$log.skipped"; fi
	done
	set -- "${objs[@]}"
	[ $# -gt 0 ] || return 0
	make -k -C "$W" O="$C/$v" CC="ccache gcc" -j1 "$@" >> "$log" 2>&1 && return 0
	sed -nE "s/.*No rule to make target '([^']+)'.*/\1/p" "$log" | sort -u >> "$log.skipped"
	failed=$(sed -nE 's/.*\*\*\* \[[^]]*: ([^] ]+)\] Error [0-9]+$/\1/p' "$log" | sort -u |
		grep -vxF -f "$log.skipped" || true)
	[ -z "$failed" ]
}

# objects_of FILES: the objects of those FILES that exist at the
# checked-out commit. Sparse is asked for each (make -k): one the fast
# configuration does not build gives no warning, before as after.
objects_of() {
	local f
	for f in "$@"; do
		[ -f "$W/$f" ] && printf '%s\n' "${f%.*}.o"
	done
	return 0
}
# build_objects_of FILES: the objects to compile for FILES. The 32-bit
# vDSO's sources assemble only under the rules that build the vDSO image
# (-m32 and its flags), not as a kernel object of their own name: ask for
# the image's object, which builds them.
build_objects_of() {
	local o
	objects_of "$@" | while read -r o; do
		case $o in
		arch/x86/entry/vdso/vdso32/*) echo arch/x86/entry/vdso/vdso-image-32.o ;;
		*) echo "$o" ;;
		esac
	done | awk '!seen[$0]++'
}
# sparse_at TAG FILES: sparse (C=2) on FILES' objects at the checked-out
# commit, warnings only, without line numbers, sorted: a multiset that
# compares across a patch that moves lines.
sparse_at() {
	local tag=$1; shift
	local objs
	mapfile -t objs < <(objects_of "$@")
	: > "$out/sparse-$tag"
	[ ${#objs[@]} -gt 0 ] || return 0
	make -k -C "$W" O="$C/y" CC="ccache gcc" C=2 -j1 "${objs[@]}" > "$out/sparse-$tag.log" 2>&1 || true
	grep -E ': (warning|error): ' "$out/sparse-$tag.log" |
		sed -E "s#^(\.\./linux/|$W/)##; s/^([^:]+):[0-9]+:[0-9]+: /\1: /" | LC_ALL=C sort > "$out/sparse-$tag" || true
}
kdoc_at() {
	local tag=$1 f; shift
	: > "$out/kdoc-$tag"
	for f in "$@"; do
		[ -f "$W/$f" ] || continue
		# 6.1's kernel-doc has no -Wall; -v adds the warnings about
		# what a comment leaves undescribed (and info lines, dropped).
		(cd "$W" && ./scripts/kernel-doc -none -v "$f" 2>&1) | grep -v ': info: ' |
			sed -E 's/^([^:]+):[0-9]+: /\1: /' >> "$out/kdoc-$tag" || true
	done
	LC_ALL=C sort -o "$out/kdoc-$tag" "$out/kdoc-$tag"
}
# in_files "FILE...": the lines of stdin about those files (a header's
# own warnings, seen because a touched file includes it, are not the
# patch's).
in_files() {
	grep -F -f <(tr ' ' '\n' <<< "$1" | grep . | sed 's/$/: /') || true
}
# new_lines BEFORE AFTER: what AFTER has more of than BEFORE.
new_lines() { LC_ALL=C comm -13 "$1" "$2"; }
# build_warnings LOG: the compiler, objtool and modpost warnings of a
# build log, without line numbers and code offsets, sorted and unique (an
# incremental build repeats only the warnings of what it rebuilds).
build_warnings() {
	grep -E 'warning:|[Ee]rror:' "$1" |
		sed -E 's/^([^:]+):[0-9]+:([0-9]+:)? /\1: /; s/\+0x[0-9a-f]+/+OFF/g' |
		LC_ALL=C sort -u || true
}

echo "== per-patch checks: $N patch(es), fast config (configs/check/fast.config), FRED=y and FRED=n, CHECK_BUILD=$BMODE"
t_all=$SECONDS
# Before the first patch: the base, built for the warnings it has of its
# own (a patch fails on a warning the base does not have), and for sparse
# and kernel-doc's "before".
# The base's warnings are kept (build/check/warnings-base.*) for the same
# base, configuration and compiler.
git -C "$W" checkout -q --detach "$BASE_TAG"
key=$( { git -C "$W" rev-parse "$BASE_TAG^{tree}"; cat "$base_cfg"; gcc --version | head -n 1; } | sha256sum | cut -c1-16)
if [ -f "$C/warnings-base.$key" ] && [ -f "$C/symvers-base.$key" ]; then
	cp "$C/warnings-base.$key" "$out/warnings-base"
	echo "   $BASE_TAG: $(wc -l < "$out/warnings-base") warning(s) of its own (kept from an earlier run)"
	configure y > "$out/00-y.log" 2>&1 || die "configuring the base failed; see ${out#"$TOP"/}/00-y.log"
else
	t=$SECONDS
	build y "$out/00-y.log" || die "the base does not build with the fast configuration; see ${out#"$TOP"/}/00-y.log"
	build_warnings "$out/00-y.log" > "$out/warnings-base"
	cp "$C/y/Module.symvers" "$C/symvers-base.$key"
	cp "$out/warnings-base" "$C/warnings-base.$key"
	echo "   $BASE_TAG: built in $((SECONDS - t)) s, $(wc -l < "$out/warnings-base") warning(s) of its own"
fi
if [ "$FROM" -gt 1 ]; then
	echo "   checking patches $FROM..$TO only (CHECK_FROM, CHECK_TO)"
	git -C "$W" checkout -q --detach "${commits[$((FROM - 2))]}"
fi
read -ra fs <<< "${sparse_files[FROM]}"; sparse_at "$FROM.before" "${fs[@]}"
read -ra fs <<< "${kdoc_files[FROM]}"; kdoc_at "$FROM.before" "${fs[@]}"
for i in $(seq "$FROM" "$TO"); do
	c=${commits[$((i - 1))]}
	git -C "$W" checkout -q --detach "$c"
	p=$(name "$i")
	for v in y n; do
		log=$out/$(printf '%02d' "$i")-$v.log
		if [ $v = n ] && [ -f "$C/y/.config" ] &&
		   ! "$W/scripts/config" --file "$C/y/.config" --state X86_FRED | grep -qx y; then
			what=build
			[ "$BMODE" = full ] || [ "$i" = "$N" ] || what=compile
			check_row "$(printf '%02d' "$i") $what FRED=$v $p" PASS "same configuration as FRED=y (no CONFIG_X86_FRED yet)"
			continue
		fi
		t=$SECONDS
		what=build ok=0 note=
		if [ "$BMODE" = touched ] && [ "$i" -lt "$N" ]; then
			what=compile
			read -ra fs <<< "${build_files[i]}"
			mapfile -t objs < <(build_objects_of "${fs[@]}")
			if build_objects $v "$log" "${objs[@]}"; then
				ok=1 nskip=0
				[ ! -f "$log.skipped" ] || nskip=$(wc -l < "$log.skipped")
				note="$((${#objs[@]} - nskip)) touched object(s), "
			fi
		elif build $v "$log"; then
			ok=1
		fi
		row_name="$(printf '%02d' "$i") $what FRED=$v $p"
		if [ $ok = 0 ]; then
			check_row "$row_name" FAIL "$(grep -m1 -E ': error: |Error [0-9]' "$log" || echo "see ${log#"$TOP"/}")"
			continue
		fi
		w=$(new_lines "$out/warnings-base" <(build_warnings "$log"))
		if [ -n "$w" ]; then
			check_row "$row_name" FAIL "$(head -n 1 <<< "$w")"
		else
			check_row "$row_name" PASS "$note$((SECONDS - t)) s"
		fi
	done
	read -ra fs <<< "${sparse_files[i]}"; sparse_at "$i.after" "${fs[@]}"
	read -ra fs <<< "${kdoc_files[i]}"; kdoc_at "$i.after" "${fs[@]}"
	if [ "$i" -lt "$TO" ]; then
		read -ra fs <<< "${sparse_files[i + 1]}"; sparse_at "$((i + 1)).before" "${fs[@]}"
		read -ra fs <<< "${kdoc_files[i + 1]}"; kdoc_at "$((i + 1)).before" "${fs[@]}"
	fi
	new=$(new_lines <(in_files "${kdoc_files[i]}" < "$out/sparse-$i.before") \
		<(in_files "${kdoc_files[i]}" < "$out/sparse-$i.after"))
	nobj=$(grep -c ' CHECK ' "$out/sparse-$i.after.log" 2>/dev/null || true)
	if [ -n "$new" ]; then
		check_row "$(printf '%02d' "$i") sparse $p" FAIL "$(wc -l <<< "$new") new: $(head -n 1 <<< "$new")"
	else
		check_row "$(printf '%02d' "$i") sparse $p" PASS "${nobj:-0} file(s) checked"
	fi
	new=$(new_lines "$out/kdoc-$i.before" "$out/kdoc-$i.after")
	if [ -n "$new" ]; then
		check_row "$(printf '%02d' "$i") kernel-doc $p" FAIL "$(wc -l <<< "$new") new: $(head -n 1 <<< "$new")"
	else
		check_row "$(printf '%02d' "$i") kernel-doc $p" PASS "$(wc -w <<< "${kdoc_files[i]}") file(s)"
	fi
done

# Coverage: at the tip, the FRED=y build compiled every .c and .S file
# the series touches (a module's part, a built-in object or a module).
[ "$TO" = "$N" ] || { echo "   (coverage not checked: the tip was not built)"; TO=skip; }
missing=()
while IFS= read -r f; do
	[ -f "$C/y/${f%.*}.o" ] || missing+=("$f")
done < <(git -C "$W" diff --name-only --diff-filter=AM "$BASE_TAG" HEAD -- '*.c' '*.S' | grep -v '^tools/')
if [ "$TO" = skip ]; then
	:
elif [ ${#missing[@]} -eq 0 ]; then
	check_row "fast config compiles every .c/.S file the series touches" PASS
else
	check_row "fast config compiles every .c/.S file the series touches" FAIL "not compiled: ${missing[*]}"
fi

# The module ABI at the tip: modpost versions every export (a missing CRC
# is 0x00000000 in Module.symvers, and a distribution's ABI check refuses
# it), and with FRED=n the series leaves every CRC of the base as it is.
abi_unversioned() { # VARIANT
	{
		grep -hE 'WARNING: modpost: .*(version generation failed|has no CRC)' \
			"$out/$(printf '%02d' "$N")-$1.log" || true
		awk '$1 == "0x00000000" { print "no CRC: " $2 }' "$C/$1/Module.symvers"
	} | sed -E 's/^WARNING: modpost: //'
}
# abi_diff BASE TIP: the exports of BASE whose CRC TIP changes or drops.
abi_diff() {
	awk 'NR == FNR { tip[$2] = $1; next }
	     !($2 in tip) { print "dropped " $2; next }
	     tip[$2] != $1 { print "CRC changed " $2 " " $1 " -> " tip[$2] }' "$2" "$1"
}
if [ "$TO" != skip ]; then
	for v in y n; do
		bad=$(abi_unversioned $v)
		if [ -n "$bad" ]; then
			check_row "module ABI: every export has a CRC (MODVERSIONS), FRED=$v" FAIL \
				"$(wc -l <<< "$bad") unversioned: $(head -n 1 <<< "$bad")"
		else
			check_row "module ABI: every export has a CRC (MODVERSIONS), FRED=$v" PASS \
				"$(wc -l < "$C/$v/Module.symvers") exports"
		fi
	done
	abi_diff "$C/symvers-base.$key" "$C/n/Module.symvers" > "$out/abi-fred-n.txt"
	abi_diff "$C/symvers-base.$key" "$C/y/Module.symvers" > "$out/abi-fred-y.txt"
	added=$(awk 'NR == FNR { base[$2] = 1; next } !($2 in base) { print $2 }' \
		"$C/symvers-base.$key" "$C/n/Module.symvers" | paste -sd' ')
	if [ -s "$out/abi-fred-n.txt" ]; then
		check_row "module ABI: FRED=n keeps every CRC of $BASE_TAG" FAIL \
			"$(wc -l < "$out/abi-fred-n.txt") changed: $(head -n 1 "$out/abi-fred-n.txt")"
	else
		check_row "module ABI: FRED=n keeps every CRC of $BASE_TAG" PASS \
			"$(wc -l < "$C/symvers-base.$key") exports; new: ${added:-none}"
	fi
	echo "   FRED=y changes $(wc -l < "$out/abi-fred-y.txt") CRC(s) of $BASE_TAG's exports: ${out#"$TOP"/}/abi-fred-y.txt"
fi

# Kernel IBT at the tip: the FRED entry points start without ENDBR.
# FRED event delivery ends the IBT tracker's wait rather than starting
# one, so an ENDBR there is needed by nothing and would let an indirect
# CALL or JMP land on the kernel's entry points.
if [ "$TO" != skip ]; then
	row="kernel IBT: no ENDBR at the FRED entry points (FRED=y)"
	if ! grep -qx 'CONFIG_X86_KERNEL_IBT=y' "$C/y/.config"; then
		check_row "$row" FAIL "the fast configuration has no CONFIG_X86_KERNEL_IBT=y"
	else
		bad=() seen=0
		while read -r addr _ sym; do
			seen=$((seen + 1))
			objdump -d --start-address="0x$addr" --stop-address="$(printf '0x%x' $((0x$addr + 4)))" \
				"$C/y/vmlinux" | grep -q 'endbr64' && bad+=("$sym")
		done < <(nm "$C/y/vmlinux" | awk '$3 == "asm_fred_entrypoint_user" || $3 == "asm_fred_entrypoint_kernel"')
		if [ "$seen" != 2 ]; then
			check_row "$row" FAIL "found $seen of the two entry point symbols in vmlinux"
		elif [ ${#bad[@]} -gt 0 ]; then
			check_row "$row" FAIL "starts with endbr64: ${bad[*]}"
		else
			check_row "$row" PASS "asm_fred_entrypoint_user, asm_fred_entrypoint_kernel"
		fi
	fi
fi

check_summary "$out" per-patch "$((SECONDS - t_all)) s; logs: ${out#"$TOP"/}/"
