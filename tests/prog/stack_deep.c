/* What goroutine stacks hold, with the default size or GORTSTACK's:
     frame          a goroutine with a 200,000-byte local array
     recurse N KB   N nested frames of KB KiB each in a goroutine
     release        1,000 goroutines each touch 200 KB of their stack and
                    exit; the memory goes back to the kernel
     parked N       N goroutines parked at once: the memory (at most 5 KiB
                    each, page tables included) and mappings they cost
     parked N splits  and whether guards split the arenas (mprotect) */
#include <gort.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static gort_waitgroup exited = GORT_WAITGROUP_INIT;

/* A field of /proc/self/status, in KiB. */
static long status(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static long mapcount(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;
	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static long maxmapcount(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long v = 65530;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 65530;
		fclose(f);
	}
	return v;
}

/* The whole array is written and read back, so none of it is optimised
   away and every page of it is touched. */
static long use(size_t len)
{
	volatile char buf[len];
	long sum = 0;
	for (size_t i = 0; i < len; i += 512)
		buf[i] = (char)(i >> 9);
	for (size_t i = 0; i < len; i += 512)
		sum += buf[i];
	return sum;
}

static void frame(void *arg)
{
	(void)arg;
	printf("frame %ld\n", use(200000) > 0 ? 200000L : 0L);
	gort_wg_done(&wg);
}

static long nest(int n, size_t kb)
{
	volatile char pad[kb << 10];
	pad[0] = 1;
	pad[(kb << 10) - 1] = 1;
	return n <= 1 ? 1 : nest(n - 1, kb) + pad[0];
}

static int depth;
static size_t kb;

static void recurse(void *arg)
{
	(void)arg;
	printf("depth %ld\n", nest(depth, kb));
	gort_wg_done(&wg);
}

static gort_chan *gate;

/* Touches 200 KB of its stack, then waits until all have, so that each
   deep stack is a different one. */
static void deep(void *arg)
{
	(void)arg;
	use(200 << 10);
	gort_wg_done(&wg);
	gort_chan_recv(gate, NULL);
}

static void nothing(void *arg)
{
	(void)arg;
	gort_wg_done(&wg);
}

static int release(void)
{
	enum { N = 1000 };
	/* sysmon and the first stacks exist before the baseline is taken. */
	gort_wg_add(&wg, 1);
	go(nothing, NULL);
	gort_wg_wait(&wg);
	gort_sleep(1000000);
	long before = status("VmRSS");
	gate = gort_chan_make(0, 0);
	gort_wg_add(&wg, N);
	for (int i = 0; i < N; i++)
		if (go(deep, NULL) < 0) {
			perror("go");
			return 1;
		}
	gort_wg_wait(&wg);
	long peak = status("VmRSS");
	if (peak - before < N * 150)
		printf("only %ld KiB touched\n", peak - before);
	gort_chan_close(gate);
	/* Wait for the scavenger: a few sysmon periods, within a generous
	   bound (the machine may be loaded). */
	long now = peak;
	for (int i = 0; i < 6000 && (now = status("VmRSS")) > before + 4096; i++)
		gort_sleep(10000000);
	if (now > before + 4096) {
		printf("rss %ld KiB, was %ld KiB before and %ld KiB at the peak\n", now, before, peak);
		return 1;
	}
	printf("released\n");
	return 0;
}

static void parker(void *arg)
{
	(void)arg;
	gort_wg_done(&wg);
	gort_chan_recv(gate, NULL);
	gort_wg_done(&exited);
}

/* The mappings a parked goroutine costs stay far below one each: stacks
   come from arenas of 64, and guards are made without splitting them where
   the kernel can (docs/stacks.md). Either way the count stays within what
   vm.max_map_count allows, however many goroutines there are. */
static int parked(int n, bool splits)
{
	long before = mapcount(), rss = status("VmRSS"), pte = status("VmPTE");
	gate = gort_chan_make(0, 0);
	gort_wg_add(&wg, n);
	gort_wg_add(&exited, n);
	for (int i = 0; i < n; i++)
		if (go(parker, NULL) < 0) {
			perror("go");
			return 1;
		}
	gort_wg_wait(&wg);
	long after = mapcount(), max = maxmapcount();
	rss = status("VmRSS") - rss;
	pte = status("VmPTE") - pte;
	/* Guards made by mprotect split the arenas, within a quarter of the
	   limit; an arena is one mapping at most. */
	long bound = max / 4 + n / 64 + 256;
	gort_chan_close(gate);
	gort_wg_wait(&exited);
	if (after - before > bound) {
		printf("%d parked goroutines cost %ld mappings (more than %ld)\n", n, after - before, bound);
		return 1;
	}
	if (rss + pte > 5L * n) {
		printf("%d parked goroutines cost %.2f KiB each (%.2f KiB RSS, %.2f KiB page tables), more than 5 KiB\n",
		       n, (double)(rss + pte) / n, (double)rss / n, (double)pte / n);
		return 1;
	}
	printf("parked %d\n", n);
	/* Asked for under GODEBUG=stackfallback=1: did guards split the
	   arenas (mprotect), beyond the arenas' own mappings? */
	if (splits)
		printf("arenas split by guards: %d\n", after - before > n / 64 + 1000);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "frame";
	if (!strcmp(mode, "frame")) {
		gort_wg_add(&wg, 1);
		go(frame, NULL);
	} else if (!strcmp(mode, "recurse") && argc > 3) {
		depth = atoi(argv[2]);
		kb = strtoul(argv[3], 0, 0);
		gort_wg_add(&wg, 1);
		go(recurse, NULL);
	} else if (!strcmp(mode, "release")) {
		return release();
	} else if (!strcmp(mode, "parked") && argc > 2) {
		return parked(atoi(argv[2]), argc > 3 && !strcmp(argv[3], "splits"));
	} else {
		fprintf(stderr, "usage: stack_deep frame | recurse N KB | release | parked N [splits]\n");
		return 2;
	}
	gort_wg_wait(&wg);
	return 0;
}
