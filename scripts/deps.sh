#!/bin/bash
# Install the Debian packages the harness needs, only those missing.
# usage: deps.sh [core|cross|docs|deb]
set -eu
. "$(dirname "$0")/lib.sh"

core="linux-source-6.1 build-essential bc bison flex libssl-dev libelf-dev
cpio xz-utils ccache busybox-static qemu-system-x86 qemu-system-arm
gcc-aarch64-linux-gnu libc6-dev-arm64-cross b4 git perl python3 kmod
dpkg-dev python3-ply python3-git"
cross="gcc-s390x-linux-gnu gcc-powerpc64le-linux-gnu gcc-sparc64-linux-gnu
gcc-riscv64-linux-gnu"
docs="python3-sphinx python3-sphinx-rtd-theme"
deb="debootstrap e2fsprogs rsync"

want=
case "${1:-core}" in
core) want=$core ;;
cross) want="$core $cross" ;;
docs) want="$core $docs" ;;
deb) want="$core $deb" ;;
*) die "usage: deps.sh [core|cross|docs|deb]" ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing; install them as root"
	note "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >"$TOP/.deps.log" 2>&1 ||
		die "apt-get install failed for:$missing (see $TOP/.deps.log)"
	rm -f "$TOP/.deps.log"
fi

# The arm64 guest needs an arm64 busybox; Debian ships it as a package of
# the arm64 architecture, unpacked here without installing it.
bb=$WORK/busybox-arm64/bin/busybox
if [ ! -x "$bb" ]; then
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		dpkg --add-architecture arm64
		apt-get update -qq >/dev/null 2>&1 || true
	}
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq busybox-static:arm64 >/dev/null 2>&1) ||
		die "cannot download busybox-static:arm64 (apt-get update, then retry)"
	mkdir -p "$WORK/busybox-arm64"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$WORK/busybox-arm64"
	rm -rf "$tmp"
	[ -x "$bb" ] || die "busybox-static:arm64 has no bin/busybox"
fi
