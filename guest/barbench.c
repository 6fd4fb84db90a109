// SPDX-License-Identifier: GPL-2.0
/*
 * barbench: map a whole vfio-pci BAR at a 1 GiB-aligned address and
 * measure what huge pfnmaps change: faults and page-table memory to touch
 * every 4 KiB page, and the time to touch, fork and munmap (the median
 * of three runs). Behind an IOMMU (vfio type1), also the time to
 * VFIO_IOMMU_MAP_DMA the whole mapping, as a VMM does for peer-to-peer
 * DMA, and how many pfn lookups that took: the hits of follow_pte() or
 * follow_pfnmap_start(), whichever the kernel has, in the function
 * profiler (CONFIG_FUNCTION_PROFILER, debugfs).
 * Prints 'bench: <key> <value>' lines for the host to tabulate.
 *
 * usage: VFIO_PCI_BDF=0000:00:03.0 barbench [bar-index, default 2]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/vfio.h>

#define SZ_1G (1UL << 30)

static void die(const char *what)
{
	fprintf(stderr, "barbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static long vmpte_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Open the device of VFIO_PCI_BDF, in no-IOMMU mode or in its group; the
 * container in *@container_out, and whether it is type1 (can map DMA).
 */
static int device_open(const char *bdf, int *container_out, bool *type1)
{
	char path[PATH_MAX], link[PATH_MAX], *slash;
	int container, group, type = VFIO_NOIOMMU_IOMMU;
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		die(path);
	link[len] = '\0';
	slash = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", atoi(slash + 1));
	group = open(path, O_RDWR);
	if (group < 0) {
		snprintf(path, sizeof(path), "/dev/vfio/%d", atoi(slash + 1));
		group = open(path, O_RDWR);
		type = VFIO_TYPE1v2_IOMMU;
	}
	if (group < 0)
		die(path);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("/dev/vfio/vfio");
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, type))
		die("vfio container");
	*container_out = container;
	*type1 = type == VFIO_TYPE1v2_IOMMU;
	return ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
}

#define TRACING "/sys/kernel/debug/tracing/"

/* the kernel's pfn lookup for pfnmaps, before and after the series */
static const char *const lookup_fn[] = { "follow_pte", "follow_pfnmap_start" };

static int write_str(const char *path, const char *val, int flags)
{
	int fd = open(path, O_WRONLY | flags), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

/* Profile the lookup functions from now on; false if the kernel cannot. */
static bool lookups_start(void)
{
	bool any = false;
	unsigned int i;

	if (write_str(TRACING "set_ftrace_filter", "", O_TRUNC))
		return false;
	for (i = 0; i < sizeof(lookup_fn) / sizeof(lookup_fn[0]); i++)
		any |= !write_str(TRACING "set_ftrace_filter", lookup_fn[i],
				  O_APPEND);
	/* enabling the profiler starts its counts from zero */
	return any && !write_str(TRACING "function_profile_enabled", "1", 0);
}

/* Stop profiling; the hits of the lookup functions on all CPUs. */
static long lookups_stop(void)
{
	char path[PATH_MAX], line[256], fn[128];
	long hits, total = 0;
	unsigned int cpu, i;
	FILE *f;

	write_str(TRACING "function_profile_enabled", "0", 0);
	for (cpu = 0; ; cpu++) {
		snprintf(path, sizeof(path), TRACING "trace_stat/function%u",
			 cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			for (i = 0; i < sizeof(lookup_fn) / sizeof(lookup_fn[0]); i++)
				if (sscanf(line, " %127s %ld", fn, &hits) == 2 &&
				    !strcmp(fn, lookup_fn[i]))
					total += hits;
		fclose(f);
	}
	write_str(TRACING "set_ftrace_filter", "", O_TRUNC);
	return total;
}

#define DMA_IOVA	(1ULL << 32)

/*
 * VFIO_IOMMU_MAP_DMA @len bytes at @map, then unmap: the milliseconds the
 * map took. With @lookups, profile it instead, and store the lookups it
 * made there (-1 if the kernel cannot profile): the profiler slows each
 * call down, so a map is either timed or counted.
 */
static double dma_map_ms(int container, char *map, uint64_t len,
			 long *lookups)
{
	struct vfio_iommu_type1_dma_map dma = {
		.argsz = sizeof(dma),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)map,
		.iova = DMA_IOVA,
		.size = len,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = DMA_IOVA,
		.size = len,
	};
	bool profiled = lookups && lookups_start();
	double t0, ms;

	t0 = now_ms();
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &dma))
		die("VFIO_IOMMU_MAP_DMA");
	ms = now_ms() - t0;
	if (lookups)
		*lookups = profiled ? lookups_stop() : -1;
	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) ||
	    unmap.size != len)
		die("VFIO_IOMMU_UNMAP_DMA");
	return ms;
}

