#!/bin/bash
# The README's test command: build the patched kernel (x86_64 debug and
# arm64 debug by default), boot each under QEMU TCG with the ivshmem test
# devices, run the guest tests and report TAP plus a closing line
# 'N passed, M failed, K skipped'. Exits non-zero on any failure, a guest
# timeout, or a splat in the guest kernel log.
#   ARCHES   which boots (default "x86_64 arm64")
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

for arch in $arches; do
	kb=$BUILD/$arch-$variant
	log=$OUT/check-$arch.log
	"$TOP/scripts/initramfs.sh" "$arch" "$kb" "$OUT/initramfs-$arch.cpio"
	note "booting $arch-$variant (log: ${log#"$TOP"/})"
	start=$(date +%s)
	rc=0
	"$TOP/scripts/run-qemu.sh" "$arch" "$kb/kernel.img" \
		"$OUT/initramfs-$arch.cpio" "$log" check || rc=$?
	note "$arch guest ran $(( $(date +%s) - start ))s"
	awk -v arch="$arch" -v xfail="$TOP/tests/expected-failures" \
		-f "$TOP/scripts/report.awk" "$log" >"$OUT/check-$arch.tap"
	grep -v '^# counts' "$OUT/check-$arch.tap" | tee -a "$tap"
	set -- $(sed -n 's/^# counts //p' "$OUT/check-$arch.tap")
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3)) xfail=$((xfail + $4))
	# a guest that did not run to the end shows as 'did not finish' above
	[ "$rc" = 0 ] || [ "$2" != 0 ] || { echo "not ok - $arch: run-qemu.sh exit $rc" | tee -a "$tap"; fail=$((fail + 1)); }
done

echo "# expected failures (XFAIL, not counted as passed): $xfail"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] || { note "FAILED: see the 'not ok' lines above and $OUT/check-<arch>.log"; exit 1; }
