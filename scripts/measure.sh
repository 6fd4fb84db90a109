#!/bin/bash
# Boot a bench-variant x86_64 kernel built from SRC with the 4 GiB BAR and
# run guest/barbench on it: measure.sh NAME SRC
# Writes out/measure-NAME.log (console) and out/measure-NAME.txt, one
# 'key value' line per number, plus 'sizes' (mapping sizes vfio-pci used).
set -eu
. "$(dirname "$0")/lib.sh"

name=${1:?usage: measure.sh NAME SRC}
src=${2:?usage: measure.sh NAME SRC}

KBUILD_NAME=x86_64-bench-$name "$TOP/scripts/kernel.sh" x86_64 bench "$src"
kb=$BUILD/x86_64-bench-$name
"$TOP/scripts/initramfs.sh" x86_64 "$kb" "$OUT/initramfs-measure.cpio"
log=$OUT/measure-$name.log
note "booting x86_64-bench-$name (log: ${log#"$TOP"/})"
# behind QEMU's intel-iommu, so that barbench can time VFIO_IOMMU_MAP_DMA (on
# the base kernel, a lookup per 4 KiB page: allow barbench more time)
BAR_SIZES=4G QEMU_IOMMU=intel APPEND_EXTRA="hugepfn.timeout=1400 dyndbg=\"file drivers/vfio/pci/* +p\"" \
	"$TOP/scripts/run-qemu.sh" x86_64 "$kb/kernel.img" \
	"$OUT/initramfs-measure.cpio" "$log" bench

txt=$OUT/measure-$name.txt
sed -n 's/^bench: //p' "$log" | tr -d '\r' >"$txt"
grep -q '^touch_faults ' "$txt" ||
	die "barbench printed no numbers; its output is in $log"
# vfio-pci's dynamic debug names the order of every huge fault it served
# ('huge fault order=N BARn offset 0x...: mapped'; fallbacks are not counted)
sizes=$(sed -n 's/.*vfio-pci.*huge fault order=\([0-9]*\) .*: mapped.*/\1/p' "$log" | sort -n | uniq -c |
	awk '{ o = $2 + 12; u = o >= 30 ? (2 ^ (o - 30)) "G" : o >= 20 ? (2 ^ (o - 20)) "M" : (2 ^ (o - 10)) "K";
	       printf "%s%s x%d", sep, u, $1; sep = ", " }')
echo "sizes ${sizes:-4K PTEs (no huge faults reported by vfio-pci)}" >>"$txt"
echo "kernel $(sed -n 's/^Linux version \([^ ]*\).*/\1/p' "$log" | head -1)" >>"$txt"
