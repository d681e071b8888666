/*
 * gort.h: the public interface of the gort runtime (spec/API.md).
 *
 * A program that includes this header and is built with gortcc runs main as
 * goroutine 1 on gort's G/M/P scheduler. Every name here is part of the fixed
 * contract; everything else in libgort.a is hidden.
 */
#ifndef GORT_H
#define GORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Goroutines ---- */

/* Start fn(arg) as a new goroutine. Returns its id (>= 1), or -1 with errno
   set (ENOMEM) when no stack can be had for it. */
int64_t go(void (*fn)(void *arg), void *arg);
void gort_yield(void);                  /* Go's runtime.Gosched */
_Noreturn void gort_goexit(void);       /* Go's runtime.Goexit */
/* Go's runtime.LockOSThread and UnlockOSThread: the calling goroutine runs
   only on the thread it is on now, and that thread runs nothing else,
   until as many unlocks as locks; for code that needs the kernel thread
   itself (gettid, setns, thread-affine libraries). A goroutine that ends
   locked ends its thread too. No effect on a thread the program made. */
void gort_lockosthread(void);
void gort_unlockosthread(void);
int64_t gort_goid(void);                /* id of the calling goroutine (main is 1) */
int gort_numgoroutine(void);            /* goroutines of the program that exist now */
int gort_gomaxprocs(int n);             /* set the P count when n >= 1; returns the previous */
int gort_numcpu(void);                  /* CPUs in the process's affinity mask */

/* Stack size of goroutines started from now on, in bytes, when bytes > 0
   (rounded up to whole pages); returns the previous size, or 0 with errno
   set to EINVAL, changing nothing, when bytes is below 16 KiB or above
   1 GiB. bytes 0 only asks. The default is 256 KiB, or the GORTSTACK
   environment variable (e.g. GORTSTACK=1m). */
size_t gort_stacksize(size_t bytes);

/* ---- Time ---- */

int64_t gort_nanotime(void);            /* monotonic clock, nanoseconds */
void gort_sleep(int64_t ns);            /* parks only the calling goroutine */

/* ---- Channels (Go semantics) ---- */

typedef struct gort_chan gort_chan;
gort_chan *gort_chan_make(size_t elem_size, size_t cap);
void gort_chan_free(gort_chan *c);
void gort_chan_send(gort_chan *c, const void *elem);
bool gort_chan_recv(gort_chan *c, void *elem);
void gort_chan_close(gort_chan *c);
size_t gort_chan_len(gort_chan *c);
size_t gort_chan_cap(gort_chan *c);

/* ---- Select ---- */

enum { GORT_SEND = 1, GORT_RECV = 2 };

typedef struct gort_case {
	gort_chan *chan;  /* NULL: this case is never ready (Go's nil channel) */
	int dir;          /* GORT_SEND or GORT_RECV */
	void *elem;       /* value to send, or where to store the received one */
	bool ok;          /* set by a receive: false when the channel was closed */
} gort_case;

/* timeout_ns < 0: wait for ever; 0: return -1 at once if no case is ready;
   > 0: return -1 when that much time passed first. */
int gort_select(gort_case *cases, int ncases, int64_t timeout_ns);

/* ---- Synchronisation (waiting parks the goroutine, never the thread) ---- */

/* Go's sync.Mutex. state and sema are the runtime's; zero is unlocked. */
typedef struct gort_mutex {
	int32_t state;
	uint32_t sema;
} gort_mutex;
#define GORT_MUTEX_INIT { 0, 0 }

void gort_mutex_lock(gort_mutex *m);
void gort_mutex_unlock(gort_mutex *m);
bool gort_mutex_trylock(gort_mutex *m);

/* Go's sync.WaitGroup: counter in the high 32 bits of state, waiters in the low. */
typedef struct gort_waitgroup {
	uint64_t state;
	uint32_t sema;
} gort_waitgroup;
#define GORT_WAITGROUP_INIT { 0, 0 }

void gort_wg_add(gort_waitgroup *wg, int64_t delta);
void gort_wg_done(gort_waitgroup *wg);
void gort_wg_wait(gort_waitgroup *wg);

#ifdef __cplusplus
}
#endif

#endif
