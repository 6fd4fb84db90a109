#!/bin/bash
# Documentation checks of the series, at base and with the series:
#  - Sphinx (make htmldocs) of each Documentation directory the series
#    touches, and of each one that pulls in kernel-doc from a file the
#    series touches; fails on a warning the base build of that directory
#    does not have;
#  - scripts/kernel-doc -none over every .c and .h file the series adds or
#    changes; fails on a warning the base version of the file does not have.
# Warnings are compared without line numbers, which the series shifts.
#   DOCS_DIRS     Documentation directories to build (default: see above)
#   DOCS_NOCACHE  1: build the base again instead of reusing the warnings
#                 an earlier run kept in build/docs-base/ or those the
#                 repository keeps in tests/docs-base/
# The base warnings depend only on the base tree, Sphinx's version and how
# warnings are read (the functions warnings and keys below), which name
# them; tests/docs-base/ holds those of Debian 12's Sphinx, so that a fresh
# clone (CI: make check runs this) builds the patched documentation only.
# A base built here is kept in build/docs-base/; copy its .warnings files
# to tests/docs-base/ when the base or Sphinx changes.
set -eu
. "$(dirname "$0")/lib.sh"
require_tree
start=$SECONDS
"$TOP/scripts/deps.sh" docs
# Debian's sphinx-build and python3, whatever python3 comes first in PATH
export PATH=/usr/bin:$PATH

head_out=$BUILD/docs
base_out=$BUILD/docs-base
mkdir -p "$head_out" "$base_out"

changed=$(git -C "$TREE" diff --name-only --diff-filter=AM base..HEAD)

