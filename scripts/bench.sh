#!/bin/bash
# Base kernel (no series) against the patched kernel: same bench config,
# same QEMU, same barbench binary; printed side by side with ratios.
set -eu
. "$(dirname "$0")/lib.sh"
require_tree

# the base as a worktree of $TREE, for this run only
base=$WORK/linux-base
git -C "$TREE" worktree remove --force "$base" 2>/dev/null || rm -rf "$base"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$base" base
trap 'git -C "$TREE" worktree remove --force "$base" 2>/dev/null || true' EXIT

"$TOP/scripts/measure.sh" base "$base"
"$TOP/scripts/measure.sh" patched "$TREE"

printf '\nhugepfn bench: 4 GiB BAR through vfio-pci, x86_64 guest behind intel-iommu, QEMU TCG (median of 3 runs)\n'
printf 'base: Debian linux-source-6.1 %s; patched: + %s patches\n\n' \
	"$(cat "$WORK/base-version")" "$(git -C "$TREE" rev-list --count base..HEAD)"
join <(sort "$OUT/measure-base.txt") <(sort "$OUT/measure-patched.txt") |
awk 'BEGIN {
	order["touch_faults"] = 1; order["vmpte_kib"] = 2; order["touch_ms"] = 3
	order["fork_ms"] = 4; order["munmap_ms"] = 5; order["dma_map_ms"] = 6; order["dma_lookups"] = 7
	label["touch_faults"] = "faults to touch 4 GiB"; label["vmpte_kib"] = "VmPTE growth (KiB)"
	label["touch_ms"] = "touch time (ms)"; label["fork_ms"] = "fork (ms)"; label["munmap_ms"] = "munmap (ms)"
	label["dma_map_ms"] = "MAP_DMA 4 GiB (ms)"; label["dma_lookups"] = "MAP_DMA pfn lookups"
	printf "  %-24s %14s %14s %12s\n", "", "base", "patched", "patched/base"
}
$1 in order {
	ratio = $2 > 0 ? sprintf("%.3f", $3 / $2) : "-"
	line[order[$1]] = sprintf("  %-24s %14s %14s %12s", label[$1], $2, $3, ratio)
}
END { for (i = 1; i <= 7; i++) if (i in line) print line[i] }'
printf '\n  mapping sizes, base:    %s\n' "$(sed -n 's/^sizes //p' "$OUT/measure-base.txt")"
printf '  mapping sizes, patched: %s\n' "$(sed -n 's/^sizes //p' "$OUT/measure-patched.txt")"
