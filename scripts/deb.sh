#!/bin/bash
# make deb: Debian packages of the patched kernel, installed into a Debian
# 12 guest and booted there under QEMU, where the vfio_pci_bar kselftest
# runs against the ivshmem BARs behind an emulated IOMMU.
#
# The config is Debian's own amd64 one (linux-config-6.1,
# config.amd64_none_amd64) with all of its built-in code. Only its modules
# are cut, by localmodconfig, to the ones a QEMU q35 guest loads plus
# those the series changes (configs/debian-guest.lsmod): Debian's ~3800
# modules would take hours on 2 cores. Debug info is off and modules are
# signed with a key the build makes (debian_dotconfig in lib.sh).
#
# The packages (linux-image, linux-headers, linux-libc-dev) are built with
# the kernel's bindeb-pkg, release 6.1.N-hugepfn, package version
# <Debian's version>+hugepfn<number of patches>, and land in build/deb/.
# The guest is a debootstrap of bookworm (cached in work/, made once),
# into which the packages are installed with dpkg -i; its initramfs is the
# one initramfs-tools makes then. The kselftest is compiled there, with
# Debian's gcc and the uapi headers of the installed linux-libc-dev; the
# kernel and initramfs QEMU boots are the installed /boot files.
#   DEB_ONLY=build  build the packages, do not boot
set -eu
. "$(dirname "$0")/lib.sh"
require_tree
"$TOP/scripts/deps.sh" deb

out=$BUILD/deb
kb=$out/amd64
mkdir -p "$kb" "$OUT"
npatches=$(git -C "$TREE" rev-list --count base..HEAD)
debver=$(cat "$WORK/base-version")
pkgver="$debver+hugepfn$npatches"
start=$(date +%s)

# --- the packages -------------------------------------------------------
# localmodconfig keeps every =y symbol and the modules in the list (and
# what they depend on); a module the series changes that it dropped would
# go untested, so the list is checked after it.
debian_dotconfig config.amd64_none_amd64 "$TREE" "$kb/.config"
"$TREE/scripts/config" --file "$kb/.config" --set-str LOCALVERSION "-hugepfn" \
	-d LOCALVERSION_AUTO
kmake x86_64 O="$kb" olddefconfig >/dev/null
kmake x86_64 O="$kb" LSMOD="$TOP/configs/debian-guest.lsmod" localmodconfig \
	>/dev/null 2>"$kb/localmodconfig.err" ||
	die "localmodconfig failed: $(tail -n 5 "$kb/localmodconfig.err")"
for sym in VFIO VFIO_PCI VFIO_PCI_CORE VFIO_IOMMU_TYPE1 KVM KVM_INTEL KVM_AMD EXT4_FS VIRTIO_BLK; do
	grep -qx "CONFIG_$sym=m" "$kb/.config" ||
		die "localmodconfig dropped CONFIG_$sym (configs/debian-guest.lsmod must list its module)"
done
for sym in X86_PAT IO_STRICT_DEVMEM TRANSPARENT_HUGEPAGE INTEL_IOMMU ARCH_SUPPORTS_PUD_PFNMAP; do
	grep -qx "CONFIG_$sym=y" "$kb/.config" || die "the Debian config lost CONFIG_$sym"
done
note "config: Debian amd64 with $(grep -c '=y$' "$kb/.config") symbols =y, $(grep -c '=m$' "$kb/.config") =m (Debian: $(debian_config config.amd64_none_amd64 | grep -c '=m$') =m)"

# bindeb-pkg writes the packages next to the build directory: $out
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
note "building the packages ($pkgver; log: ${kb#"$TOP"/}/build.log)"
kstart=$(date +%s)
# LOCALVERSION set (empty): no '+' for a git tree off a tag
kmake x86_64 O="$kb" LOCALVERSION= KDEB_PKGVERSION="$pkgver" KDEB_COMPRESS=gzip \
	bindeb-pkg >"$kb/build.log" 2>&1 ||
	die "bindeb-pkg failed: $(grep -m5 -e 'error' -e 'Error' "$kb/build.log")"
kver=$(cat "$kb/include/config/kernel.release")
ktime=$(( $(date +%s) - kstart ))
debs=$(cd "$out" && ls -- *.deb)
note "built in ${ktime}s: $(echo $debs)"
[ "${DEB_ONLY:-}" != build ] || exit 0

# --- the guest ----------------------------------------------------------
rootfs_tar=$WORK/debian-bookworm-rootfs.tar
if [ ! -f "$rootfs_tar" ]; then
	note "debootstrap of bookworm (once; cached in ${rootfs_tar#"$TOP"/})"
	tmp=$WORK/debian-rootfs.new
	rm -rf "$tmp"
	debootstrap --variant=minbase \
		--include=systemd-sysv,udev,kmod,initramfs-tools,gcc,libc6-dev,pciutils,procps \
		bookworm "$tmp" http://deb.debian.org/debian >"$OUT/debootstrap.log" 2>&1 ||
		die "debootstrap failed; see $OUT/debootstrap.log"
	tar -C "$tmp" -cf "$rootfs_tar.new" .
	mv "$rootfs_tar.new" "$rootfs_tar"
	rm -rf "$tmp"
