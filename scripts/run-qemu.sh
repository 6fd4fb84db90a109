#!/bin/bash
# Boot a kernel with the test devices under QEMU TCG and capture the serial
# console: run-qemu.sh ARCH KERNEL INITRD LOG [MODE]
#   MODE: hugepfn.mode for guest/init (check, bench, demo; default check)
# Environment:
#   GUEST_TIMEOUT  wall-clock seconds before a hung guest is killed (1500)
#   QEMU_EXTRA     extra QEMU options (an IOMMU, other devices)
#   APPEND_EXTRA   extra kernel command-line arguments
#   QEMU_CPU       -cpu model (x86_64: max, arm64: cortex-a57)
#   QEMU_TCG       TCG options (x86_64: thread=single, arm64: thread=multi)
#   BAR_SIZES      sizes of the ivshmem BARs (default "4G 64M")
#   QEMU_IOMMU     intel: an emulated Intel IOMMU (x86_64), the guest
#                  booted with intel_iommu=on; vfio then uses type1
set -eu
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: run-qemu.sh ARCH KERNEL INITRD LOG [MODE]}
kernel=${2:?}
initrd=${3:?}
log=${4:?}
mode=${5:-check}
tmo=${GUEST_TIMEOUT:-1500}

[ -f "$kernel" ] || die "no kernel image $kernel"
[ -f "$initrd" ] || die "no initramfs $initrd"

append="loglevel=5 panic=-1 vfio.enable_unsafe_noiommu_mode=1 hugepfn.mode=$mode"
case "$arch" in
x86_64)
	qemu=qemu-system-x86_64
	machine=(-M q35 -cpu "${QEMU_CPU:-max}")
	# Multi-threaded TCG loses the wakeup of a halted x86 vCPU now and
	# then: it sleeps through IPIs and timers for good (RCU stall "timer
	# wakeup didn't happen", soft lockups of the CPU waiting for it). One
	# thread for all vCPUs has no such race.
	tcg=${QEMU_TCG:-thread=single}
	# TCG loses TSC-deadline timer interrupts now and then: a vCPU that
	# never gets its tick again stalls RCU and every task that sleeps
	# on it. The LAPIC's own one-shot mode does not.
	append="console=ttyS0 lapic=notscdeadline $append"
	;;
arm64)
	qemu=qemu-system-aarch64
	machine=(-M virt,gic-version=3 -cpu "${QEMU_CPU:-cortex-a57}")
	tcg=${QEMU_TCG:-thread=multi}
	append="console=ttyAMA0 $append"
	;;
*) die "ARCH must be x86_64 or arm64" ;;
esac
command -v "$qemu" >/dev/null || die "no $qemu: run 'make deps'"

# The IOMMU must exist before the PCI devices it translates for.
iommu=()
case "${QEMU_IOMMU:-}" in
'') ;;
intel)
	[ "$arch" = x86_64 ] || die "QEMU_IOMMU=intel needs ARCH=x86_64"
	# No interrupt remapping: TCG has no split irqchip to do it with.
	# vfio type1 refuses such a platform unless told that MSIs of the
	# guest's devices may go unchecked (a test guest: they may).
	iommu=(-device intel-iommu,intremap=off)
	append="$append intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1"
	;;
*) die "QEMU_IOMMU must be empty or intel, not '$QEMU_IOMMU'" ;;
esac

devs=()
i=0
for size in ${BAR_SIZES:-4G 64M}; do
	devs+=(-object "memory-backend-memfd,id=bar$i,size=$size,share=on"
	       -device "ivshmem-plain,memdev=bar$i")
	i=$((i + 1))
done

mkdir -p "$(dirname "$log")"
: >"$log"
set +e
# shellcheck disable=SC2086
timeout -k 10 "$tmo" "$qemu" "${machine[@]}" -accel "tcg,$tcg" \
	-smp 2 -m 2G -display none -monitor none -no-reboot \
	-serial "file:$log" -kernel "$kernel" -initrd "$initrd" \
	-append "$append ${APPEND_EXTRA:-}" ${iommu[@]+"${iommu[@]}"} \
	"${devs[@]}" ${QEMU_EXTRA:-} \
	</dev/null >"$log.qemu" 2>&1
rc=$?
set -e
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	note "$arch guest timed out after ${tmo}s and was killed; last lines of $log:"
	tail -n 15 "$log" | sed 's/^/    /' >&2
	exit 124
elif [ "$rc" != 0 ]; then
	note "$qemu exited with $rc:"
	sed 's/^/    /' "$log.qemu" >&2
	exit "$rc"
fi