# the Documentation directories (those with an index.rst, as SPHINXDIRS
# wants) that the series changes or that render kernel-doc of its files
doc_dirs() {
	local f d
	for f in $changed; do
		case "$f" in
		Documentation/*/*)
			d=${f#Documentation/}
			echo "${d%%/*}"
			;;
		Documentation/*) ;;
		*)
			grep -rl --include='*.rst' -e "kernel-doc:: $f\$" \
				"$TREE/Documentation" 2>/dev/null |
				sed "s|^$TREE/Documentation/||; s|/.*||" || true
			;;
		esac
	done | sort -u | while read -r d; do
		[ -f "$TREE/Documentation/$d/index.rst" ] && echo "$d"
	done
}

# the warnings of a log, one a line, without the paths into SRC
warnings() {
	grep -E -e '(WARNING|ERROR|CRITICAL|SEVERE):' -e '(warning|error): ' |
		sed -e "s|$1/||g" -e "s|$head_out/||g" -e "s|$base_out/||g" | sort -u
}

# the same without line numbers, which the series shifts: what is compared
keys() {
	sed -E 's/:[0-9]+([:. ]|$)/:\1/g' "$1" | sort -u
}

# new_warnings RAW BASEKEYS: the lines of RAW whose key BASEKEYS lacks
new_warnings() {
	local raw=$1 base=$2
	sed -E 'h; s/:[0-9]+([:. ]|$)/:\1/g; G; s/\n/\t/' "$raw" |
		awk -F '\t' 'NR == FNR { k[$0]; next } ($1 in k) { print $2 }' \
			<(comm -23 <(keys "$raw") "$base") -
}

# build_dir SRC OUT DIR: Sphinx warnings of DIR of SRC into OUT/DIR.raw
build_dir() {
	local src=$1 out=$2 d=$3 rc=0
	rm -rf "${out:?}/$d"
	nice make -C "$src" O="$out/$d" SPHINXDIRS="$d" htmldocs \
		>"$out/$d.log" 2>&1 || rc=$?
	warnings "$src" <"$out/$d.log" >"$out/$d.raw" || true
	return $rc
}

# Check the base out once, for the first directory whose base warnings
# are not kept from an earlier run with the same base, Sphinx and script.
base_src=
base_tree() {
	if [ -z "$base_src" ]; then
		base_worktree "$WORK/docs-base"
		base_src=$BASE_WT
	fi
}
key=$( { git -C "$TREE" rev-parse 'base^{tree}'; sphinx-build --version 2>&1
	declare -f warnings keys; } | sha1sum | cut -c1-12)

dirs=${DOCS_DIRS:-$(doc_dirs | tr '\n' ' ')}
fail=0
for d in $dirs; do
	t=$SECONDS
	if ! build_dir "$TREE" "$head_out" "$d"; then
		echo "FAIL sphinx $d: make htmldocs failed"
		tail -n 20 "$head_out/$d.log" | sed 's/^/    /'
		fail=1
		continue
	fi
	cached=$base_out/$d.$key.warnings
	kept=$TOP/tests/docs-base/$d.$key.warnings
	if [ "${DOCS_NOCACHE:-0}" != 1 ] && [ ! -f "$cached" ] && [ -f "$kept" ]; then
		cp "$kept" "$cached"
	fi
	if [ "${DOCS_NOCACHE:-0}" = 1 ] || [ ! -f "$cached" ]; then
		base_tree
		: >"$base_out/$d.raw"
		if [ -f "$base_src/Documentation/$d/index.rst" ]; then
			build_dir "$base_src" "$base_out" "$d" ||
				note "the base build of $d failed; every warning of $d counts as new"
			rm -rf "${base_out:?}/$d"
		fi
		rm -f "$base_out/$d".*.warnings
		keys "$base_out/$d.raw" >"$cached"
	fi
	new=$(new_warnings "$head_out/$d.raw" "$cached")
	if [ -n "$new" ]; then
		echo "FAIL sphinx $d: $(wc -l <<<"$new") new warnings ($((SECONDS - t)) s)"
		sed 's/^/    /' <<<"$new"
		fail=1
	else
		echo "ok   sphinx $d: no new warning, $(wc -l <"$cached") at base ($((SECONDS - t)) s)"
	fi
done
[ -n "$dirs" ] || echo "ok   sphinx: the series touches no Documentation directory"

# kernel-doc: the base versions of the files come from git, with the base
# kernel-doc script, so that this needs no base checkout
files=$(grep -E '\.[ch]$' <<<"$changed" || true)
kdoc=$head_out/kernel-doc
rm -rf "$kdoc" && mkdir -p "$kdoc/base"
if [ -n "$files" ]; then
	# shellcheck disable=SC2086
	(cd "$TREE" && perl scripts/kernel-doc -none $files) >"$kdoc/head.log" 2>&1 || true
	old=$(for f in $files; do git -C "$TREE" cat-file -e "base:$f" 2>/dev/null && echo "$f"; done)
	# shellcheck disable=SC2086
	git -C "$TREE" archive base scripts/kernel-doc $old | tar -x -C "$kdoc/base"
	# shellcheck disable=SC2086
	[ -z "$old" ] || (cd "$kdoc/base" && perl scripts/kernel-doc -none $old) \
		>"$kdoc/base.log" 2>&1 || true
	touch "$kdoc/base.log"
	warnings "$TREE" <"$kdoc/head.log" >"$kdoc/head.raw" || true
	warnings "$kdoc/base" <"$kdoc/base.log" >"$kdoc/base.raw" || true
	keys "$kdoc/base.raw" >"$kdoc/base.warnings"
	new=$(new_warnings "$kdoc/head.raw" "$kdoc/base.warnings")
	n=$(wc -w <<<"$files")
	if [ -n "$new" ]; then
		echo "FAIL kernel-doc: $(wc -l <<<"$new") new warnings in the $n .c/.h files the series touches"
		sed 's/^/    /' <<<"$new"
		fail=1
	else
		echo "ok   kernel-doc: no new warning in the $n .c/.h files the series touches ($(wc -l <"$kdoc/base.warnings") at base)"
	fi
fi
note "took $((SECONDS - start)) s"
[ "$fail" = 0 ] || die "new documentation warnings (above; logs in $head_out): fix them in the patch that adds them"
