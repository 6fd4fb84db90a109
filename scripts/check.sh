#!/bin/bash
# The README's test command: build the patched kernel (x86_64 debug and
# arm64 debug by default), boot it under QEMU TCG with the ivshmem test
# devices (x86_64 three times: with and without 1 GiB pages, and behind an
# emulated IOMMU), run the guest tests and report TAP plus a closing line
# 'N passed, M failed, K skipped (boots: ...)'. Exits non-zero on any
# failure, an unexpected skip, a missing run, a guest timeout, or a splat in
# the guest log. The parser's own tests (report-test.sh) run first.
#   ARCHES     which architectures to boot (default "x86_64 arm64")
#   VARIANT    kernel variant for every boot (default debug)
#   BAR_SIZES  the ivshmem BARs, one run each (default "4G 64M"; run-qemu.sh)
#   CHECK_CONFIGS  configs.sh builds to run first (default: arm64 and x86_64
#              with THP off, the directories the series changes)
#   CHECK_DOCS 0: skip the documentation check (docs.sh; default 1)
set -eu
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/report-test.sh"

arches=${ARCHES:-x86_64 arm64}
variant=${VARIANT:-debug}
for arch in $arches; do
	case "$arch" in x86_64|arm64) ;; *) die "ARCHES: no boots for '$arch' (x86_64, arm64)" ;; esac
done
[ -n "${arches// }" ] || die "ARCHES is blank: unset it to boot x86_64 and arm64"
# the runs every boot must show: one per BAR (guest/init names them)
runs=$(run_names "${BAR_SIZES:-4G 64M}")
# what makes this less than the full check, named in the closing line
narrowed=
for arch in x86_64 arm64; do
	case " $arches " in *" $arch "*) ;; *) narrowed="$narrowed ARCHES='$arches'"; break ;; esac
done
[ "$variant" = debug ] || narrowed="$narrowed VARIANT=$variant"
[ "${BAR_SIZES:-4G 64M}" = "4G 64M" ] || narrowed="$narrowed BAR_SIZES='$BAR_SIZES'"
[ -z "${APPEND_EXTRA:-}" ] || narrowed="$narrowed APPEND_EXTRA='$APPEND_EXTRA'"
[ -z "${QEMU_EXTRA:-}" ] || narrowed="$narrowed QEMU_EXTRA='$QEMU_EXTRA'"
[ "${CHECK_DOCS:-1}" = 1 ] || narrowed="$narrowed CHECK_DOCS=$CHECK_DOCS"
check_configs=${CHECK_CONFIGS-arm64-nothp x86_64-nothp}
[ "$check_configs" = "arm64-nothp x86_64-nothp" ] ||
	narrowed="$narrowed CHECK_CONFIGS='$check_configs'"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
# the posting as maintainers take it: b4 am of series/hugepfn.mbox
# applies to the base with the tree of git am series/*.patch
"$TOP/scripts/b4check.sh"
# the documentation the series adds: Sphinx and kernel-doc, no new warning
# (the base's warnings are kept in tests/docs-base/)
if [ "${CHECK_DOCS:-1}" = 1 ]; then
	"$TOP/scripts/docs.sh"
fi

tap=$OUT/check.tap
mkdir -p "$OUT"
: >"$tap"
pass=0 fail=0 skip=0 xfail=0 booted=

for arch in $arches; do
	"$TOP/scripts/kernel.sh" "$arch" "$variant"
done

# the distribution configs that are cheap enough to build every time
# (make configs builds them all)
if [ -n "$check_configs" ]; then
	# shellcheck disable=SC2086
	"$TOP/scripts/configs.sh" $check_configs
fi

# The boots: name, architecture, QEMU -cpu, the largest leaf the guest
# tests must see vfio-pci BARs mapped with (VFIO_PCI_HUGE: pud, pmd, none),
# and the IOMMU (QEMU_IOMMU; '-': none, vfio in no-IOMMU mode).
boots="
x86_64		x86_64	max			pud	-
x86_64-nogbpages x86_64	max,pdpe1gb=off		pmd	-
x86_64-viommu	x86_64	max			pud	intel
arm64		arm64	cortex-a57		pmd	-
"

