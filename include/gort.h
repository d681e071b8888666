/*
 * gort.h: the public interface of the gort runtime.
 *
 * A program that includes this header and is built with gortcc runs main as
 * goroutine 1 on gort's G/M/P scheduler. Every name here is part of the fixed
 * contract; everything else in libgort.a is hidden, and the library exports
 * only gort_ names (and musl's). Installed as <gort/gort.h>; gortcc also
 * finds it as <gort.h>. The manual pages (gort(7), gort_go(3), ...) say the
 * same at more length.
 *
 * Where a call may be made: "a goroutine" is main or anything started with
 * go(). "A thread the program made" is one from pthread_create: it runs
 * outside the scheduler and has no goroutine, so it cannot park; calls that
 * would have to wait there are a fatal error unless said otherwise.
 *
 * Fatal misuse is reported in Go's wording on stderr ("panic: ..." or
 * "fatal error: ..."), with a traceback, and the process exits with status
 * 2, as a Go program would.
 *
 * Lifetimes (C has no garbage collector): gort never touches a channel,
 * mutex or wait group after the call that lets another goroutine see the
 * operation complete. So a channel may be freed once every operation on it
 * has returned (for example right after the last receive); a mutex after
 * its last unlock has returned in the goroutine that frees it; a wait group
 * as soon as gort_wg_wait has returned, even while the goroutine whose
 * gort_wg_done released it is still returning.
 */
#ifndef GORT_H
#define GORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ssize_t, for gort_write. In bare mode (gortcc -nolibc, which defines
   GORT_NOLIBC) there is no <sys/types.h>: the type is defined here, as the
   C library would on x86-64. */
#if defined(GORT_NOLIBC) || !__STDC_HOSTED__
#ifndef GORT_SSIZE_T
#define GORT_SSIZE_T
typedef long ssize_t;
#endif
#else
#include <sys/types.h>
#endif