struct sample {
	long faults, vmpte_kib, dma_lookups;
	double touch_ms, fork_ms, munmap_ms, dma_map_ms;
};

#define RUNS 3

static struct sample runs[RUNS], *const first_run = &runs[0];

/*
 * Map the BAR at a 1 GiB-aligned address, touch every page, fork, DMA-map
 * it (with @type1), munmap.
 */
static void measure(int device, int container, bool type1,
		    const struct vfio_region_info *info, struct sample *s)
{
	char *resv, *map;
	long f0, pte0;
	uint64_t off;
	double t0;
	pid_t pid;

	resv = mmap(NULL, info->size + SZ_1G, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		die("mmap reserve");
	map = (char *)(((uintptr_t)resv + SZ_1G - 1) & ~(SZ_1G - 1));
	map = mmap(map, info->size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, device, info->offset);
	if (map == MAP_FAILED)
		die("mmap BAR");

	pte0 = vmpte_kb();
	f0 = faults();
	t0 = now_ms();
	for (off = 0; off < info->size; off += 4096)
		__atomic_load_n((uint64_t *)(map + off), __ATOMIC_RELAXED);
	s->touch_ms = now_ms() - t0;
	s->faults = faults() - f0;
	s->vmpte_kib = vmpte_kb() - pte0;

	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	s->fork_ms = now_ms() - t0;

	/* counted once: the count is the same every run, the time is not */
	if (type1) {
		s->dma_map_ms = dma_map_ms(container, map, info->size, NULL);
		if (s == first_run)
			dma_map_ms(container, map, info->size, &s->dma_lookups);
	}

	t0 = now_ms();
	if (munmap(map, info->size))
		die("munmap");
	s->munmap_ms = now_ms() - t0;
	munmap(resv, info->size + SZ_1G);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* the median of one field over the runs */
#define MEDIAN(runs, field) ({						\
	double __v[RUNS];						\
	int __i;							\
	for (__i = 0; __i < RUNS; __i++)				\
		__v[__i] = (runs)[__i].field;				\
	qsort(__v, RUNS, sizeof(__v[0]), cmp_double);			\
	__v[RUNS / 2];							\
})

int main(int argc, char **argv)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	const char *bdf = getenv("VFIO_PCI_BDF");
	int device, container, i;
	bool type1;

	if (!bdf)
		die("VFIO_PCI_BDF is not set");
	device = device_open(bdf, &container, &type1);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
	info.index = argc > 1 ? atoi(argv[1]) : VFIO_PCI_BAR2_REGION_INDEX;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info))
		die("VFIO_DEVICE_GET_REGION_INFO");

	for (i = 0; i < RUNS; i++)
		measure(device, container, type1, &info, &runs[i]);

	printf("bench: bar_size_mib %llu\n", (unsigned long long)info.size >> 20);
	printf("bench: touch_faults %.0f\n", MEDIAN(runs, faults));
	printf("bench: vmpte_kib %.0f\n", MEDIAN(runs, vmpte_kib));
	printf("bench: touch_ms %.1f\n", MEDIAN(runs, touch_ms));
	printf("bench: fork_ms %.1f\n", MEDIAN(runs, fork_ms));
	printf("bench: munmap_ms %.1f\n", MEDIAN(runs, munmap_ms));
	if (type1) {
		printf("bench: dma_map_ms %.1f\n", MEDIAN(runs, dma_map_ms));
		printf("bench: dma_lookups %ld\n", first_run->dma_lookups);
	}
	return 0;
}
