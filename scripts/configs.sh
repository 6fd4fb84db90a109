#!/bin/bash
# Build the series on the configs a distribution meets, at base and with
# the series: configs.sh [NAME...] (default: every config below).
# Fails on a build error, a modpost error (a missing export, with the vfio
# and KVM code as modules) or a compiler warning that the base build of
# the same config does not have. Each config asks for symbols; one that
# Kconfig does not give as asked is an error, so a config cannot quietly
# stop testing what its name says.
#   CONFIGS_LIST  print the table and exit
set -eu
. "$(dirname "$0")/lib.sh"
require_tree

# name | arch | start | build | changes
#   start: min (allnoconfig + configs/common.config + configs/ARCH.config,
#          the harness's own kernel) or debian:FILE (Debian's own config
#          from the package linux-config-6.1)
#   build: all (vmlinux and modules) or dirs (the directories of the .c
#          files the series changes, see changed_dirs in lib.sh)
#   changes: SYM=y|m (set), -SYM (unset), on top of the start
#
# Most configs are built by directory: a whole kernel per config (and
# one of the base, whose headers differ) would take hours on 2 cores;
# every file the series changes is built, and the headers it changes are
# compiled into each of those files. The modules configs build whole
# kernels, for modpost to check the exports. Debian's configs get debug
# info turned off (it costs time, not coverage) and do not ask for the
# signing keys Debian's build system provides. The base is built only
# when the series' build warns, to tell new warnings from old ones.
configs="
arm64-nothp		arm64	min	dirs	-TRANSPARENT_HUGEPAGE
x86_64-nothp		x86_64	min	dirs	-TRANSPARENT_HUGEPAGE
x86_64-nothp-hugetlb	x86_64	min	dirs	-TRANSPARENT_HUGEPAGE HUGETLBFS=y
arm64-hugetlb		arm64	min	dirs	HUGETLBFS=y
x86_64-hugetlb		x86_64	min	dirs	HUGETLBFS=y
x86_64-nopat		x86_64	min	dirs	EXPERT=y -X86_PAT
x86_64-nonuma		x86_64	min	dirs	-NUMA
x86_64-modules		x86_64	min	all	MODULES=y VFIO=m VFIO_PCI=m VFIO_IOMMU_TYPE1=m VIRTUALIZATION=y HIGH_RES_TIMERS=y KVM=m KVM_INTEL=m
arm64-modules		arm64	min	all	MODULES=y VFIO=m VFIO_PCI=m VFIO_IOMMU_TYPE1=m VIRTUALIZATION=y KVM=y
debian-amd64		x86_64	debian:config.amd64_none_amd64		dirs	-
debian-amd64-rt		x86_64	debian:config.amd64_rt_amd64		dirs	-
debian-cloud-amd64	x86_64	debian:config.amd64_none_cloud-amd64	dirs	-
debian-arm64		arm64	debian:config.arm64_none_arm64		dirs	-
"
if [ -n "${CONFIGS_LIST:-}" ]; then
	printf '%s\n' "$configs" | sed '/^$/d'
	exit 0
fi

# configure SRC for ARCH in DIR from START with CHANGES
configure() {
	local arch=$1 src=$2 dir=$3 start=$4 changes=$5 c sym
	local saved=$TREE
	TREE=$src
	mkdir -p "$dir"
	case "$start" in
	min)
		# the harness's fragments without the symbols the changes set
		local drop=
		for c in $changes; do sym=${c#-}; sym=${sym%%=*}; drop="$drop -e ^CONFIG_$sym="; done
		cat "$TOP/configs/common.config" "$TOP/configs/$arch.config" |
			{ if [ -n "$drop" ]; then grep -v $drop; else cat; fi; } >"$dir/fragment.config"
		for c in $changes; do
			case "$c" in
			-*) echo "# CONFIG_${c#-} is not set" ;;
			*) echo "CONFIG_$c" ;;
			esac
		done >>"$dir/fragment.config"
		kmake "$arch" O="$dir" KCONFIG_ALLCONFIG="$dir/fragment.config" allnoconfig >/dev/null
		;;
	debian:*)
		debian_dotconfig "${start#debian:}" "$src" "$dir/.config"
		for c in $changes; do
			case "$c" in
			-) ;;
			-*) "$src/scripts/config" --file "$dir/.config" -d "${c#-}" ;;
			*=m) "$src/scripts/config" --file "$dir/.config" -m "${c%=m}" ;;
			*) "$src/scripts/config" --file "$dir/.config" -e "${c%=y}" ;;
			esac
		done
		kmake "$arch" O="$dir" olddefconfig >/dev/null
		;;
	*) TREE=$saved; die "unknown start '$start'" ;;
	esac
	TREE=$saved
	# every change must have taken
	local bad=
	for c in $changes; do
		case "$c" in
		-) ;;
		-*) ! grep -q "^CONFIG_${c#-}=" "$dir/.config" || bad="$bad $c" ;;
		*) grep -qx "CONFIG_$c" "$dir/.config" || bad="$bad $c" ;;
		esac
	done
	[ -z "$bad" ] || die "$(basename "$dir"): Kconfig did not take:$bad"
}

# build WHAT (all or dirs) of SRC for ARCH in DIR; warnings in DIR/warnings
build() {
	local arch=$1 src=$2 dir=$3 what=$4
	local saved=$TREE rc=0 targets
	TREE=$src
	case "$what" in
	all) targets= ;;
	dirs) targets=$(TREE=$saved changed_dirs "$arch" | tr '\n' ' ') ;;
	esac
	# shellcheck disable=SC2086
	kmake "$arch" O="$dir" $targets 2>"$dir/build.err" >/dev/null || rc=$?
	build_warnings "$dir/build.err" >"$dir/warnings"
	TREE=$saved
	return $rc
}

table=$(printf '%s\n' "$configs" | sed '/^$/d')
names=${*:-$(awk '{ print $1 }' <<<"$table")}
for name in $names; do
	grep -q "^$name[[:space:]]" <<<"$table" ||
		die "no config '$name' (CONFIGS_LIST=1 scripts/configs.sh lists them)"
done

base_worktree "$WORK/linux-configs-base"
fail=0 ran=
for name in $names; do
	read -r _ arch start what changes <<<"$(grep "^$name[[:space:]]" <<<"$table")"
	dir=$BUILD/configs-$name
	start_s=$(date +%s)
	configure "$arch" "$TREE" "$dir" "$start" "$changes"
	if ! build "$arch" "$TREE" "$dir" "$what"; then
		echo "FAIL $name: build error ($arch, $start, $what: $changes)"
		grep -E 'error|ERROR' "$dir/build.err" | head -n 20 | sed 's/^/    /'
		fail=1
		continue
	fi
	new=
	if [ -s "$dir/warnings" ]; then
		configure "$arch" "$BASE_WT" "$dir-base" "$start" "$changes"
		build "$arch" "$BASE_WT" "$dir-base" "$what" || true
		new=$(comm -23 "$dir/warnings" "$dir-base/warnings")
	fi
	warnings_verdict "$name" "$new" "($arch, $start, $what: $changes) $(( $(date +%s) - start_s ))s" || fail=1
	ran="$ran $name"
done
[ "$fail" = 0 ] || die "config builds failed (logs in $BUILD/configs-<name>/build.err)"
note "built at base and patched, no error, no new warning:$ran"
