#!/bin/bash
# Regenerate series/ from base..HEAD of the work tree, deterministically:
# git format-patch with zero commit ids and no version signature, the cover
# letter's subject and text kept from the current series/0000-cover-letter.patch
# (edit it there) with a fresh shortlog and diffstat, and series/series in
# quilt order, then series/hugepfn.mbox (scripts/mbox.sh). Exporting twice
# without changes leaves 'git diff' empty.
set -eu
. "$(dirname "$0")/lib.sh"
require_tree

[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first (export takes commits only)"
n=$(git -C "$TREE" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $TREE: nothing to export"

cover=$SERIES/0000-cover-letter.patch
desc=$(mktemp)
trap 'rm -f "$desc"' EXIT
if [ -f "$cover" ]; then
	# subject, then the text up to the shortlog ('Name (N):')
	# the Subject: header, unfolded (a long one continues on lines
	# that start with a space)
	awk '/^$/ { exit }
	     subj && /^ / { s = s $0; next }
	     subj { exit }
	     /^Subject: / { subj = 1; s = $0 }
	     END { sub(/^Subject: \[PATCH[^]]*\] /, "", s); print s }' "$cover" >"$desc"
	echo >>"$desc"
	awk 'body && /^[^ ].* \([0-9]+\):$/ { exit }
	     body { print }
	     !body && /^$/ { body = 1 }' "$cover" |
		sed -e '1{/^$/d}' >>"$desc"
else
	printf 'hugepfn: huge pfnmaps for Linux 6.1\n\nWrite the cover letter here.\n\n' >"$desc"
fi

git -C "$TREE" config branch.hugepfn.description "$(cat "$desc")"
tmp=$(mktemp -d)
git -C "$TREE" -c core.abbrev=12 format-patch -q --zero-commit --no-signature \
	--cover-letter --cover-from-description=subject --no-base \
	-o "$tmp" base..HEAD
# The cover letter would carry today's date: give it the last commit's.
date=$(git -C "$TREE" log -1 --format='%aD' HEAD)
sed -i "s/^Date: .*/Date: $date/" "$tmp/0000-cover-letter.patch"

rm -f "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch
mkdir -p "$SERIES"
mv "$tmp"/*.patch "$SERIES/"
rmdir "$tmp"
(cd "$SERIES" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter' ) >"$SERIES/series"
note "exported $n patches to series/ (see 'git status')"
# the posting as one threaded mbox with To/Cc, for b4 am (make b4check)
TREE=$TREE SERIES=$SERIES "$TOP/scripts/mbox.sh" ||
	die "series/ is exported but series/hugepfn.mbox is not: fix what scripts/mbox.sh says and run it"
