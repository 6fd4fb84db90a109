#!/bin/bash
# The x86 PAT cases of vfio_pci_bar (its 'pfnmap' fixture: memtype
# reservations of sysfs resource and /dev/mem mappings), base kernel vs
# patched kernel, one line per case. Both kernels are the x86_64 debug
# variant (CONFIG_IO_STRICT_DEVMEM, as Debian has it) and run the patched
# tree's test. Each variant (resource, resource_wc, devmem) runs in a boot
# of its own (VFIO_PCI_ONLY), so that what one leaks on the base kernel
# cannot fail the next, twice: as the kernel is (vfio-pci's claim of the
# BAR revokes the other mappings) and with iomem=relaxed (it does not).
# Exits non-zero if a case fails or is missing on the patched kernel, or if
# none fails on the base kernel (the cases would not show the defect).
#   PAT_VARIANTS  the variants to run (default "resource resource_wc devmem")
#   PAT_MODES     the boots of each (default "strict relaxed")
#   PAT_BOOT=0    build and boot nothing: the table of the logs in out/
set -eu
export LC_ALL=C
. "$(dirname "$0")/lib.sh"
require_tree
mkdir -p "$OUT"
variants=${PAT_VARIANTS:-resource resource_wc devmem}
modes=${PAT_MODES:-strict relaxed}

initrd=$OUT/initramfs-x86_64.cpio
if [ "${PAT_BOOT:-1}" != 0 ]; then
	base_worktree "$WORK/linux-pat-base"
	"$TOP/scripts/kernel.sh" x86_64 debug
	KBUILD_NAME=x86_64-debug-base "$TOP/scripts/kernel.sh" x86_64 debug "$BASE_WT"
	"$TOP/scripts/initramfs.sh" x86_64 "$BUILD/x86_64-debug" "$initrd"
fi

# boot KERNEL MODE VARIANT: out/pat-KERNEL-MODE-VARIANT.{log,txt}, the
# .txt one line per case: '4g:pfnmap.devmem.munmap_pieces ok|FAIL|SKIP'
boot() {
	local kernel=$1 mode=$2 variant=$3 extra=
	local name=pat-$kernel-$mode-$variant kb=$BUILD/x86_64-debug
	local log=$OUT/$name.log
	[ "$kernel" = patched ] || kb=$BUILD/x86_64-debug-base
	[ "$mode" = strict ] || extra=" iomem=relaxed"
	if [ "${PAT_BOOT:-1}" = 0 ]; then
		[ -f "$log" ] || die "PAT_BOOT=0: no $log (run make pat first)"
		parse "$log" "$variant" "$mode" "$name"
		return
	fi
	note "booting the $kernel kernel, $mode, pfnmap.$variant (log: ${log#"$TOP"/})"
	GUEST_TIMEOUT=900 APPEND_EXTRA="hugepfn.huge=pud hugepfn.io_strict=1 hugepfn.only=pfnmap.$variant$extra" \
		"$TOP/scripts/run-qemu.sh" x86_64 "$kb/kernel.img" "$initrd" "$log" check </dev/null ||
		note "$kernel $mode $variant: run-qemu.sh exit $? (the table shows what ran)"
	parse "$log" "$variant" "$mode" "$name"
}

# parse LOG VARIANT MODE NAME: out/NAME.txt and out/NAME.msgs
parse() {
	local log=$1 variant=$2 mode=$3 name=$4
	awk -v arch="$mode" -v runs="4g 64m" -v xfail=/dev/null -v xskip=/dev/null \
		-f "$TOP/scripts/report.awk" "$log" 2>/dev/null |
		sed -n "s/^\(not ok\|ok\) [0-9]* [^ ]*: \([^ ]*:pfnmap\.$variant\.[^ ]*\)\(.*\)/\2 \1\3/p" |
		sed -e 's/ not ok # unexpected skip.*/ SKIP/' -e 's/ not ok.*/ FAIL/' -e 's/ ok.*/ ok/' \
		>"$OUT/$name.txt"
	# what the kernel said about memtypes (its log, as guest/init dumps
	# it at the end; but the boot's PAT configuration line)
	awk '/# hugepfn: dmesg begin/ { on = 1 } /# hugepfn: dmesg end/ { on = 0 }
	     on && /x86\/PAT:/ && !/x86\/PAT: Configuration/ { n++ } END { print n + 0 }' \
		"$log" >"$OUT/$name.msgs"
}

for mode in $modes; do
	for variant in $variants; do
		boot base "$mode" "$variant"
		boot patched "$mode" "$variant"
	done
done

printf 'base: Debian linux-source-6.1 %s; patched: + %s patches; both x86_64 debug, each variant booted alone\n\n' \
	"$(cat "$WORK/base-version")" "$(git -C "$TREE" rev-list --count base..HEAD)"
bad=0
for mode in $modes; do
	case "$mode" in
	strict) printf 'IO_STRICT_DEVMEM (a claim by vfio-pci revokes the mapping):\n' ;;
	*) printf 'IO_STRICT_DEVMEM, iomem=relaxed (it does not):\n' ;;
	esac
	printf '  %-58s %-6s %s\n' case base patched
	cat "$OUT"/pat-base-"$mode"-*.txt | sort >"$OUT/pat-base-$mode.txt"
	cat "$OUT"/pat-patched-"$mode"-*.txt | sort >"$OUT/pat-patched-$mode.txt"
	join -a 1 -a 2 -e missing -o 0,1.2,2.2 "$OUT/pat-base-$mode.txt" "$OUT/pat-patched-$mode.txt" |
		awk '{ printf "  %-58s %-6s %s\n", $1, $2, $3 }' | tee "$OUT/pat-$mode.table"
	bmsg=0 pmsg=0
	for variant in $variants; do
		bmsg=$((bmsg + $(cat "$OUT/pat-base-$mode-$variant.msgs")))
		pmsg=$((pmsg + $(cat "$OUT/pat-patched-$mode-$variant.msgs")))
	done
	total=$(wc -l <"$OUT/pat-$mode.table")
	bfail=$(awk '$2 == "FAIL"' "$OUT/pat-$mode.table" | wc -l)
	pfail=$(awk '$3 != "ok"' "$OUT/pat-$mode.table" | wc -l)
	printf '  %d cases: %d fail on the base kernel, %d fail or are missing on the patched kernel; x86/PAT kernel messages: base %d, patched %d\n\n' \
		"$total" "$bfail" "$pfail" "$bmsg" "$pmsg"
	[ "$total" -gt 0 ] || { note "$mode: no pfnmap case ran"; bad=1; }
	[ "$pfail" = 0 ] || bad=1
	[ "$bfail" -gt 0 ] || { note "$mode: no case fails on the base kernel"; bad=1; }
done
exit "$bad"
