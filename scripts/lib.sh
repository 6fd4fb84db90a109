# shellcheck shell=bash
# Common settings for the harness scripts. Sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
TREE=${TREE:-$WORK/linux}
BUILD=${BUILD:-$TOP/build}
OUT=${OUT:-$TOP/out}
SERIES=${SERIES:-$TOP/series}
BASE_TARBALL=${BASE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
BASE_PACKAGE=linux-source-6.1

# ccache keys on paths relative to $TOP, so a fresh clone in another
# directory still hits the cache filled by an earlier one.
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

note() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# cross prefix for a kernel ARCH
cross_prefix() {
	case "$1" in
	x86_64|i386) echo "" ;;
	arm64) echo aarch64-linux-gnu- ;;
	s390) echo s390x-linux-gnu- ;;
	powerpc) echo powerpc64le-linux-gnu- ;;
	sparc64|sparc) echo sparc64-linux-gnu- ;;
	riscv) echo riscv64-linux-gnu- ;;
	*) die "unknown ARCH '$1' (x86_64, arm64, i386, s390, powerpc, sparc64, riscv)" ;;
	esac
}

# kernel make with ccache for ARCH; extra arguments are passed through
kmake() {
	local arch=$1; shift
	local cross karch=$arch
	cross=$(cross_prefix "$arch")
	[ "$arch" = sparc64 ] && karch=sparc64
	make -s -C "$TREE" ARCH="$karch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

require_tree() {
	git -C "$TREE" rev-parse -q --verify refs/tags/base >/dev/null 2>&1 ||
		die "no kernel work tree at $TREE: run 'make tree' first"
}
