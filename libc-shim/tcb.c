/*
 * tcb.c: every goroutine a thread to the C library.
 *
 * musl keeps what belongs to a thread in its thread control block (struct
 * pthread, src/internal/pthread_impl.h of musl 1.2.3), addressed by the
 * thread pointer, with the static TLS block just below it. Each goroutine
 * gets a block of its own, laid out as musl's pthread_create lays out a
 * new thread's (with musl's __copy_tls, src/env/__init_tls.c), at the top
 * of its stack: the first page touched anyway, so a parked goroutine costs
 * no new page. asm/switch.S loads a G's block into %fs whenever the G runs
 * (g->tls). So __thread variables, pthread_self(), pthread keys, locales
 * and the owner of recursive and error-checking mutexes and FILE locks
 * all belong to the goroutine, wherever it resumes.
 *
 * musl also uses the block's tid to send signals to "this thread" and
 * keeps real threads on a list through prev and next. A goroutine's tid
 * is a number of its own above every kernel thread id (Linux's pid_max is
 * at most 2^22), which serves as the owner of its locks; its list links
 * point at itself. What needs the kernel thread is done with the M's own
 * block (its g0's): gettid, raise, abort and pthread_kill say which thread
 * runs the goroutine; pthread_create and __synccall (setuid and the like)
 * run on the M's block for a moment, reached through ld's --wrap (the
 * link line in gort.specs). docs/libc.md, "Thread identity", lists each
 * piece of musl that reads tid or the thread list and how it is handled.
 *
 * A block of its own per goroutine costs a thread-pointer load at every
 * switch (wrfsbase, about 12 ns on this project's test machine: as much as
 * the rest of the switch). So it is paid only by a program that can tell:
 * one with __thread variables of its own, or that links a function whose
 * result depends on which thread calls it (tcbneeded). Any other program's
 * goroutines share their M's block, as threads of one process share
 * nothing a program can see. GODEBUG=gotls=1 or 0 decides instead.
 *
 * musl symbols relied on: __libc (tls_size, tls_head), __copy_tls, __pthread_create,
 * __pthread_exit, __synccall, __libc_sigaction, __pthread_tsd_size,
 * __pthread_tsd_main, __pthread_tsd_run_dtors, __abort_lock, __lock.
 * Overrides: gettid (src/linux/gettid.c), raise (src/signal/raise.c),
 * abort (src/exit/abort.c), pthread_kill (src/thread/pthread_kill.c),
 * pthread_setspecific (src/thread/pthread_setspecific.c), and the weak
 * pthread_create and pthread_exit aliases.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <threads.h>
#include <locale.h>
#include <netdb.h>

#include <gort.h>

#include "shim.h"

/* musl 1.2.3's struct pthread on x86_64 (TLS below the thread pointer).
   tests/prog/thread_identity.c checks the fields used here against what
   musl's own functions read and write. */
struct tcb {
	struct tcb *self;
	uintptr_t *dtv;
	struct tcb *prev, *next;
	uintptr_t sysinfo;
	uintptr_t canary;
	int tid;
	int errno_val;
	volatile int detach_state;
	volatile int cancel;
	volatile unsigned char canceldisable, cancelasync;
	unsigned char tsd_used : 1;
	unsigned char dlerror_flag : 1;
	unsigned char *map_base;
	size_t map_size;
	void *stack;
	size_t stack_size;
	size_t guard_size;
	void *result;
	void *cancelbuf;
	void **tsd;
	struct {
		volatile void *volatile head;
		long off;
		volatile void *volatile pending;
	} robust_list;
	int h_errno_val;
	volatile int timer_id;
	void *locale;
	volatile int killlock[1];
	char *dlerror_buf;
	void *stdio_locks;
};
_Static_assert(offsetof(struct tcb, tid) == SHIM_TCB_TID, "shim.h SHIM_TCB_TID");
_Static_assert(offsetof(struct tcb, errno_val) == 52, "errno.c TCB_ERRNO");
_Static_assert(offsetof(struct tcb, tsd) == 128, "musl 1.2.3 struct pthread");
_Static_assert(sizeof(struct tcb) == 200, "musl 1.2.3 struct pthread");

