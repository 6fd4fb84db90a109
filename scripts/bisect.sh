#!/bin/bash
# Build every prefix of the series (x86_64 and arm64, min config) in a
# separate worktree and report the first patch that breaks the build.
#   FROM  first patch number to build (default 1), to skip a prefix that
#         an earlier run has already built
#   TO    last patch number to build (default: the whole series)
set -eu
. "$(dirname "$0")/lib.sh"
require_tree
mkdir -p "$OUT"

# a worktree of $TREE for this run only
wt=$WORK/linux-bisect
git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$wt" base
trap 'git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || true' EXIT
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	n=$(git -C "$TREE" rev-list --count "base..$c")
	[ "$n" -ge "${FROM:-1}" ] || continue
	[ -z "${TO:-}" ] || [ "$n" -le "$TO" ] || break
	git -C "$wt" checkout -q --detach "$c"
	for arch in x86_64 arm64; do
		note "[$n] $arch: $subject"
		if ! KBUILD_NAME=bisect-$arch "$TOP/scripts/kernel.sh" "$arch" min "$wt" \
			>"$OUT/bisect-$arch.log" 2>&1; then
			tail -n 20 "$OUT/bisect-$arch.log" >&2
			die "patch $n ($subject) breaks the $arch build; log: $OUT/bisect-$arch.log"
		fi
	done
done
note "every prefix of the series from patch ${FROM:-1} ${TO:+to $TO }builds for x86_64 and arm64"
