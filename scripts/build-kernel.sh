#!/usr/bin/env bash
# Configure (x86_64_defconfig + configs/*.config) and build the kernel in
# build/linux into build/kbuild, through ccache. Prints the bzImage path.
# FRED61_KTREE, FRED61_KOUT, FRED61_LOGS (lib.sh) and FRED61_CONFIGS (the
# fragments, space-separated paths) build another tree instead: the
# reference kernel's (scripts/ref-kernel.sh). FRED61_BASECONFIG: a full
# configuration to start from instead of x86_64_defconfig (make distro:
# Debian's); FRED61_KTARGETS: what to build (default "bzImage modules").
. "$(dirname "$0")/lib.sh"
need make gcc ccache flex bison bc

if [ "$KTREE" = "$TREE" ]; then
	[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
	what=$(git -C "$TREE" describe --tags --always || true)
else
	[ -f "$KTREE/Makefile" ] || die "no kernel tree at $KTREE"
	what="Linux $(make -s -C "$KTREE" kernelversion) in ${KTREE#"$TOP"/}"
fi
mkdir -p "$KOUT" "$LOGS"

# Stable build identity: same sources give the same objects (ccache hits).
export KBUILD_BUILD_TIMESTAMP="$BASE_DATE" KBUILD_BUILD_USER=fred61 KBUILD_BUILD_HOST=qemu
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
export CCACHE_BASEDIR=$KTREE
ccache -M 8G >/dev/null
kmake=(make -s -C "$KTREE" O="$KOUT" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")

# Regenerate .config only when the fragments or the defconfig changed.
if [ -n "${FRED61_CONFIGS:-}" ]; then
	read -r -a frags <<< "$FRED61_CONFIGS"
else
	mapfile -t frags < <(ls "$TOP"/configs/*.config)
fi
defconfig=${FRED61_BASECONFIG:-$KTREE/arch/x86/configs/x86_64_defconfig}
[ -f "$defconfig" ] || die "no base configuration at $defconfig"
read -r -a targets <<< "${FRED61_KTARGETS:-bzImage modules}"
cfg_sum=$(cat "$defconfig" "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$KOUT/.config" ] || [ "$(cat "$KOUT/.config.fred61" 2>/dev/null)" != "$cfg_sum" ]; then
	say "configuring: ${defconfig##*/} + ${frags[*]##*/}"
	(cd "$KTREE" && ./scripts/kconfig/merge_config.sh -m -O "$KOUT" "$defconfig" "${frags[@]}") \
		> "$LOGS/merge_config.log" 2>&1 ||
		{ tail -n 20 "$LOGS/merge_config.log" >&2; die "merge_config.sh failed"; }
	"${kmake[@]}" olddefconfig
	# Every option a fragment sets must be in the final config as written.
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
		*) continue ;;
		esac
		got=$(grep -E "^$opt=|^# $opt is not set" "$KOUT/.config" || true)
		if [ -z "$got" ] && ! grep -rqx --include='Kconfig*' "config ${opt#CONFIG_}" "$KTREE"; then
			say "config: $opt is not defined in this tree (needs a patch of the series)"
			continue
		fi
		if [ "$line" = "# $opt is not set" ] && [ -z "$got" ]; then
			continue	# not set and not even offered: fine
		fi
		if [ "$got" != "$line" ]; then
			warn "config: asked for '$line', got '${got:-nothing}'"
			bad=1
		fi
	done < <(cat "${frags[@]}")
	[ $bad = 0 ] || die "config fragments do not hold after olddefconfig (see above)"
	echo "$cfg_sum" > "$KOUT/.config.fred61"
fi

say "building the kernel ($what)"
if ! "${kmake[@]}" "${targets[@]}" > "$LOGS/kbuild.log" 2>&1; then
	grep -E 'error|Error' "$LOGS/kbuild.log" | head -n 30 >&2 || true
	tail -n 20 "$LOGS/kbuild.log" >&2
	die "kernel build failed (full log: $LOGS/kbuild.log)"
fi
grep -E 'warning:' "$LOGS/kbuild.log" >&2 || true
echo "$KOUT/arch/x86/boot/bzImage"
