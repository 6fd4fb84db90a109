# hugepfn: huge pfnmaps for Debian's Linux 6.1. See README.md.
# Every target is a small script in scripts/; this file only names them.

ARCH ?= x86_64
VARIANT ?= min

.PHONY: help deps tree export b4check kernel check report-test demo bench pat checkpatch cross configs docs bisect deb clean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps        install the Debian packages the harness needs (idempotent)
deps:
	@scripts/deps.sh

## tree        unpack linux-source-6.1 into work/linux as 'base', git am series/
tree: deps
	@scripts/tree.sh

## export      write work/linux's base..HEAD back to series/ (deterministic)
export:
	@scripts/export.sh

## b4check     offline: b4 am -m series/hugepfn.mbox gives the commits git am series/0*.patch gives; the mbox is up to date, threaded, unfolded
b4check:
	@scripts/b4check.sh

## kernel      build one kernel: make kernel ARCH=x86_64|arm64 VARIANT=min|debug|bench
kernel: tree
	@scripts/kernel.sh $(ARCH) $(VARIANT)

## check       the tests: build x86_64 and arm64 debug kernels, boot x86_64 (with and without 1G pages, behind an IOMMU) and arm64
check:
	@scripts/check.sh

## report-test the TAP parser's own tests: scripts/report.awk over the small logs in tests/report/ (check runs it first)
report-test:
	@scripts/report-test.sh

## demo        map the 4 GiB BAR through vfio-pci on the patched kernel and print a table
demo: tree
	@scripts/demo.sh

## bench       base kernel vs patched kernel, same config and QEMU, side by side
bench: tree
	@scripts/bench.sh

## pat         x86 PAT: the memtype cases of vfio_pci_bar (pfnmap fixture), base kernel vs patched, one line per case
pat: tree
	@scripts/pat.sh

## checkpatch  scripts/checkpatch.pl --strict over every patch in series/
checkpatch: tree
	@scripts/checkpatch.sh

## cross       cross-build the directories the series changes (s390, powerpc, sparc64, i386, ...)
cross: tree
	@scripts/cross.sh

## configs     build the series on the configs distributions meet (THP off, HUGETLB, PAT off, NUMA off, modules, Debian's own), base vs patched; CONFIGS_LIST=1 lists them
configs: tree
	@scripts/configs.sh $(CONFIGS)

## docs        Sphinx of the Documentation directories and kernel-doc of the files the series touches, vs base
docs: tree
	@scripts/docs.sh

## bisect      build every prefix (x86_64 and arm64 min; FROM=N, TO=M: patches N to M); name the first that breaks
bisect: tree
	@scripts/bisect.sh

## deb         Debian packages of the patched kernel (Debian's amd64 config), installed and booted in a Debian 12 guest that runs the kselftest
deb: tree
	@scripts/deb.sh

## clean       remove build output and logs (keeps work/ and the ccache)
clean:
	rm -rf build out
