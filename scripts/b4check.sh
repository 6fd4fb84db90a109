#!/bin/bash
# make b4check: check that series/hugepfn.mbox is the posting of series/ and
# that b4 takes it, offline:
#  - it is what scripts/mbox.sh makes of series/*.patch now;
#  - every message has one Message-Id, no header is folded, patches 1..N
#    reply to the cover letter (In-Reply-To, References), the cover letter
#    has a base-commit: line;
#  - 'b4 am -m' takes all N patches and finds the base ('applies clean to
#    current tree' at base), and 'git am' of its .mbx on base gives the
#    tree, authors and commit messages that 'git am series/0*.patch' gives.
# Each check prints 'ok' or 'FAIL' and what to do; non-zero on a FAIL. The
# base is checked out in two sparse 'git clone --shared' copies of $TREE
# (only the top-level files and what the patches touch get written): the
# work tree and its repository are read, never changed.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"
require_tree
command -v b4 >/dev/null || die "b4 is not installed: run 'make deps'"
export LC_ALL=C

SERIES=$(cd "$SERIES" && pwd)
mbox=$SERIES/hugepfn.mbox
[ -f "$mbox" ] || die "no ${mbox#"$TOP"/}: run scripts/mbox.sh (make export writes it)"
patches=()
for p in "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch; do
	case "$p" in */0000-cover-letter.patch) ;; *) patches+=("$p") ;; esac
done
n=${#patches[@]}
if [ "$n" = 0 ] || [ ! -f "${patches[0]}" ]; then die "no patches in $SERIES"; fi
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/b4check.XXXXXX")
trap 'kill "${regen:-}" 2>/dev/null || true; wait; rm -rf "$tmp"' EXIT
bad=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; bad=1; }

# 1. regenerated in the background while b4 and git am run (checked last)
TMPDIR=$tmp "$TOP/scripts/mbox.sh" "$tmp/regen.mbox" 2>"$tmp/mbox.log" &
regen=$!

