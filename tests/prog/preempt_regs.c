/* Registers and vector state survive asynchronous preemption (asm/preempt.S
   saves them with xsave): goroutines run the same loop of floating-point
   rotations in SSE registers (and AVX ones where the CPU has them) and of
   integer generators in general registers, with no call and no yield in
   it, while sysmon preempts them; every result must equal, bit for bit,
   the one main computed first. A rotation does not shrink what it turns,
   so a register clobbered once shows in the end.

   At GOMAXPROCS=1 the loop's only way to let another goroutine run is to
   be preempted: "switches" counts the times a goroutine found that another
   had run since it last looked. */
#include <gort.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));

enum { NG = 4, LOOK = 1 << 16 };

struct result {
	double v[32];
	uint64_t r[6];
};

static long iters = 40000000;
static _Atomic int last = -1;
static _Atomic long switches;
static struct result res[NG];
static gort_waitgroup wg = GORT_WAITGROUP_INIT;

/* One step of a rotation of (x, y) by the angle whose cosine and sine are
   c and s, in the two lanes of a vector. */
#define ROT2(p, c, s) ((p) * (c) + __builtin_shuffle((p), (v2i){ 1, 0 }) * (s))
#define ROT4(p, c, s) ((p) * (c) + __builtin_shuffle((p), (v4i){ 1, 0, 3, 2 }) * (s))

static void sse(int id, struct result *out)
{
	v2d p0 = { 1, 0 }, p1 = { 0, 1 }, p2 = { 0.6, 0.8 }, p3 = { 0.8, -0.6 };
	v2d p4 = { -1, 0 }, p5 = { 0.28, 0.96 }, p6 = { 0.96, 0.28 }, p7 = { -0.6, 0.8 };
	const v2d c0 = { cos(0.001), cos(0.001) }, s0 = { -sin(0.001), sin(0.001) };
	const v2d c1 = { cos(0.0007), cos(0.0007) }, s1 = { -sin(0.0007), sin(0.0007) };
	const v2d c2 = { cos(0.0003), cos(0.0003) }, s2 = { -sin(0.0003), sin(0.0003) };
	v2d sum = { 0, 0 };
	uint64_t r0 = 1, r1 = 2, r2 = 3, r3 = 4, r4 = 5, r5 = 6;
	for (long i = 0; i < iters; i++) {
		p0 = ROT2(p0, c0, s0);
		p1 = ROT2(p1, c1, s1);
		p2 = ROT2(p2, c2, s2);
		p3 = ROT2(p3, c0, s0);
		p4 = ROT2(p4, c1, s1);
		p5 = ROT2(p5, c2, s2);
		p6 = ROT2(p6, c0, s0);
		p7 = ROT2(p7, c1, s1);
		sum += p0 + p7;
		r0 = r0 * 6364136223846793005ULL + 1442695040888963407ULL;
		r1 = r1 * 2862933555777941757ULL + 3037000493ULL;
		r2 ^= r2 << 13, r2 ^= r2 >> 7, r2 ^= r2 << 17;
		r3 += r0 ^ r1;
		r4 = (r4 << 1 | r4 >> 63) ^ r2;
		r5 += r4 * 3 + r3;
		if ((i & (LOOK - 1)) == 0 && id >= 0) {
			int prev = atomic_exchange_explicit(&last, id, memory_order_relaxed);
			if (prev != id && prev >= 0)
				atomic_fetch_add_explicit(&switches, 1, memory_order_relaxed);
		}
	}
	v2d all[9] = { p0, p1, p2, p3, p4, p5, p6, p7, sum };
	memcpy(out->v, all, sizeof all);
	uint64_t r[6] = { r0, r1, r2, r3, r4, r5 };
	memcpy(out->r, r, sizeof r);
}

/* The same in the 256-bit registers: xsave must save their upper halves,
   which fxsave does not. */
__attribute__((target("avx"))) static void avx(struct result *out)
{
	v4d p0 = { 1, 0, 0.6, 0.8 }, p1 = { 0, 1, 0.8, -0.6 }, p2 = { -1, 0, 0.28, 0.96 };
	v4d p3 = { 0.96, 0.28, -0.6, 0.8 }, p4 = { 0.8, 0.6, 0, -1 };
	const v4d c0 = { cos(0.001), cos(0.001), cos(0.0007), cos(0.0007) };
	const v4d s0 = { -sin(0.001), sin(0.001), -sin(0.0007), sin(0.0007) };
	const v4d c1 = { cos(0.0003), cos(0.0003), cos(0.0011), cos(0.0011) };
	const v4d s1 = { -sin(0.0003), sin(0.0003), -sin(0.0011), sin(0.0011) };
	v4d sum = { 0, 0, 0, 0 };
	for (long i = 0; i < iters / 2; i++) {
		p0 = ROT4(p0, c0, s0);
		p1 = ROT4(p1, c1, s1);
		p2 = ROT4(p2, c0, s0);
		p3 = ROT4(p3, c1, s1);
		p4 = ROT4(p4, c0, s0);
		sum += p0 + p4;
	}
	v4d all[6] = { p0, p1, p2, p3, p4, sum };
	memcpy(out->v + 18, all, 14 * sizeof(double));
}

static bool hasavx;

static void worker(void *arg)
{
	int id = (int)(long)arg;
	memset(&res[id], 0, sizeof res[id]);
	sse(id, &res[id]);
	if (hasavx)
		avx(&res[id]);
	gort_wg_done(&wg);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		iters = atol(argv[1]);
	__builtin_cpu_init();
	hasavx = __builtin_cpu_supports("avx");
	struct result want;
	memset(&want, 0, sizeof want);
	sse(-1, &want);
	if (hasavx)
		avx(&want);
	gort_wg_add(&wg, NG);
	for (long i = 0; i < NG; i++)
		go(worker, (void *)i);
	gort_wg_wait(&wg);
	int same = 0;
	for (int i = 0; i < NG; i++)
		same += !memcmp(&res[i], &want, sizeof want);
	for (int k = 0; k < 32; k++)
		if (!isfinite(want.v[k]))
			printf("not finite: v[%d]\n", k);
	printf("bit-exact: %d of %d, switches >= 20: %d\n", same, NG, atomic_load(&switches) >= 20);
	return same != NG;
}