enum { DT_JOINABLE = 2, SIGCANCEL = 33, SIGSYNCCALL = 34, KEYS = 128 };

hidden void *__copy_tls(unsigned char *mem);
extern hidden volatile size_t __pthread_tsd_size;
extern hidden void *__pthread_tsd_main[];
hidden void __pthread_tsd_run_dtors(void);
hidden _Noreturn void __pthread_exit(void *);
hidden int __pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
hidden void __lock(volatile int *);
hidden void __unlock(volatile int *);
extern hidden volatile int __abort_lock[1];

uintptr_t gort_tcbreserve;
bool tcbon;
/* Copied into every block: what musl gave m0 (canary, vDSO, locale). */
static struct tcb *m0tcb;
/* gort_curg's offset from the thread pointer: names a block's G. */
static intptr_t curgoff;
/* A goroutine's pthread keys until it sets one (reads give NULL); musl's
   pthread_key_delete may store a 0 here, so it is writable. */
static void *tsdzero[KEYS];
static _Atomic int tidgen = 1 << 22;

/* Goroutines' thread ids, one per G for its whole life: above any kernel
   thread id, and below 0x3ffffffe, which stdio.c and musl's mutexes
   reserve. */
int tcbtidnext(void)
{
	int t = atomic_fetch_add_explicit(&tidgen, 1, memory_order_relaxed) + 1;
	if (t >= 0x3ffffffe)
		throw("tcbtidnext: out of thread ids");
	return t;
}

/* Linked only if the program uses them (weak references pull in nothing). */
extern __typeof(pthread_self) pthread_self __attribute__((weak));
extern __typeof(pthread_mutexattr_settype) pthread_mutexattr_settype __attribute__((weak));
extern __typeof(flockfile) flockfile __attribute__((weak));
extern __typeof(ftrylockfile) ftrylockfile __attribute__((weak));
extern __typeof(uselocale) uselocale __attribute__((weak));
extern __typeof(__h_errno_location) __h_errno_location __attribute__((weak));
extern __typeof(pthread_getattr_np) pthread_getattr_np __attribute__((weak));
extern __typeof(mtx_init) mtx_init __attribute__((weak));
extern __typeof(thrd_current) thrd_current __attribute__((weak));

/* musl 1.2.3's struct tls_module (src/internal/libc.h). */
struct tlsmodule {
	struct tlsmodule *next;
	void *image;
	size_t len, size, align, offset;
};

/* The runtime's own TLS is gort_curg alone (errno.c uses musl's slot in
   the block): a larger TLS block holds the program's __thread variables. */
enum { RUNTIME_TLS = sizeof(g *) };

/* Can the program tell which block its goroutines run on? Through its own
   __thread variables, or these: pthread keys (pthread_key_create sets
   __pthread_tsd_size), mutexes that record their owner (only
   pthread_mutexattr_settype and mtx_init make them), FILE locks held by
   hand, pthread_self and thrd_current, uselocale, h_errno, and
   pthread_getattr_np. musl's stdio locks are handled in both cases
   (stdio.c). */
static const char *tcbneeded(void)
{
	struct tlsmodule *tls = shim_libc.tls_head;
	if (tls && tls->size > RUNTIME_TLS)
		return "__thread variables";
	if (__pthread_tsd_size)
		return "pthread keys";
	if (pthread_mutexattr_settype || mtx_init)
		return "mutex types";
	if (flockfile || ftrylockfile)
		return "flockfile";
	if (pthread_self || thrd_current || pthread_getattr_np)
		return "pthread_self";
	if (uselocale)
		return "uselocale";
	if (__h_errno_location)
		return "h_errno";
	return 0;
}