# 2. the messages, split where b4 (Python's mailbox) splits them
problems=$(awk -v n="$n" '
	function done_msg() {
		if (!m) return
		if (nid[m] != 1) print "message " m - 1 ": " nid[m] + 0 " Message-Id headers, not one"
		if (m > 1 && irt[m] != id[1])
			print "message " m - 1 ": In-Reply-To is \"" irt[m] "\", not the cover letter " id[1]
		if (m > 1 && index(refs[m], id[1]) == 0)
			print "message " m - 1 ": References does not name the cover letter " id[1]
		if (m > 1 && seen[id[m]]++) print "message " m - 1 ": Message-Id " id[m] " used twice"
		if (m == 1) seen[id[m]]++
	}
	/^From / { done_msg(); m++; hdr = 1; next }
	hdr && /^$/ { hdr = 0; next }
	hdr && /^[ \t]/ { print "message " m - 1 ": folded header at line " NR ": " substr($0, 1, 60); next }
	hdr {
		name = tolower($0); sub(/:.*/, "", name); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
		if (name == "message-id") { nid[m]++; id[m] = v }
		if (name == "in-reply-to") irt[m] = v
		if (name == "references") refs[m] = v
		next
	}
	m == 1 && /^base-commit: [0-9a-f]+$/ { base = 1 }
	END {
		done_msg()
		if (m != n + 1) print m " messages, not the cover letter and " n " patches (a body line starting with \"From \"?)"
		if (!base) print "the cover letter has no base-commit: line"
	}' "$mbox")
if [ -z "$problems" ]; then
	ok "$((n + 1)) messages, each with a Message-Id, patches reply to the cover letter, no folded header, base-commit: given"
else
	fail "the messages of ${mbox#"$TOP"/} (regenerate it with scripts/mbox.sh; if it is up to date, fix scripts/mbox.sh):"
	sed 's/^/    /' <<<"$problems"
fi

# a sparse copy of the repository with base checked out
base_clone() {
	git clone -q --shared --no-checkout "$TREE" "$1"
	git -C "$1" sparse-checkout set --cone
	git -C "$1" checkout -q --detach base
}
am() { git -C "$1" -c user.name=b4check -c user.email=b4check@localhost am -q "${@:2}"; }

# 3. b4 am, offline, with its cache, data and config in $tmp
base_clone "$tmp/b4"
b4mbx=$tmp/b4-out/hugepfn.mbx
mkdir -p "$tmp/b4-out"
if (cd "$tmp/b4" && XDG_CACHE_HOME=$tmp/xdg XDG_DATA_HOME=$tmp/xdg XDG_CONFIG_HOME=$tmp/xdg \
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=b4.attestation-policy GIT_CONFIG_VALUE_0=off \
	b4 am -C -m "$mbox" -o "$tmp/b4-out" -n hugepfn) >"$tmp/b4.log" 2>&1 &&
	grep -qx "Total patches: $n" "$tmp/b4.log" && [ -s "$b4mbx" ]; then
	ok "b4 am -m takes $n patches"
else
	fail "b4 am -m ${mbox#"$TOP"/} does not give $n patches:"
	tail -20 "$tmp/b4.log" | sed 's/^/    /'
fi
if [ ! -s "$b4mbx" ]; then
	:
elif grep -q -e '^ Base: applies clean to current tree' -e '^ Base: using specified base-commit' "$tmp/b4.log"; then
	ok "b4 finds the base: $(grep '^ Base:' "$tmp/b4.log" | tail -1 | sed 's/^ Base: //')"
else
	fail "b4 does not find the base at base (the patches' index lines do not match base's blobs?):"
	grep '^ Base:' "$tmp/b4.log" | sed 's/^/    /' || true
fi

# 4. the same commits either way
base_clone "$tmp/am"
if ! am "$tmp/am" "${patches[@]}" >"$tmp/am.log" 2>&1; then
	fail "git am series/0*.patch does not apply on base (make tree says where):"
	head -10 "$tmp/am.log" | sed 's/^/    /'
elif [ ! -s "$b4mbx" ]; then
	fail "no .mbx from b4 to compare"
elif ! am "$tmp/b4" "$b4mbx" >"$tmp/am-b4.log" 2>&1; then
	fail "git am of b4's .mbx does not apply on base:"
	head -10 "$tmp/am-b4.log" | sed 's/^/    /'
else
	ours=$(git -C "$tmp/am" rev-parse 'HEAD^{tree}')
	theirs=$(git -C "$tmp/b4" rev-parse 'HEAD^{tree}')
	log() { git -C "$1" log --format='%an <%ae> %ad%n%B' base..HEAD; }
	if [ "$ours" != "$theirs" ]; then
		fail "b4's .mbx gives tree $theirs, series/0*.patch give $ours:"
		{ git -C "$tmp/b4" fetch -q "$tmp/am" HEAD &&
			git -C "$tmp/b4" diff --stat HEAD FETCH_HEAD; } 2>&1 | tail -5 | sed 's/^/    /' || true
	elif [ "$(git -C "$tmp/b4" rev-list --count base..HEAD)" != "$n" ]; then
		fail "b4's .mbx gives $(git -C "$tmp/b4" rev-list --count base..HEAD) commits, not $n"
	elif ! diff -u --label "git am series/0*.patch" --label "b4 am" <(log "$tmp/am") <(log "$tmp/b4") >"$tmp/log.diff"; then
		fail "b4's .mbx gives other authors, dates or commit messages than series/0*.patch (b4 takes a line 'word: text' in the last paragraph of a commit message for a trailer and moves it down: reword that line):"
		head -20 "$tmp/log.diff" | sed 's/^/    /'
	else
		ok "git am of b4's .mbx gives the tree of git am series/0*.patch ($ours), same authors and messages"
	fi
fi

# 1, checked last: up to date
rc=0
wait "$regen" || rc=$?
regen=
if [ "$rc" = 0 ] && cmp -s "$tmp/regen.mbox" "$mbox"; then
	ok "${mbox#"$TOP"/} is up to date with series/*.patch"
else
	fail "${mbox#"$TOP"/} is not what scripts/mbox.sh makes of series/*.patch: run scripts/mbox.sh (make export writes it) and commit it"
	if [ "$rc" = 0 ]; then
		diff -u "$mbox" "$tmp/regen.mbox" | head -20 | sed 's/^/    /' || true
	else
		sed 's/^/    /' "$tmp/mbox.log"
	fi
fi

echo "# b4check: $(( $(date +%s) - start ))s"
[ "$bad" = 0 ] || { note "FAILED: see the FAIL lines above"; exit 1; }
