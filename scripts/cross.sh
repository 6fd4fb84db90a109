#!/bin/bash
# Cross-build the kernel directories the series changes, at base and with the
# series, for s390, powerpc, sparc64, i386, x86_64 (ACRN is 64-bit only) and
# every other arch the series touches (defconfig plus configs/cross.config).
# Fails on a build error or on a warning the base build of the same object
# does not have; says which symbols of configs/cross.config an arch lacks.
#   CROSS_ARCHES  override the list of arches
set -eu
. "$(dirname "$0")/lib.sh"
require_tree
"$TOP/scripts/deps.sh" cross

# arch dirs the series touches, as kernel ARCH names
touched=$(git -C "$TREE" diff --name-only base..HEAD | sed -n 's|^arch/\([^/]*\)/.*|\1|p' | sort -u |
	sed -e 's/^x86$/i386/' -e 's/^sparc$/sparc64/' | grep -v -e '^arm64$' || true)
arches=${CROSS_ARCHES:-$(echo s390 powerpc sparc64 i386 x86_64 $touched | tr ' ' '\n' | sort -u)}

# the base as a worktree of $TREE, for this run only
base_worktree "$WORK/linux-base"
base=$BASE_WT

# build OBJECTS of SRC for ARCH into DIR; warnings go to DIR/warnings
build_objects() {
	local arch=$1 src=$2 dir=$3; shift 3
	local saved=$TREE
	TREE=$src
	mkdir -p "$dir"
	: >"$dir/warnings"
	kmake "$arch" O="$dir" defconfig >/dev/null 2>&1 || { TREE=$saved; return 1; }
	if [ -f "$TOP/configs/cross.config" ]; then
		"$src/scripts/kconfig/merge_config.sh" -m -O "$dir" "$dir/.config" \
			"$TOP/configs/cross.config" >/dev/null
		kmake "$arch" O="$dir" olddefconfig >/dev/null 2>&1
	fi
	local rc=0
	kmake "$arch" O="$dir" -k "$@" 2>"$dir/build.err" >/dev/null || rc=$?
	build_warnings "$dir/build.err" >"$dir/warnings"
	TREE=$saved
	return $rc
}

fail=0
for arch in $arches; do
	objs=$(changed_dirs "$arch" | tr '\n' ' ')
	if [ -z "${objs// /}" ]; then
		echo "ok   $arch: the series changes no kernel object built for it"
		continue
	fi
	if ! build_objects "$arch" "$TREE" "$BUILD/cross-$arch" $objs; then
		echo "FAIL $arch: build error"
		grep -E 'error' "$BUILD/cross-$arch/build.err" | head -n 20 | sed 's/^/    /'
		fail=1
		continue
	fi
	build_objects "$arch" "$base" "$BUILD/cross-$arch-base" $objs || true
	new=$(comm -23 "$BUILD/cross-$arch/warnings" "$BUILD/cross-$arch-base/warnings")
	warnings_verdict "$arch:" "$new" "$objs" || fail=1
	# what configs/cross.config asks for that this arch does not have
	dropped=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$TOP/configs/cross.config" |
		while read -r sym; do grep -q "^$sym=y" "$BUILD/cross-$arch/.config" || echo "${sym#CONFIG_}"; done | tr '\n' ' ')
	[ -z "$dropped" ] || echo "     $arch has no: $dropped"
done
[ "$fail" = 0 ] || die "cross build failed (logs in $BUILD/cross-<arch>/build.err)"
