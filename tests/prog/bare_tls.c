/* The program's own __thread variables, in both modes (in bare mode crt0
   and newosproc lay the blocks out, runtime/tls_bare.c): main sees the
   image (.tdata) and zeroes (.tbss); a goroutine locked to a thread of its
   own has that M's block to itself, starting as the image, and its values
   stay across sleeps. */
#include "bare.h"

static __thread volatile int tinit = 7;   /* .tdata */
static __thread volatile long tzero;      /* .tbss */
static __thread char taligned[64] __attribute__((aligned(64)));

static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static volatile int tlsbad;

static void tlsowner(void *arg)
{
	long id = (long)arg;
	gort_lockosthread();
	if (tinit != 7 || tzero != 0 || ((uintptr_t)taligned & 63) != 0 || taligned[5] != 0)
		tlsbad = 1;
	tzero = id;
	tinit = (int)id;
	taligned[5] = (char)id;
	for (int i = 0; i < 5; i++) {
		gort_sleep(1000000);
		if (tzero != id || tinit != (int)id || taligned[5] != (char)id)
			tlsbad = 1;
	}
	gort_wg_done(&wg);
}

int main(void)
{
	gort_printf("main: tinit=%d tzero=%ld aligned=%d\n", tinit, tzero, ((uintptr_t)taligned & 63) == 0);
	gort_wg_add(&wg, 4);
	for (long i = 1; i <= 4; i++)
		start(tlsowner, (void *)(i * 100));
	gort_wg_wait(&wg);
	gort_printf("locked goroutines: bad=%d; main after: tinit=%d tzero=%ld\n", tlsbad, tinit, tzero);
	return 0;
}
