#!/bin/bash
# The main job: boot the patched x86_64 kernel with a 4 GiB ivshmem BAR
# behind an emulated IOMMU, map the whole BAR through vfio-pci, DMA-map it
# as a VMM would for peer-to-peer, and show what it cost.
set -eu
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/measure.sh" patched "$TREE"
v() { sed -n "s/^$1 //p" "$OUT/measure-patched.txt"; }

cat <<TABLE

hugepfn demo: whole 4 GiB BAR through vfio-pci, x86_64 guest under QEMU TCG
kernel: Debian linux-source-6.1 $(cat "$WORK/base-version") + $(git -C "$TREE" rev-list --count base..HEAD) patches (bench config)

  BAR size                     $(v bar_size_mib) MiB
  faults to touch every page   $(v touch_faults)
  page tables (VmPTE growth)   $(v vmpte_kib) KiB
  time to touch                $(v touch_ms) ms
  fork with the BAR mapped     $(v fork_ms) ms
  munmap of the BAR            $(v munmap_ms) ms
  VFIO_IOMMU_MAP_DMA of it     $(v dma_map_ms) ms, $(v dma_lookups) pfn lookups
  mapping sizes used           $(v sizes)

(median of 3 runs; times are TCG emulation, compare them only with 'make bench')
TABLE
