#!/usr/bin/env bash
# Carry kselftests/ into build/linux as one commit of the series: the tests'
# sources go to tools/testing/selftests/x86/ and their names into its
# Makefile, so 'make -C tools/testing/selftests TARGETS=x86 run_tests' in a
# patched tree runs them. kselftests/ is the one source; this commit is made
# from it (created, or amended in place wherever it sits in the series).
# The series' MAINTAINERS patch covers the tests as tools/.../x86/entry_*:
# a test of another name needs a line there ('make check-series' says so).
# 'make tests-patch' runs this, then 'make export'.
. "$(dirname "$0")/lib.sh"
need git

SUBJECT="selftests/x86: test user-mode event delivery"
X86=tools/testing/selftests/x86

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make tree'"
tree_is_clean "$TREE" || die "build/linux has uncommitted changes; commit or stash them first"
if [ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ]; then
	die "build/linux has a git am or rebase in progress"
fi

mapfile -t srcs < <(kselftest_files)
mapfile -t tests < <(kselftest_names)
[ ${#tests[@]} -gt 0 ] || die "kselftests/ has no tests"

commit=$(git -C "$TREE" log --format='%H %s' "$BASE_TAG..HEAD" |
	 awk -v s="$SUBJECT" '{ h = $1; sub(/^[^ ]+ /, "") } $0 == s { print h }')
[ "$(printf '%s' "$commit" | grep -c .)" -le 1 ] || die "more than one commit is titled '$SUBJECT'"

# Write the files: our sources, and the x86 Makefile as the commits before
# this one left it, plus one block naming our tests.
cd "$TREE"
parent=${commit:+$commit^}
parent=${parent:-HEAD}
if [ -n "$commit" ]; then
	# Remove what the commit added before, so deleted tests go too.
	git diff --name-only --diff-filter=A "$commit^" "$commit" | xargs -r rm -f
fi
for f in "${srcs[@]}"; do cp "$TOP/kselftests/$f" "$X86/$f"; done
{
	git show "$parent:$X86/Makefile" | sed '/^TARGETS_C_32BIT_ONLY :=/,$d'
	echo "# User-mode event delivery: exceptions, syscalls, interrupts, NMIs."
	echo "TARGETS_C_BOTHBITS += ${tests[*]}"
	echo
	git show "$parent:$X86/Makefile" | sed -n '/^TARGETS_C_32BIT_ONLY :=/,$p'
} > "$X86/Makefile.new"
mv "$X86/Makefile.new" "$X86/Makefile"

git add -A "$X86"

msg=$(cat <<EOF
$SUBJECT

The entry code is about to change under every user-mode event: FRED
replaces the IDT, SYSCALL and SYSENTER paths. Pin down what user space
sees today, so that each later patch, and FRED mode as a whole, can be
checked against it.

The tests raise exceptions, make syscalls and take interrupts and NMIs
from user space, and check what comes back: the signal, si_code, si_addr,
the trap number and error code in the signal frame, and that the rest of
the user state (general registers, flags, segment bases, SSE/AVX state)
survives. Each is built 64- and 32-bit like the other x86 selftests and
reports in TAP.

A FRED frame carries what the event was (type, vector, stack level,
event data) next to the user's state, so entry_frame checks that none of
it gets out: the signal frame, ptrace's register sets and a core dump's
NT_PRSTATUS note at each kind of event, and sigreturn through every CS
and every SS selector and through bad instruction and stack pointers,
which must end in the instruction asked for or in SIGSEGV. entry_fuzz
runs random and mutated instruction bytes, with random registers, flags
and bogus sigreturn frames, in worker processes that a seccomp filter
keeps from making system calls; every event must end in a signal or a
clean return, every signal frame must hold user state only, and it
counts the events by vector. By default it runs a fixed number of
iterations from a fixed seed; "-t SECONDS" runs it as a soak.
EOF
)
signed="$msg

Signed-off-by: $(git config user.name) <$(git config user.email)>"
if git diff --cached --quiet && [ -n "$commit" ] &&
   [ "$(git log -1 --format=%B "$commit")" = "$signed" ]; then
	say "build/linux already carries kselftests/ as it is"
	exit 0
fi

if [ -z "$commit" ]; then
	git commit -q -s -m "$msg"
	say "created: $(git log -1 --format='%h %s')"
elif [ "$commit" = "$(git rev-parse HEAD)" ]; then
	git commit -q --amend -s -m "$msg"
	say "amended: $(git log -1 --format='%h %s')"
else
	git commit -q --fixup="$commit"
	GIT_SEQUENCE_EDITOR=: git rebase -q -i --autosquash "$commit^" ||
		die "rebasing the test commit into place failed; resolve it in build/linux"
	say "amended in place: $SUBJECT"
fi