void tcbsetup(void)
{
	m0tcb = (struct tcb *)gettp();
	curgoff = (intptr_t)((uintptr_t)&gort_curg - (uintptr_t)m0tcb);
	const char *why = tcbneeded();
	tcbon = debug_gotls >= 0 ? debug_gotls > 0 : why != 0;
	if (debug_gotls >= 0)
		why = "GODEBUG=gotls";
	if (tcbon)
		gort_tcbreserve = (shim_libc.tls_size + __pthread_tsd_size + 15) & ~(uintptr_t)15;
	boottrace("tcbsetup", "thread control block %s (%s)", tcbon ? "per goroutine" : "per M",
	          why ? why : "the program cannot tell");
}

/* The G whose block td is, or NULL for a thread's own block (a thread of
   the program's, or an M's, whose G is g0). */
static g *tcbg(struct tcb *td)
{
	g *gp = *(g **)((char *)td + curgoff);
	return gp && gp->goid > 0 && gp->tls == (uintptr_t)td ? gp : 0;
}

uintptr_t tcbinit(g *gp)
{
	unsigned char *mem = (unsigned char *)(gp->stackhi - shim_libc.tls_size);
	memset(mem, 0, shim_libc.tls_size);
	struct tcb *td = __copy_tls(mem);
	td->self = td;
	td->prev = td->next = td;
	td->sysinfo = m0tcb->sysinfo;
	td->canary = m0tcb->canary;
	td->tid = gp->tcbtid;
	td->detach_state = DT_JOINABLE;
	td->locale = m0tcb->locale;
	td->robust_list.head = &td->robust_list.head;
	td->tsd = tsdzero;
	/* pthread_getattr_np reports the goroutine's stack. */
	td->stack = (void *)(gp->stackhi - gort_tcbreserve);
	td->stack_size = gp->stackhi - gort_tcbreserve - gp->stacklo;
	*(g **)((char *)td + curgoff) = gp;
	return (uintptr_t)td;
}

void tcbexit(g *gp)
{
	struct tcb *td = (struct tcb *)gp->tls;
	if (td->tsd_used)
		__pthread_tsd_run_dtors();
}

int pthread_setspecific(pthread_key_t k, const void *x)
{
	struct tcb *self = (struct tcb *)gettp();
	if (self->tsd == tsdzero || !self->tsd) {
		if (!x)
			return 0;
		g *gp = tcbg(self);
		if (gp) {
			/* The keys' room below the TLS block, cleared on first use. */
			self->tsd = (void **)(gp->stackhi - gort_tcbreserve);
			memset(self->tsd, 0, __pthread_tsd_size);
		} else {
			self->tsd = __pthread_tsd_main;
		}
	}
	if (self->tsd[k] != x) {
		self->tsd[k] = (void *)x;
		self->tsd_used = 1;
	}
	return 0;
}

/* A goroutine's pthread_exit ends the goroutine, as a thread's ends the
   thread: key destructors run, then gort_goexit. */
_Noreturn void pthread_exit(void *result)
{
	/* A goroutine, whichever block it runs on: not g0 (an M that ends,
	   mexit), nor a thread of the program's own (no G). */
	g *gp = getg();
	if (gp && gp->goid > 0)
		gort_goexit();
	__pthread_exit(result);
}

pid_t gettid(void)
{
	return (pid_t)rawsyscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

/* sig to the thread running the caller, which stays on it: the call is in
   the runtime's text, where it is never preempted, and does not park. */
static long killself(int sig)
{
	long pid = rawsyscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	return rawsyscall6(SYS_tgkill, pid, rawsyscall6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0);
}

int raise(int sig)
{
	long r = killself(sig);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

/* musl's abort, with "this thread" the one running the goroutine. */
_Noreturn void abort(void)
{
	raise(SIGABRT);
	/* A handler returned, or SIGABRT is blocked or ignored: die by it
	   all the same, as musl does. */
	uint64_t all = ~0ULL, abrt = 1ULL << (SIGABRT - 1);
	rawsyscall6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, 8, 0, 0);
	__lock(__abort_lock);
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} dfl = { SIG_DFL, 0, 0, 0 };
	rawsyscall6(SYS_rt_sigaction, SIGABRT, (long)&dfl, 0, 8, 0, 0);
	killself(SIGABRT);
	rawsyscall6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&abrt, 0, 8, 0, 0);
	__builtin_trap();
}

