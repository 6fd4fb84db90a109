#!/bin/bash
# Build a kernel out of tree: kernel.sh ARCH [VARIANT [SRC]]
#   ARCH: x86_64 or arm64; VARIANT: min or debug (default min);
#   SRC: source tree (default $TREE); output in $BUILD/<name>, where
#   <name> is ARCH-VARIANT, or $KBUILD_NAME when set.
# Config: allnoconfig + configs/common.config + configs/ARCH.config +
# configs/VARIANT.config (+ configs/ARCH-VARIANT.config when it exists);
# every symbol asked for must end up set.
set -eu
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: kernel.sh ARCH [min|debug] [SRC]}
variant=${2:-min}
src=${3:-$TREE}
case "$arch" in x86_64|arm64) ;; *) die "ARCH must be x86_64 or arm64, not '$arch'" ;; esac
[ -f "$TOP/configs/$variant.config" ] || die "no configs/$variant.config (VARIANT is min or debug)"
TREE=$src
require_tree
name=${KBUILD_NAME:-$arch-$variant}
out=$BUILD/$name
mkdir -p "$out"

frag=$out/fragment.config
frags=("$TOP/configs/common.config" "$TOP/configs/$arch.config" "$TOP/configs/$variant.config")
[ ! -f "$TOP/configs/$arch-$variant.config" ] || frags+=("$TOP/configs/$arch-$variant.config")
cat "${frags[@]}" >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$out/.config" ]; then
	mv "$frag.new" "$frag"
	kmake "$arch" O="$out" KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
else
	rm -f "$frag.new"
	kmake "$arch" O="$out" olddefconfig >/dev/null
fi

# A symbol that Kconfig silently dropped (unmet dependency) is an error.
bad=
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx -- "$line" "$out/.config" || bad="$bad ${line%%=*}"
done <"$frag"
[ -z "$bad" ] || die "$name: not set as asked in the config fragments:$bad"

note "building $name ($(git -C "$src" describe --always --tags))"
kmake "$arch" O="$out" 2> >(grep -v -e '^warning: .* clock skew' >&2) ||
	die "$name: build failed (rerun: make kernel ARCH=$arch VARIANT=$variant)"
case "$arch" in
x86_64) img=$out/arch/x86/boot/bzImage ;;
arm64) img=$out/arch/arm64/boot/Image ;;
esac
[ -f "$img" ] || die "$name: no $img after the build"
ln -sf "$img" "$out/kernel.img"
note "$name: $img"