#ifdef __cplusplus
extern "C" {
#define GORT_NORETURN [[noreturn]]
#else
#define GORT_NORETURN _Noreturn
#endif

/* ---- Goroutines ---- */

/* Start fn(arg) as a new goroutine; it runs on the scheduler, some time
   after this returns, until fn returns or it calls gort_goexit. Returns its
   id (>= 1), or -1 with errno set: ENOMEM when no stack can be had for it,
   EPERM when called from a thread the program made (it has no P to queue
   the goroutine on). A goroutine. fn NULL: fatal "go of nil func value".
   go(fn, arg) is a macro for gort_go, so that a program may still have a
   function of its own called go: in a file that includes this header,
   write (go) where the program means its own, or #undef go. */
int64_t gort_go(void (*fn)(void *arg), void *arg);
#define go(fn, arg) gort_go(fn, arg)

/* Go's runtime.Gosched: let other goroutines run; the caller stays
   runnable and goes on later. Anywhere; on a thread the program made it is
   sched_yield. */
void gort_yield(void);

/* Go's runtime.Goexit: end the calling goroutine at once (its caller's
   frames are not returned to). If main calls it, the program goes on
   until every other goroutine has ended, then dies with "fatal error: no
   goroutines (main called runtime.Goexit) - deadlock!". A goroutine; off
   one it is a fatal error. */
GORT_NORETURN void gort_goexit(void);

/* Go's runtime.LockOSThread and UnlockOSThread: the calling goroutine runs
   only on the thread it is on now, and that thread runs nothing else,
   until as many unlocks as locks; for code that needs the kernel thread
   itself (gettid, setns, thread-affine libraries). A goroutine that ends
   locked ends its thread too. Unlocking more than was locked does nothing.
   No effect on a thread the program made. Nesting beyond 2^32-1 locks is
   fatal. */
void gort_lockosthread(void);
void gort_unlockosthread(void);

/* The id of the calling goroutine (main is 1); 0 on a thread the program
   made. Anywhere. */
int64_t gort_goid(void);

/* How many of the program's goroutines exist now (gort's own are not
   counted; a program that started none sees 1). Anywhere. */
int gort_numgoroutine(void);

/* Go's runtime.GOMAXPROCS: when n >= 1, set the number of Ps (goroutines
   running at once) to n, at most 1024, stopping the world to do it;
   returns the previous value. n <= 0 only asks. Only a goroutine can
   change it: from a thread the program made the call only asks. The
   initial value is the GOMAXPROCS environment variable or gort_numcpu(). */
int gort_gomaxprocs(int n);

/* The number of CPUs in the process's affinity mask at start-up. Anywhere. */
int gort_numcpu(void);

/* The stack size of goroutines started from now on, in bytes, when
   bytes > 0 (rounded up to whole pages); returns the previous size. bytes
   0 only asks. Below 16 KiB or above 1 GiB: returns 0 with errno EINVAL,
   changing nothing. The default is 256 KiB, or the GORTSTACK environment
   variable (e.g. GORTSTACK=1m). A goroutine that overflows its stack dies
   with "fatal error: stack overflow". Anywhere. */
size_t gort_stacksize(size_t bytes);

/* ---- Time ---- */

/* The monotonic clock, in nanoseconds. Anywhere. */
int64_t gort_nanotime(void);

/* Sleep ns nanoseconds, parking only the calling goroutine (its thread
   runs others meanwhile); ns <= 0 returns at once, and a signal does not
   cut it short. On a thread the program made it sleeps that thread. */
void gort_sleep(int64_t ns);

/* ---- Channels (Go semantics) ---- */

/* A channel is used only through a pointer; NULL is Go's nil channel. */
typedef struct gort_chan gort_chan;

/* A channel of elements of elem_size bytes (0 allowed) buffering cap of
   them (0: unbuffered). NULL with errno EINVAL when elem_size * cap
   overflows, ENOMEM when it cannot be allocated. Anywhere. */
gort_chan *gort_chan_make(size_t elem_size, size_t cap);

/* Free c (NULL does nothing), as soon as every send, receive, select and
   close on it has returned; gort never touches c after. Fatal when
   goroutines are still blocked on it. Anywhere. */
void gort_chan_free(gort_chan *c);

/* Send the elem_size bytes at elem (NULL when elem_size is 0), waiting
   until a receiver takes them or the buffer has room. On a NULL channel it
   blocks for ever. Send on a closed channel: fatal "panic: send on closed
   channel". Blocking from a thread the program made is fatal. */
void gort_chan_send(gort_chan *c, const void *elem);

/* Receive into elem (NULL discards the value), waiting until a value is
   there. Returns true for a value sent; false when c is closed and
   drained, elem then zero-filled. On a NULL channel it blocks for ever.
   Blocking from a thread the program made is fatal. */
bool gort_chan_recv(gort_chan *c, void *elem);

/* Close c: receivers get what is buffered, then false; every blocked
   receiver is woken, every blocked sender panics. Close of NULL or of a
   closed channel: fatal "panic: close of nil channel" / "panic: close of
   closed channel". Anywhere. */
void gort_chan_close(gort_chan *c);

/* The number of elements buffered now, and the buffer's size; 0 for NULL.
   Anywhere. */
size_t gort_chan_len(gort_chan *c);
size_t gort_chan_cap(gort_chan *c);

/* ---- Select ---- */

enum { GORT_SEND = 1, GORT_RECV = 2 };

/* One case of a select. The layout is fixed, so cases can be built with
   designated initialisers. */
typedef struct gort_case {
	gort_chan *chan;  /* NULL: this case is never ready (Go's nil channel) */
	int dir;          /* GORT_SEND or GORT_RECV */
	void *elem;       /* value to send, or where to store the received one (may be NULL) */
	bool ok;          /* set by a receive: false when the channel was closed */
} gort_case;

/* Go's select: wait until one of the ncases cases can proceed, pick one
   uniformly at random among those ready, perform it and return its index.
   timeout_ns < 0: wait for ever; 0: return -1 at once if none is ready
   (Go's default:); > 0: return -1 when that much time passed first.
   ncases 0 (cases may be NULL) with a negative timeout blocks for ever
   (Go's select {}). The same channel may appear in several cases. A
   receive on a closed channel zero-fills elem and sets ok false; cases not
   chosen are never written. Fatal: ncases < 0, a dir that is neither
   GORT_SEND nor GORT_RECV, a send case chosen on a closed channel, and
   blocking on a thread the program made. */
int gort_select(gort_case *cases, int ncases, int64_t timeout_ns);

/* ---- Synchronisation (waiting parks the goroutine, never the thread) ---- */

/* Go's sync.Mutex. state and sema are the runtime's; zero is unlocked, so
   a mutex may be embedded and statically initialised. It may be unlocked
   by a goroutine other than the one that locked it, and used from threads
   the program made (they sleep instead of parking). Unlock of an unlocked
   mutex: fatal "fatal error: sync: unlock of unlocked mutex". A waiter that
   waited more than 1 ms gets the lock next (Go's starvation mode). */
typedef struct gort_mutex {
	int32_t state;
	uint32_t sema;
} gort_mutex;
#define GORT_MUTEX_INIT { 0, 0 }

void gort_mutex_lock(gort_mutex *m);
void gort_mutex_unlock(gort_mutex *m);
/* Take m if it is free; never waits. */
bool gort_mutex_trylock(gort_mutex *m);

/* Go's sync.WaitGroup: counter in the high 32 bits of state, waiters in
   the low; zero is ready. Usable from goroutines and from threads the
   program made. gort_wg_add adds delta (may be negative) to the counter
   and releases every waiter when it reaches zero; gort_wg_done is
   gort_wg_add(wg, -1); gort_wg_wait waits until the counter is zero. As in
   Go, an Add with a positive delta when the counter is zero must happen
   before the Wait. Fatal ("panic: sync: ..."): a negative counter, a delta
   beyond 32 bits, Add concurrent with Wait, reuse before every Wait has
   returned. */
typedef struct gort_waitgroup {
	uint64_t state;
	uint32_t sema;
} gort_waitgroup;
#define GORT_WAITGROUP_INIT { 0, 0 }

void gort_wg_add(gort_waitgroup *wg, int64_t delta);
void gort_wg_done(gort_waitgroup *wg);
void gort_wg_wait(gort_waitgroup *wg);

/* ---- Output (Go's builtin print, in C form; both modes) ---- */

/* printf to standard output, made by gort without the C library: %d %i %u
   %x %X %s %c %p %% with the h, hh, l, ll and z sizes, the flags - 0 + space
   #, a width and a precision (* too). %s of NULL is "(null)", %p is 0x and
   hex digits. An output of up to 4096 bytes is one write(2): it is not
   interleaved with another goroutine's. Returns the bytes written, or -1
   with errno set. Not buffered with stdio's stdout: in default mode, fflush
   stdout first when mixing the two. Anywhere, including signal handlers. */
int gort_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The write(2) system call itself, made by gort: up to n bytes of buf to
   fd, retried when a signal interrupts it. Returns the bytes written (maybe
   fewer than n, as write(2)), or -1 with errno set. It blocks the thread,
   not only the goroutine, as Go's print does. Anywhere. */
ssize_t gort_write(int fd, const void *buf, size_t n);

/* The calling goroutine's errno (a thread's own off goroutines), where
   gort's calls report their errors: &errno in default mode. Bare mode has
   no C library, and its <errno.h> (gort's) defines errno with this.
   Anywhere. */
int *gort_errno(void);

#undef GORT_NORETURN

#ifdef __cplusplus
}
#endif

#endif
