#!/bin/bash
# Write the posting as one threaded mbox, series/hugepfn.mbox (or OUT), from
# series/*.patch as they are (not from the work tree), for 'b4 am -m' and
# 'git am'. make export runs it; make b4check checks the result.
# usage: mbox.sh [OUT]
#
#  - Message-Id <hugepfn-HASH-K@DOMAIN>: HASH is the start of the sha256 of
#    the patch files, K the patch number (0: the cover letter), DOMAIN the
#    domain of the cover letter's From: (the exporter's git identity), so the
#    same series gives the same mbox on every machine. Patches 1..N have
#    In-Reply-To and References set to the cover letter's Message-Id.
#  - To: the people scripts/get_maintainer.pl names (maintainers and
#    reviewers), Cc: the mailing lists: the split b4 prep's auto-to-cc uses.
#    The cover letter gets the union. get_maintainer.pl runs in a skeleton
#    of base plus the series (MAINTAINERS, .mailmap and get_maintainer.pl
#    with the series' changes to them, base's directories), so the result
#    does not depend on the state of the work tree; its output is sorted,
#    as Perl's hash order makes its own order vary from run to run.
#  - base-commit: the commit base's tree makes with fixed metadata (below);
#    tree.sh's 'base' has the date of the unpacking and differs on every
#    machine. b4 am uses base-commit only when the object is in the local
#    repository; otherwise it says 'not known, ignoring' and looks for a
#    base by the blob ids of the patches' index lines, which are the same
#    everywhere ('applies clean to current tree' at a checkout of base).
#    base-package: names the Debian package version.
#  - Headers are unfolded (b4 0.12 fails on folded From:/Subject:), a body
#    line of the cover letter starting with 'From ' is escaped to '>From '
#    (mboxrd; b4 would split the message there), and a message with
#    non-ASCII bytes and no Content-Type gets UTF-8 MIME headers.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"
require_tree
export LC_ALL=C

SERIES=$(cd "$SERIES" && pwd)
out=${1:-$SERIES/hugepfn.mbox}
cover=$SERIES/0000-cover-letter.patch
[ -f "$cover" ] || die "no $cover: run 'make export' first"
patches=()
for p in "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "$p" = "$cover" ] || patches+=("$p")
done
[ -f "${patches[0]:-}" ] || die "no patches in $SERIES: run 'make export' first"
n=${#patches[@]}

# a commit message line starting with 'From ' splits the message in b4
# (Python's mailbox) but not in git am: escaping it would change the commit
for p in "${patches[@]}"; do
	line=$(awk '/^diff --git / { exit } FNR > 1 && /^>*From / { print FNR; exit }' "$p")
	[ -z "$line" ] ||
		die "${p#"$TOP"/}:$line: a commit message line starts with 'From ' (b4 would split the mail there): reword or indent it"
done

subj=$(git -C "$TREE" log -1 --format=%s base)
case "$subj" in
"base: Debian $BASE_PACKAGE "*) version=${subj##* } ;;
*) die "base in $TREE is not a commit of tree.sh ('$subj'): run 'make tree'" ;;
esac
ident="Debian $BASE_PACKAGE <$BASE_PACKAGE@packages.debian.org> 0 +0000"
base_commit=$(printf 'tree %s\nauthor %s\ncommitter %s\n\nbase: Debian %s %s\n' \
	"$(git -C "$TREE" rev-parse 'base^{tree}')" "$ident" "$ident" "$BASE_PACKAGE" "$version" |
	git -C "$TREE" hash-object -t commit --stdin)

