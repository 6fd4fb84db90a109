#!/bin/bash
# scripts/checkpatch.pl --strict over every patch of series/ (the cover
# letter excepted). Prints each patch's verdict; exits non-zero when any
# patch has an ERROR (warnings and checks are listed, and must be
# justified in the commit message).
set -eu
. "$(dirname "$0")/lib.sh"
require_tree
# spdxcheck.py wants Debian's python3 (python3-ply, python3-git)
export PATH=/usr/bin:$PATH

errors=0 warnings=0
while read -r p; do
	[ -n "$p" ] || continue
	out=$(perl "$TREE/scripts/checkpatch.pl" --strict --terse --no-summary \
		--root="$TREE" "$SERIES/$p" 2>&1 || true)
	e=$(grep -c ': ERROR:' <<<"$out" || true)
	w=$(grep -c -e ': WARNING:' -e ': CHECK:' <<<"$out" || true)
	if [ "$e$w" = 00 ]; then
		echo "ok       $p"
	else
		echo "$([ "$e" = 0 ] && echo 'warnings' || echo 'ERRORS  ') $p"
		sed 's/^/    /' <<<"$out"
	fi
	errors=$((errors + e)) warnings=$((warnings + w))
done < <(grep -v -e '^#' -e '^$' "$SERIES/series" 2>/dev/null || true)
echo "checkpatch: $errors errors, $warnings warnings/checks"
[ "$errors" = 0 ]
