#!/bin/bash
# The README's test command: build the patched kernel (x86_64 debug and
# arm64 debug by default), boot it under QEMU TCG with the ivshmem test
# devices (x86_64 three times: with and without 1 GiB pages, and behind an
# emulated IOMMU), run the guest tests and report TAP plus a closing line 'N passed, M failed, K skipped'. Exits
# non-zero on any failure, a guest timeout, or a splat in the guest log.
#   ARCHES   which architectures to boot (default "x86_64 arm64")
#   VARIANT  kernel variant for every boot (default debug)
set -eu
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"

arches=${ARCHES:-x86_64 arm64}
variant=${VARIANT:-debug}
tap=$OUT/check.tap
mkdir -p "$OUT"
: >"$tap"
pass=0 fail=0 skip=0 xfail=0

for arch in $arches; do
	"$TOP/scripts/kernel.sh" "$arch" "$variant"
done

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
	QEMU_CPU=$cpu QEMU_IOMMU=$iommu \
		APPEND_EXTRA="hugepfn.huge=$huge ${APPEND_EXTRA:-}" \
		"$TOP/scripts/run-qemu.sh" "$arch" "$kb/kernel.img" \
		"$OUT/initramfs-$arch.cpio" "$log" check </dev/null || rc=$?
	note "$name guest ran $(( $(date +%s) - start ))s"
	awk -v arch="$name" -v xfail="$TOP/tests/expected-failures" \
		-f "$TOP/scripts/report.awk" "$log" >"$OUT/check-$name.tap"
	grep -v '^# counts' "$OUT/check-$name.tap" | tee -a "$tap"
	set -- $(sed -n 's/^# counts //p' "$OUT/check-$name.tap")
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3)) xfail=$((xfail + $4))
	# a guest that did not run to the end shows as 'did not finish' above
	[ "$rc" = 0 ] || [ "$2" != 0 ] || { echo "not ok - $name: run-qemu.sh exit $rc" | tee -a "$tap"; fail=$((fail + 1)); }
done <<BOOTS
$boots
BOOTS

echo "# expected failures (XFAIL, not counted as passed): $xfail"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] || { note "FAILED: see the 'not ok' lines above and $OUT/check-<boot>.log"; exit 1; }