hash=$(cat "$cover" "${patches[@]}" | sha256sum | cut -c1-16)
from=$(awk '/^$/ { exit } f && /^[ \t]/ { s = s $0; next } f { exit }
	    /^From: / { f = 1; s = $0 } END { print s }' "$cover")
domain=$(sed -n 's/.*@\([^>]*\)>.*/\1/p; t; s/.*@\([^ ]*\).*/\1/p' <<<"$from")
[ -n "$domain" ] || die "no address in the cover letter's From: ('$from'): set git's user.email and 'make export'"
msgid() { echo "<hugepfn-$hash-$1@$domain>"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the skeleton get_maintainer.pl runs in
gm=$tmp/gm
mkdir "$gm"
git -C "$TREE" ls-tree -r -d --name-only -z base | (cd "$gm" && xargs -0 -r mkdir -p)
sed -n 's|^+++ b/\(.*\)/[^/]*$|\1|p' "${patches[@]}" | sort -u | (cd "$gm" && xargs -r mkdir -p)
for f in MAINTAINERS .mailmap scripts/get_maintainer.pl; do
	git -C "$TREE" show "base:$f" >"$gm/$f"
done
for p in "${patches[@]}"; do
	(cd "$gm" && GIT_CEILING_DIRECTORIES=$tmp git apply --include=MAINTAINERS \
		--include=.mailmap --include=scripts/get_maintainer.pl "$p") ||
		die "${p#"$TOP"/}: its change to MAINTAINERS, .mailmap or get_maintainer.pl does not apply"
done
# addresses for patch P, one a line, sorted: 'to' people, 'cc' lists
maint() {
	local sel
	case "$1" in to) sel=--no-l ;; cc) sel='--no-m --no-r' ;; esac
	# shellcheck disable=SC2086
	(cd "$gm" && HOME=$gm PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
		perl scripts/get_maintainer.pl --no-tree --no-rolestats --no-git \
		--no-git-fallback $sel "$2") | sort -u
}
for k in $(seq 1 "$n"); do
	maint to "${patches[k - 1]}" >"$tmp/$k.to"
	maint cc "${patches[k - 1]}" >"$tmp/$k.cc"
done
sort -u "$tmp"/[1-9]*.to >"$tmp/0.to"
sort -u "$tmp"/[1-9]*.cc >"$tmp/0.cc"

# one message: the patch file's headers unfolded, without any Message-Id,
# In-Reply-To, References, To or Cc of its own, then ours; the body, and the
# cover letter's base lines at the end of it
message() {
	local k=$1 file=$2 irt=
	[ "$k" = 0 ] || irt=$(msgid 0)
	awk -v msgid="$(msgid "$k")" -v irt="$irt" \
	    -v to="$(paste -sd '\t' "$tmp/$k.to")" -v cc="$(paste -sd '\t' "$tmp/$k.cc")" \
	    -v base="$([ "$k" != 0 ] || printf 'base-commit: %s\nbase-package: %s %s' "$base_commit" "$BASE_PACKAGE" "$version")" '
	function flush() {
		if (h != "" && tolower(h) !~ /^(message-id|in-reply-to|references|to|cc):/)
			hdr[++nh] = h
		h = ""
	}
	function addrs(s) { gsub(/\t/, ", ", s); return s }
	FNR == 1 { print; next }
	!body && /^[ \t]/ { h = h $0; next }
	!body && /^$/ {
		flush(); body = 1
		for (i = 1; i <= nh; i++) {
			print hdr[i]
			if (tolower(hdr[i]) ~ /^content-type:/) ct = 1
		}
		print "Message-Id: " msgid
		if (irt != "") { print "In-Reply-To: " irt; print "References: " irt }
		if (to != "") print "To: " addrs(to)
		if (cc != "") print "Cc: " addrs(cc)
		next
	}
	!body { flush(); h = $0; next }
	{ b[++nb] = $0; if ($0 ~ /[\200-\377]/) eightbit = 1 }
	END {
		if (eightbit && !ct) {
			print "MIME-Version: 1.0"
			print "Content-Type: text/plain; charset=UTF-8"
			print "Content-Transfer-Encoding: 8bit"
		}
		print ""
		# the base lines go after the last line of the cover letter
		last = nb
		if (base != "") while (last > 0 && b[last] == "") last--
		for (i = 1; i <= last; i++) {
			line = b[i]
			if (line ~ /^>*From /) line = ">" line
			print line
		}
		if (base != "") print "\n" base
		# an empty line before the From line of the next message
		if (base != "" || last == 0 || b[last] != "") print ""
	}' "$file"
}

{
	message 0 "$cover"
	for k in $(seq 1 "$n"); do
		message "$k" "${patches[k - 1]}"
	done
} >"$tmp/mbox"
mv "$tmp/mbox" "$out"
note "wrote ${out#"$TOP"/}: cover letter and $n patches, To: $(grep -c . "$tmp/0.to") people, Cc: $(grep -c . "$tmp/0.cc") lists"
