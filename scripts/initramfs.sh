#!/bin/bash
# Build the guest initramfs: initramfs.sh ARCH KBUILD OUT
#   KBUILD: a kernel build dir of ARCH (its usr/include has the uapi headers)
#   OUT:    the cpio to write
# Holds busybox, guest/init, the vfio_pci_bar kselftest from $TREE (when the
# tree has it) and guest/barbench, all static.
set -eu
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: initramfs.sh ARCH KBUILD OUT}
kbuild=${2:?usage: initramfs.sh ARCH KBUILD OUT}
out=${3:?usage: initramfs.sh ARCH KBUILD OUT}
kbuild=$(cd "$kbuild" && pwd) || die "no kernel build dir $2"

case "$arch" in
x86_64) cc=gcc; busybox=/bin/busybox ;;
arm64) cc=aarch64-linux-gnu-gcc; busybox=$WORK/busybox-arm64/bin/busybox ;;
*) die "ARCH must be x86_64 or arm64" ;;
esac
[ -x "$busybox" ] || die "no $arch busybox at $busybox: run 'make deps'"
command -v "$cc" >/dev/null || die "no $cc: run 'make deps'"

# uapi headers of the kernel under test
[ -f "$kbuild/usr/include/linux/vfio.h" ] ||
	kmake "$arch" O="$kbuild" headers >/dev/null ||
	die "cannot generate uapi headers in $kbuild"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests}
cp "$busybox" "$root/bin/busybox"
cp "$TOP/guest/init" "$root/init"
chmod 755 "$root/init"

cflags="-O2 -Wall -static -pthread -I$kbuild/usr/include"
selftest=$TREE/tools/testing/selftests/vm/vfio_pci_bar.c
if [ -f "$selftest" ]; then
	# shellcheck disable=SC2086
	$cc $cflags -I"$TREE/tools/testing/selftests" -o "$root/tests/vfio_pci_bar" \
		"$selftest" || die "cannot build $selftest for $arch"
fi
# shellcheck disable=SC2086
$cc $cflags -o "$root/tests/barbench" "$TOP/guest/barbench.c" ||
	die "cannot build guest/barbench.c for $arch"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