initrds=
while read -r name arch cpu huge iommu; do
	[ -n "$name" ] || continue
	case " $arches " in *" $arch "*) ;; *) continue ;; esac
	kb=$BUILD/$arch-$variant
	log=$OUT/check-$name.log
	case " $initrds " in *" $arch "*) ;; *)
		"$TOP/scripts/initramfs.sh" "$arch" "$kb" "$OUT/initramfs-$arch.cpio"
		initrds="$initrds $arch" ;;
	esac
	note "booting $arch-$variant as $name, -cpu $cpu (log: ${log#"$TOP"/})"
	start=$(date +%s)
	rc=0
	[ "$iommu" != - ] || iommu=
	# what the kernel exports for the tests to read exact leaf sizes
	# and IOMMU translations with: then they must find it
	params=
	if [ "$arch" = x86_64 ] && grep -qx CONFIG_PTDUMP_DEBUGFS=y "$kb/.config"; then
		params="$params hugepfn.ptdump=1"
	fi
	if [ "$iommu" = intel ] && grep -qx CONFIG_INTEL_IOMMU_DEBUGFS=y "$kb/.config"; then
		params="$params hugepfn.iommu_debugfs=1"
	fi
	# a claim of the BAR by vfio-pci revokes /dev/mem and sysfs mappings
	if grep -qx CONFIG_IO_STRICT_DEVMEM=y "$kb/.config"; then
		params="$params hugepfn.io_strict=1"
	fi
	[ "$name" != x86_64-nogbpages ] || params="$params iomem=relaxed"
	QEMU_CPU=$cpu QEMU_IOMMU=$iommu \
		APPEND_EXTRA="hugepfn.huge=$huge$params ${APPEND_EXTRA:-}" \
		"$TOP/scripts/run-qemu.sh" "$arch" "$kb/kernel.img" \
		"$OUT/initramfs-$arch.cpio" "$log" check </dev/null || rc=$?
	note "$name guest ran $(( $(date +%s) - start ))s"
	awk -v arch="$name" -v xfail="$TOP/tests/expected-failures" \
		-v xskip="$TOP/tests/expected-skips" -v runs="$runs" \
		-f "$TOP/scripts/report.awk" "$log" >"$OUT/check-$name.tap"
	booted="$booted $name"
	grep -v '^# counts' "$OUT/check-$name.tap" | tee -a "$tap"
	set -- $(sed -n 's/^# counts //p' "$OUT/check-$name.tap")
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3)) xfail=$((xfail + $4))
	# the boot-time check that each memory type survives a pfnmap leaf
	# insertion (x86, DEBUG_VM_PGTABLE): all six as PMD leaves, and as
	# PUD leaves where the CPU has 1 GiB pages
	if [ "$arch" = x86_64 ] && grep -qx CONFIG_DEBUG_VM_PGTABLE=y "$kb/.config"; then
		pud=0
		[ "$huge" != pud ] || pud=6
		want="6 memory types kept by PMD leaves, $pud by PUD leaves"
		if grep -q "pfnmap leaf check: $want" "$log"; then
			echo "ok - $name: pfnmap leaf check: $want" | tee -a "$tap"
			pass=$((pass + 1))
		else
			echo "not ok - $name: no 'pfnmap leaf check: $want' in the guest log" | tee -a "$tap"
			fail=$((fail + 1))
		fi
	fi
	# a guest that did not run to the end shows as 'did not finish' above
	[ "$rc" = 0 ] || [ "$2" != 0 ] || { echo "not ok - $name: run-qemu.sh exit $rc" | tee -a "$tap"; fail=$((fail + 1)); }
done <<BOOTS
$boots
BOOTS

[ -n "$booted" ] || die "no boot ran for ARCHES=$arches"
echo "# expected failures (XFAIL, not counted as passed): $xfail"
echo "$pass passed, $fail failed, $skip skipped (boots:$booted${narrowed:+; narrowed by$narrowed})"
[ "$fail" = 0 ] || { note "FAILED: see the 'not ok' lines above and $OUT/check-<boot>.log"; exit 1; }
