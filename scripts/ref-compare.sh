#!/usr/bin/env bash
# make ref-compare: the reference kernel's runs side by side, test by test
# and case by case (scripts/compare.py): ref-idt against ref-fred, and
# against our 6.1 runs (make run MODE=idt|fred) when there are.
#   ref-compare.sh [RUN...]   runs by name under build/logs (default:
#                             ref-idt ref-fred idt fred, those that exist;
#                             make ref-compare RUNS="...")
. "$(dirname "$0")/lib.sh"

if [ $# -gt 0 ]; then
	runs=("$@")
	for r in "${runs[@]}"; do
		[[ $r != */* ]] && [ -f "$LOGS/$r/table.txt" ] && continue
		have=$(find "$LOGS" -mindepth 2 -maxdepth 2 -name table.txt -printf '%h\n' 2>/dev/null |
			sed 's,.*/,,' | LC_ALL=C sort | paste -sd' ' || true)
		bad_value RUNS "$*" "no run '$r' (no ${LOGS#"$TOP"/}/$r/table.txt)" "runs under ${LOGS#"$TOP"/}: ${have:-none yet}"
	done
else
	runs=()
	for r in ref-idt ref-fred idt fred; do
		if [ -f "$LOGS/$r/table.txt" ]; then
			runs+=("$r")
		else
			case $r in
			ref-*) how="make ref-run MODE=${r#ref-}" ;;
			*) how="make run MODE=$r" ;;
			esac
			say "no $r run to compare ($how)"
		fi
	done
fi
[ ${#runs[@]} -ge 2 ] || die "fewer than two runs to compare (have: ${runs[*]:-none})"
need python3

args=()
for r in "${runs[@]}"; do
	case $r in
	ref-*) label=6.12-${r#ref-} ;;
	*) label=6.1-$r ;;
	esac
	args+=("$label=$LOGS/$r")
done
python3 "$TOP/scripts/compare.py" "${args[@]}"
