#!/usr/bin/env bash
# Sparse warnings before and after the series, file by file.
#
#   scripts/sparse.sh [FILE.c ...]
#
# Without arguments it checks every .c file the series changes and, when
# the series changes <asm/idtentry.h>, every file that expands its
# DEFINE_IDTENTRY*() macros; SPARSE_FILES="a.c b.c" adds more. Only files
# the test kernel's configuration builds are checked.
#
# "after" is the tree's HEAD, checked in build/kbuild (it runs make tree
# and make kernel first).
# "before" is v6.1.170 in a worktree of its own, build/sparse-base, with
# the same configuration (less the series' own options). A file new in
# the series has no "before". Fails when any file has more warnings
# after than before. Logs: build/logs/sparse/.
. "$(dirname "$0")/lib.sh"

# The files asked for, as arguments or in SPARSE_FILES: C files of the tree.
read -r -a extra <<< "${SPARSE_FILES:-}"
for f in "$@" "${extra[@]}"; do
	[[ $f == *.c ]] ||
		die "sparse: '$f' (SPARSE_FILES or an argument) is not a .c file; use C files of the kernel tree, e.g. arch/x86/kernel/traps.c"
done
need make gcc sparse git
"$TOP/scripts/tree.sh"
for f in "$@" "${extra[@]}"; do
	[ -f "$TREE/$f" ] ||
		die "sparse: no $f (SPARSE_FILES or an argument) in $TREE_NAME; use C files of the kernel tree, e.g. arch/x86/kernel/traps.c"
done
"$TOP/scripts/build-kernel.sh" > /dev/null
[ -f "$KOUT/.config" ] || die "kernel not configured; run 'make kernel' first"
BASEWT=$BUILD/sparse-base
out=$LOGS/sparse
rm -rf "$out"
mkdir -p "$out"

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(
		git -C "$TREE" diff --name-only --diff-filter=AM "$BASE_TAG" HEAD -- '*.c'
		if ! git -C "$TREE" diff --quiet "$BASE_TAG" HEAD -- arch/x86/include/asm/idtentry.h; then
			git -C "$TREE" grep -l -E 'DEFINE_(IDT|FRED)ENTRY' HEAD -- 'arch/x86/*.c' 'drivers/*.c' |
				sed 's/^HEAD://'
		fi
	)
fi
files+=("${extra[@]}")
mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -v '^$' | grep -v '^tools/' | sort -u)

# Built by this configuration: linked into a built-in.a, a module of its
# own, or a part of a module (vmx.o of kvm-intel.ko: listed in its .mod).
objs=()
for f in "${files[@]}"; do
	o=${f%.c}.o
	members=$(ar t "$KOUT/$(dirname "$o")/built-in.a" 2>/dev/null || true)
	if grep -qxF -e "$o" -e "$KOUT/$o" <<< "$members" ||
		grep -qxF "${o%.o}.ko" "$KOUT/modules.order" 2>/dev/null ||
		grep -qsxF -e "$o" "$KOUT/$(dirname "$o")"/*.mod \
			"$KOUT/$(dirname "$(dirname "$o")")"/*.mod; then
		objs+=("$o")
	fi
done
[ ${#objs[@]} -gt 0 ] || die "no object of the series is built in this configuration"

# The base: a detached worktree at the tag, configured like the test kernel.
if [ ! -d "$BASEWT/linux" ]; then
	say "creating the v6.1.170 worktree for sparse's 'before'"
	git -C "$TREE" worktree add -q --detach "$BASEWT/linux" "$BASE_TAG" ||
		die "git worktree add failed"
fi
[ "$(git -C "$BASEWT/linux" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse "$BASE_TAG^{commit}")" ] ||
	die "$BASEWT/linux is not at $BASE_TAG; remove it ('git -C build/linux worktree remove build/sparse-base/linux')"
mkdir -p "$BASEWT/kbuild"
cp "$KOUT/.config" "$BASEWT/kbuild/.config"
say "preparing the base build (olddefconfig, prepare)"
make -s -C "$BASEWT/linux" O="$BASEWT/kbuild" CC="ccache gcc" olddefconfig > "$out/base-prepare.log" 2>&1 &&
	make -s -C "$BASEWT/linux" O="$BASEWT/kbuild" CC="ccache gcc" -j"$JOBS" prepare >> "$out/base-prepare.log" 2>&1 ||
	{ tail -n 20 "$out/base-prepare.log" >&2; die "could not prepare the base build"; }

# count SRC KOUT OBJ LOG: sparse's warnings and errors for one object.
count() {
	make -s -C "$1" O="$2" CC="ccache gcc" "$3" > /dev/null 2>&1 || { echo "build-failed"; return; }
	make -s -C "$1" O="$2" CC="ccache gcc" C=2 "$3" 2>&1 |
		grep -E ':[0-9]+:[0-9]+: (warning|error):' | sort -u > "$4"
	wc -l < "$4"
}

printf '%-48s %7s %7s\n' FILE BEFORE AFTER
worse=0 tb=0 ta=0 tn=0
for o in "${objs[@]}"; do
	name=${o//\//_}
	if git -C "$TREE" cat-file -e "$BASE_TAG:${o%.o}.c" 2>/dev/null; then
		b=$(count "$BASEWT/linux" "$BASEWT/kbuild" "$o" "$out/before-$name.log")
	else
		b=-
	fi
	a=$(count "$TREE" "$KOUT" "$o" "$out/after-$name.log")
	printf '%-48s %7s %7s\n' "${o%.o}.c" "$b" "$a"
	[ "$a" != build-failed ] || { worse=1; continue; }
	if [ "$b" = - ] || [ "$b" = build-failed ]; then
		tn=$((tn + a))
	else
		tb=$((tb + b)) ta=$((ta + a))
	fi
	if [ "$b" = - ] || [ "$b" = build-failed ]; then
		[ "$a" = 0 ] || worse=1
	elif [ "$a" -gt "$b" ]; then
		worse=1
	fi
done
printf '%-48s %7s %7s\n' "total, files in v6.1.170" "$tb" "$ta"
printf '%-48s %7s %7s\n' "total, files new in the series" - "$tn"
if [ "$worse" = 1 ]; then
	say "sparse: more warnings after the series; diff build/logs/sparse/before-*.log after-*.log"
	exit 1
fi
say "sparse: no new warnings in ${#objs[@]} file(s)"
