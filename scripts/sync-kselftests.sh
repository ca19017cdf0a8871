#!/usr/bin/env bash
# Carry kselftests/ into build/linux as the series' selftests patches: one
# for the shared harness (the *.h files), then one per test program (each
# *.c file), in name order. Their sources go to tools/testing/selftests/x86/
# and each test's name into that directory's Makefile, so 'make -C
# tools/testing/selftests TARGETS=x86 run_tests' in a patched tree runs
# them. kselftests/ is the one source: the patches are made from it again,
# where they sit in the series (a contiguous block of "selftests/x86:"
# commits; the commits after it are put back on top), keeping each one's
# date so that 'make export' gives the same files for the same tests. A
# test's changelog is its header comment; its subject comes from the table
# below. The series' MAINTAINERS patch covers the tests as
# tools/.../x86/entry_*: a test of another name needs a line there ('make
# check-series' says so). 'make tests-patch' runs this, then 'make export'.
. "$(dirname "$0")/lib.sh"
need git

X86=tools/testing/selftests/x86
PREFIX="selftests/x86: "

# The subject of test NAME's patch.
subject_of() {
	case $1 in
	entry_exceptions) echo "${PREFIX}Check the signals of exceptions raised in user mode" ;;
	entry_frame) echo "${PREFIX}Check that only user state leaves an event's frame" ;;
	entry_fuzz) echo "${PREFIX}Add an exception fuzzer" ;;
	entry_interrupts) echo "${PREFIX}Check interrupts that hit user mode, and CPU hotplug" ;;
	entry_kvm) echo "${PREFIX}Check interrupts and NMIs that end a KVM guest's run" ;;
	entry_nmi) echo "${PREFIX}Check NMIs that hit user mode" ;;
	entry_preempt) echo "${PREFIX}Check kernel-mode events preempted across CPU hotplug" ;;
	entry_syscalls) echo "${PREFIX}Check system calls through every entry instruction" ;;
	*) echo "${PREFIX}Add the $1 test" ;;
	esac
}
HARNESS_SUBJECT="${PREFIX}Add a harness for tests of user-mode event delivery"

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
tree_is_clean "$TREE" || die "build/linux has uncommitted changes; commit or stash them first"
if [ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ]; then
	die "build/linux has a git am or rebase in progress"
fi
branch=$(git -C "$TREE" symbolic-ref -q --short HEAD) ||
	die "build/linux is on a detached HEAD; check out its branch first"

mapfile -t headers < <(kselftest_files | grep '\.h$')
mapfile -t tests < <(kselftest_names)
[ ${#tests[@]} -gt 0 ] || die "kselftests/ has no tests"

cd "$TREE"
# The block of selftests commits, and what follows it.
mapfile -t all < <(git rev-list --reverse "$BASE_TAG..HEAD")
first=-1 last=-1
for i in "${!all[@]}"; do
	case $(git log -1 --format=%s "${all[$i]}") in
	"$PREFIX"*)
		[ $last -lt 0 ] || [ $last = $((i - 1)) ] ||
			die "the selftests/x86 commits of build/linux are not contiguous; move them together first"
		[ $first -ge 0 ] || first=$i
		last=$i ;;
	esac
done
if [ $first -ge 0 ]; then
	base=${all[$first]}^
	after=("${all[@]:$((last + 1))}")
	old=("${all[@]:$first:$((last - first + 1))}")
else
	# None yet: before the MAINTAINERS entry if the series ends with it.
	after=()
	if git log -1 --format=%s HEAD | grep -q '^MAINTAINERS: '; then
		after=("$(git rev-parse HEAD)")
		base=HEAD^
	else
		base=HEAD
	fi
	old=()
fi
base=$(git rev-parse "$base")

# The date of the old commit titled SUBJECT; for a new one, that of the
# old block's first commit (or now, if there was none).
date_of() {
	local c
	for c in "${old[@]}"; do
		[ "$(git log -1 --format=%s "$c")" = "$1" ] && { git log -1 --format=%aD "$c"; return; }
	done
	[ ${#old[@]} = 0 ] || git log -1 --format=%aD "${old[0]}"
}

# A test's changelog: its header comment, the first /* ... */ block.
changelog_of() {
	awk 'NR > 1 && /^\/\*/ { on = 1; next }
	     on && /^ \*\// { exit }
	     on { sub(/^ \* ?/, ""); sub(/^ \*$/, ""); print }' "$TOP/kselftests/$1.c"
}

# Build the new block on a detached HEAD at its base; the branch moves
# only once all of it is made.
orig=$(git rev-parse HEAD)
git checkout -q --detach "$base"
restore() { git checkout -q -f "$branch"; }
trap restore EXIT

# commit_as SUBJECT BODY: commit the index with the old date of SUBJECT.
commit_as() {
	local d
	d=$(date_of "$1")
	GIT_AUTHOR_DATE=${d:-} git commit -q -F - <<EOF
$1

$2

Signed-off-by: $(git config user.name) <$(git config user.email)>
EOF
}

if [ ${#headers[@]} -gt 0 ]; then
	for f in "${headers[@]}"; do cp "$TOP/kselftests/$f" "$X86/$f"; done
	git add "${headers[@]/#/$X86/}"
	commit_as "$HARNESS_SUBJECT" "The entry tests that follow share one harness: it loads every general
register, the arithmetic flags and the vector registers from a known
state, raises an event from user mode, and compares the state the
program gets back, after the signal handler and sigreturn, with what it
should be. It also gives them their TAP output and the skips for
hardware or kernels that lack what a case needs.

Nothing uses it yet; the tests come one per patch."
fi

names=()
for t in "${tests[@]}"; do
	names+=("$t")
	cp "$TOP/kselftests/$t.c" "$X86/$t.c"
	{
		git show "$base:$X86/Makefile" | sed '/^TARGETS_C_32BIT_ONLY :=/,$d'
		echo "# User-mode event delivery: exceptions, syscalls, interrupts, NMIs."
		echo "TARGETS_C_BOTHBITS += ${names[*]}"
		echo
		git show "$base:$X86/Makefile" | sed -n '/^TARGETS_C_32BIT_ONLY :=/,$p'
	} > "$X86/Makefile.new"
	mv "$X86/Makefile.new" "$X86/Makefile"
	git add "$X86/$t.c" "$X86/Makefile"
	commit_as "$(subject_of "$t")" "$(changelog_of "$t")

Built 64- and 32-bit like the other x86 selftests; reports in TAP."
done

for c in "${after[@]}"; do
	git cherry-pick --allow-empty "$c" > /dev/null ||
		{ git cherry-pick --abort; die "$(git log -1 --format=%s "$c") does not apply on top of the new selftests commits"; }
done
new=$(git rev-parse HEAD)
trap - EXIT
git checkout -q "$branch"
if [ "$(git rev-parse "$orig^{tree}")" = "$(git rev-parse "$new^{tree}")" ] &&
   [ "$(git log --format='%s%n%b%n%aD' "$base..$orig")" = "$(git log --format='%s%n%b%n%aD' "$base..$new")" ]; then
	say "build/linux already carries kselftests/ as it is"
	exit 0
fi
git reset -q --hard "$new"
say "build/linux: $((${#headers[@]} > 0)) harness and ${#tests[@]} test commit(s) made from kselftests/ (was: ${#old[@]}); old tip $orig"
