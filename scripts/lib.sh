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

# the run names guest/init gives BARs of these QEMU sizes ("4G 64M" -> "4g 64m")
run_names() {
	local size n names=
	for size in $1; do
		n=${size%[KkMmGg]}
		case "$n" in ''|*[!0-9]*) die "BAR size '$size' is not a number with K, M or G (like 4G or 64M)" ;; esac
		case "$size" in
		*[Gg]) n=$((n << 30)) ;;
		*[Mm]) n=$((n << 20)) ;;
		*[Kk]) n=$((n << 10)) ;;
		esac
		if [ $((n % (1 << 30))) = 0 ]; then names="$names $((n >> 30))g"
		else names="$names $((n >> 20))m"; fi
	done
	echo "${names# }"
}

# The directories of the .c files the series changes that ARCH builds
# (outside tools/, samples/, Documentation/ and other arches), one a line.
# A directory target builds what the config enables there, where a
# single-object target would build an object the config leaves out
# (mempolicy.c without NUMA). virt/kvm is built as part of the arch's kvm
# directory.
changed_dirs() {
	local arch=$1 dir
	case "$arch" in i386|x86_64) dir=x86 ;; sparc64) dir=sparc ;; *) dir=$arch ;; esac
	git -C "$TREE" diff --name-only --diff-filter=AM base..HEAD -- '*.c' |
		grep -v -e '^tools/' -e '^samples/' -e '^Documentation/' |
		awk -v d="$dir" '!/^arch\// || index($0, "arch/" d "/") == 1' |
		sed -e 's|/[^/]*$|/|' -e "s|^virt/kvm/$|arch/$dir/kvm/|" | sort -u |
		while read -r d; do [ -d "$TREE/$d" ] && echo "$d"; done
}

# Check the base out as a worktree of $TREE at DIR for the caller's run
# only (removed on exit); the worktree's path is in $BASE_WT.
base_worktree() {
	BASE_WT=$1
	git -C "$TREE" worktree remove --force "$BASE_WT" 2>/dev/null || rm -rf "$BASE_WT"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$BASE_WT" base
	# shellcheck disable=SC2064
	trap "git -C '$TREE' worktree remove --force '$BASE_WT' 2>/dev/null || true" EXIT
}

# the compiler warnings in a build's stderr FILE, without line and column
# numbers (which the series shifts), sorted
build_warnings() {
	grep -E 'warning:' "$1" | grep -v 'clock skew' | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u || true
}

# print 'ok   NAME OK' or, when NEW (warnings the base build lacks) is not
# empty, 'FAIL NAME: new warnings' and them; non-zero on FAIL
warnings_verdict() {
	local name=$1 new=$2 ok=$3
	if [ -n "$new" ]; then
		echo "FAIL $name: new warnings"
		sed 's/^/    /' <<<"$new"
		return 1
	fi
	echo "ok   $name $ok"
}

# Print Debian's config FILE (config.amd64_none_amd64, ...): the amd64
# package holds amd64's, the arm64 package of the same version
# (downloaded, not installed) arm64's. Cached in $WORK/linux-config-6.1.
debian_config() {
	local file=$1 pkgarch debian=$WORK/linux-config-6.1
	pkgarch=${file#config.}
	pkgarch=${pkgarch%%_*}
	if [ ! -f "$debian/$pkgarch/$file.xz" ]; then
		local tmp
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -qq "linux-config-6.1:$pkgarch" >/dev/null 2>&1) ||
			die "cannot download linux-config-6.1:$pkgarch (apt-get update, then retry)"
		mkdir -p "$debian/$pkgarch"
		dpkg-deb -x "$tmp"/linux-config-6.1_*.deb "$tmp/x"
		cp "$tmp"/x/usr/src/linux-config-6.1/config.* "$debian/$pkgarch/"
		rm -rf "$tmp"
		[ -f "$debian/$pkgarch/$file.xz" ] || die "linux-config-6.1:$pkgarch has no $file"
	fi
	xzcat "$debian/$pkgarch/$file.xz"
}

# Write Debian's config FILE to DOTCONFIG for the tree SRC as the harness
# builds it: no debug info (it costs time, not coverage), and none of the
# signing keys Debian's build system provides (modules are signed with a
# key the build makes).
debian_dotconfig() {
	local file=$1 src=$2 dotconfig=$3
	debian_config "$file" >"$dotconfig"
	"$src/scripts/config" --file "$dotconfig" \
		-d DEBUG_INFO -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_BTF \
		-e DEBUG_INFO_NONE --set-str SYSTEM_TRUSTED_KEYS "" \
		--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY "certs/signing_key.pem"
}
