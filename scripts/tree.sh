#!/bin/bash
# Unpack Debian's linux-source-6.1 into $TREE, commit it as 'base' and
# apply series/ on branch 'hugepfn' with git am --3way.
#
# An existing tree is reused: it is rebuilt from base only when all its
# commits are already in series/ (nothing unexported is ever thrown away)
# and it has no uncommitted changes.
set -eu
. "$(dirname "$0")/lib.sh"

patches() {
	[ -f "$SERIES/series" ] || return 0
	grep -v -e '^#' -e '^$' "$SERIES/series" | sed "s|^|$SERIES/|"
}

patch_ids() { git patch-id --stable | awk '{print $1}' | sort; }

git_id() {
	git -C "$TREE" config user.name >/dev/null 2>&1 ||
		git -C "$TREE" config user.name "$(git config user.name || echo hugepfn)"
	git -C "$TREE" config user.email >/dev/null 2>&1 ||
		git -C "$TREE" config user.email "$(git config user.email || echo hugepfn@localhost)"
}

unpack_base() {
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run 'make deps'"
	local version
	version=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE")
	note "unpacking $BASE_PACKAGE $version into $TREE"
	rm -rf "$TREE" "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	tar -C "$TREE.tmp" -xJf "$BASE_TARBALL" --strip-components=1
	git -C "$TREE.tmp" init -q -b hugepfn
	mv "$TREE.tmp" "$TREE"
	git_id
	git -C "$TREE" config core.autocrlf false
	git -C "$TREE" config gc.auto 0
	echo "$version" >"$WORK/base-version"
	# Debian's .gitignore ignores every top-level entry, which would hide
	# new files from 'git status'; drop that block (it does not build).
	sed -i '/^# Debian packaging: ignore everything/,/^!\/debian\/$/d' "$TREE/.gitignore"
	sed -i '${/^#$/d}' "$TREE/.gitignore"
	git -C "$TREE" add -A -f
	git -C "$TREE" commit -q --no-verify \
		-m "base: Debian $BASE_PACKAGE $version" \
		-m "Unpacked from $BASE_TARBALL. The Debian block of .gitignore that ignores every top-level entry is dropped so that new files show in git status."
	git -C "$TREE" tag -f base >/dev/null
}

apply_series() {
	local p
	for p in $(patches); do
		[ -f "$p" ] || die "series/series names ${p#"$SERIES"/}, which does not exist"
		if ! git -C "$TREE" am -q --3way "$p" >"$WORK/am.log" 2>&1; then
			local paths
			paths=$(git -C "$TREE" diff --name-only --diff-filter=U | tr '\n' ' ')
			[ -n "$paths" ] || paths=$(sed -n 's/^error: patch failed: //p; s/^error: \(.*\): does not exist in index/\1/p' "$WORK/am.log" | tr '\n' ' ')
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			die "${p#"$TOP"/} does not apply (conflicts in: ${paths:-see $WORK/am.log})"
		fi
	done
}

mkdir -p "$WORK"
if ! git -C "$TREE" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	unpack_base
else
	ours=$(git -C "$TREE" log -p --reverse base..HEAD | patch_ids)
	shipped=$(patches | xargs -r cat | patch_ids)
	dirty=$(git -C "$TREE" status --porcelain --untracked-files=no | head -1)
	if [ "$ours" = "$shipped" ]; then
		note "$TREE is up to date with series/ ($(git -C "$TREE" rev-list --count base..HEAD) patches)"
		[ -z "$dirty" ] ||
			note "$TREE has uncommitted changes: they are built and tested as they are (commit, then 'make export')"
		exit 0
	fi
	[ -z "$dirty" ] ||
		die "$TREE has uncommitted changes and series/ differs from its commits: commit and 'make export' them, or discard them"
	unexported=$(comm -23 <(echo "$ours") <(echo "$shipped") | grep -c . || true)
	[ "$unexported" = 0 ] || [ "${FORCE:-0}" = 1 ] ||
		die "$TREE has $unexported commit(s) not in series/: 'make export' them, or 'make tree FORCE=1' to drop them"
	git -C "$TREE" checkout -q -B hugepfn base
fi
git_id
apply_series
note "$TREE: base $(cat "$WORK/base-version") + $(git -C "$TREE" rev-list --count base..HEAD) patches on branch hugepfn"