fi

root=$out/root
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$rootfs_tar"
cleanup() {
	umount "$root/proc" "$root/sys" "$root/dev" 2>/dev/null || true
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"

mkdir -p "$root/tmp/debs"
(cd "$out" && cp -- *.deb "$root/tmp/debs/")
note "dpkg -i in the guest root: $(echo $debs)"
chroot "$root" sh -c 'dpkg -i /tmp/debs/*.deb' >"$OUT/deb-dpkg.log" 2>&1 ||
	die "dpkg -i failed; see $OUT/deb-dpkg.log"
[ -f "$root/boot/vmlinuz-$kver" ] && [ -f "$root/boot/initrd.img-$kver" ] ||
	die "no /boot/vmlinuz-$kver and initrd.img-$kver after dpkg -i; see $OUT/deb-dpkg.log"
chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' \
	"linux-image-$kver" "linux-headers-$kver" linux-libc-dev >"$OUT/deb-installed.txt"

# the kselftest, built in the guest root from the installed uapi headers
# (the kselftest directory's layout: vm/ and the harness headers above it)
src=$root/usr/local/src/hugepfn-selftests
mkdir -p "$src/vm" "$root/usr/local/lib/hugepfn"
cp "$TREE/tools/testing/selftests/vm/vfio_pci_bar.c" "$src/vm/"
cp "$TREE/tools/testing/selftests/kselftest.h" "$TREE/tools/testing/selftests/kselftest_harness.h" "$src/"
chroot "$root" gcc -O2 -Wall -pthread \
	-o /usr/local/lib/hugepfn/vfio_pci_bar /usr/local/src/hugepfn-selftests/vm/vfio_pci_bar.c \
	>"$OUT/deb-selftest-build.log" 2>&1 ||
	die "the kselftest does not build in the guest; see $OUT/deb-selftest-build.log"

# run it at boot: guest/init (the test initramfs' init) from a unit
cp "$TOP/guest/init" "$root/usr/local/lib/hugepfn/init"
cat >"$root/etc/systemd/system/hugepfn-test.service" <<'EOF'
[Unit]
Description=hugepfn: vfio_pci_bar kselftest on the ivshmem BARs
After=systemd-udev-settle.service local-fs.target

[Service]
Type=oneshot
Environment=HUGEPFN_TESTS=/usr/local/lib/hugepfn
ExecStart=/bin/sh /usr/local/lib/hugepfn/init
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/hugepfn-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/hugepfn-test.service"
# the serial console is the test's output, not a login prompt
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
echo hugepfn-deb >"$root/etc/hostname"
cp "$root/boot/vmlinuz-$kver" "$root/boot/initrd.img-$kver" "$out/"
rm -rf "$root/tmp/debs"
cleanup
trap - EXIT

img=$out/debian.img
rm -f "$img"
mkfs.ext4 -q -F -L root -d "$root" "$img" 4G || die "mkfs.ext4 -d failed"

log=$OUT/deb-boot.log
note "booting $kver from the Debian guest's /boot (log: ${log#"$TOP"/})"
bstart=$(date +%s)
rc=0
QEMU_IOMMU=intel QEMU_EXTRA="-drive file=$img,if=virtio,format=raw" \
	APPEND_EXTRA="root=/dev/vda rw systemd.show_status=0 hugepfn.huge=pud hugepfn.io_strict=1" \
	"$TOP/scripts/run-qemu.sh" x86_64 "$out/vmlinuz-$kver" "$out/initrd.img-$kver" "$log" check \
	</dev/null || rc=$?
btime=$(( $(date +%s) - bstart ))
grep -q "Linux version $kver " "$log" || die "the guest did not boot $kver; see $log"

awk -v arch=debian-amd64 -v xfail="$TOP/tests/expected-failures" \
	-v xskip="$TOP/tests/expected-skips" -v runs="4g 64m" \
	-f "$TOP/scripts/report.awk" "$log" >"$OUT/deb.tap"
grep -v '^# counts' "$OUT/deb.tap"
set -- $(sed -n 's/^# counts //p' "$OUT/deb.tap")
echo "packages ($out):"
sed 's/^/  /' "$OUT/deb-installed.txt"
echo "kernel: $kver, Debian amd64 config (modules cut by localmodconfig); build ${ktime}s, guest boot and test ${btime}s, total $(( $(date +%s) - start ))s"
echo "$1 passed, $2 failed, $3 skipped (boot: debian-amd64)"
[ "$2" = 0 ] && [ "$rc" = 0 ] && [ "$1" -gt 0 ]