/* A goroutine's signal goes to the thread running it, or to the process
   when it is not running (any thread of the program's may take it then).
   Cancellation is not for goroutines. */
int pthread_kill(pthread_t t, int sig)
{
	struct tcb *td = (struct tcb *)t;
	if ((unsigned)sig >= _NSIG)
		return EINVAL;
	long pid = rawsyscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	g *gp = tcbg(td);
	if (gp) {
		if (readgstatus(gp) == Gdead)
			return ESRCH;
		if (sig == 0)
			return 0;
		if (sig == SIGCANCEL)
			return ENOTSUP;
		m *mp = gp->m;
		uint32_t s = readgstatus(gp);
		long r = -1;
		if (mp && (s == Grunning || s == Gsyscall))
			r = rawsyscall6(SYS_tgkill, pid, mp->tid, sig, 0, 0, 0);
		if (r < 0)
			r = rawsyscall6(SYS_kill, pid, sig, 0, 0, 0, 0);
		return r < 0 ? (int)-r : 0;
	}
	/* A thread: musl's pthread_kill. killlock keeps the thread from
	   exiting (and its id from being reused) meanwhile. */
	uint64_t all = ~0ULL, old;
	rawsyscall6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old, 8, 0, 0);
	__lock(td->killlock);
	long r = td->tid ? rawsyscall6(SYS_tgkill, pid, td->tid, sig, 0, 0, 0) : 0;
	__unlock(td->killlock);
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
	return r < 0 ? (int)-r : 0;
}

/* Run a call that needs the kernel thread's own block (it walks or joins
   the thread list from pthread_self(), or compares its tid with gettid)
   on the M's block. Meanwhile getg() is g0, so nothing in the call parks
   or is preempted: the goroutine stays on this M. */
static g *onm_enter(void)
{
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0 || !tcbg((struct tcb *)gettp()))
		return 0;
	settp(gp->m->g0->tls);
	return gp;
}

static void onm_exit(g *gp)
{
	if (gp)
		settp(gp->tls);
}

int __real___pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int __wrap___pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int __wrap___pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	g *gp = onm_enter();
	int r = __real___pthread_create(t, a, fn, arg);
	onm_exit(gp);
	return r;
}

int pthread_create(pthread_t *restrict t, const pthread_attr_t *restrict a, void *(*fn)(void *),
                   void *restrict arg)
{
	return __pthread_create(t, a, fn, arg);
}

void __real___synccall(void (*)(void *), void *);
void __wrap___synccall(void (*fn)(void *), void *ctx);
void __wrap___synccall(void (*fn)(void *), void *ctx)
{
	g *gp = onm_enter();
	__real___synccall(fn, ctx);
	onm_exit(gp);
}

/* __synccall's handler runs on every thread and acts only where the
   block's tid is the thread it signalled: it must see the M's block, not
   the goroutine's that happened to be running there. */
static void (*synccallh)(int);

static void synccalltramp(int sig)
{
	g *gp = onm_enter();
	synccallh(sig);
	onm_exit(gp);
}

int __real___libc_sigaction(int, const struct sigaction *, struct sigaction *);
int __wrap___libc_sigaction(int sig, const struct sigaction *sa, struct sigaction *old);
int __wrap___libc_sigaction(int sig, const struct sigaction *sa, struct sigaction *old)
{
	if (sig != SIGSYNCCALL || !sa || (sa->sa_flags & SA_SIGINFO) || sa->sa_handler == SIG_DFL ||
	    sa->sa_handler == SIG_IGN)
		return __real___libc_sigaction(sig, sa, old);
	struct sigaction t = *sa;
	synccallh = sa->sa_handler;
	t.sa_handler = synccalltramp;
	return __real___libc_sigaction(sig, &t, old);
}
