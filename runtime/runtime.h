/*
 * runtime.h: G, M, P and the scheduler's shared state (Go's runtime2.go).
 *
 * Some notes on locking
 * - sched.lock guards the global run queue, the idle M and idle P lists and
 *   the counters next to them in struct schedt. It is not a leaf: under it
 *   procresize (startTheWorld) takes allplock, sched.gflock, the Ps'
 *   timerslock and stack.c's poollock; sysmon's stack cache flush takes
 *   poollock; allglock may be taken inside it too. None of those takes
 *   sched.lock.
 * - A P's local run queue is lock-free: only the owner P writes runqtail,
 *   any M may advance runqhead with a CAS when it steals.
 * - A P's timer heap is guarded by pp->timerslock (time.c).
 * - Channel and semaphore locks (chan.c, sema.c) are taken by goroutines and
 *   released by gopark's unlock function on g0, after the goroutine's state
 *   has been saved, so a waker can never run a goroutine that is still on
 *   its own stack.
 * - No runtime lock is held across a context switch.
 * - lock() does not count in m->locks (Go's lock2 does): m->locks > 0 marks
 *   a section that must not be preempted nor switched away from (newproc,
 *   stopTheWorld, a fatal error), entered explicitly.
 *
 * Pointer lifetimes: a G is never freed; a dead G gives its stack back
 * (gfput calls stackfree) and goes to a free list, where newproc finds it
 * and gives it a new stack. Ms and Ps are never freed either.
 */
#ifndef GORT_RUNTIME_H
#define GORT_RUNTIME_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define hidden __attribute__((visibility("hidden")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* For the runtime's large zeroed arrays: the linker's default layout puts
   .lbss after all of .bss, so that the small variables start-up touches
   share a few pages instead of lying between the arrays (every page
   touched is a fault). */
#define bigbss __attribute__((section(".lbss")))

typedef struct g g;
typedef struct m m;
typedef struct p p;

/* Runtime lock: a futex word, spins briefly, then sleeps (Go's lock_futex.go).
   The checking runtime (GORT_LOCKRANK, lockrank.c) gives each its rank. */
typedef struct mutex {
	_Atomic uint32_t key;
#ifdef GORT_LOCKRANK
	uint32_t rank;
#endif
} mutex;

/* The runtime's lock order, outer first (Go's lockrank.go): a lock may be
   taken only while every lock the M holds ranks below it. Channel locks
   (a select takes its channels' in address order) and timerslock
   (timersmove holds two Ps') may be held with another of their rank. A lock
   of rank lockRankNone is not checked. lockrank.c checks the order in the
   checking runtime; lockinit records a lock's rank there and does nothing
   in the others. The leaf locks taken with nothing else held (signal.c's
   sigmasklock, netpoll's pdlock and initlock) are left unranked. */
enum lockrank {
	lockRankNone,
	lockRankHchan,       /* chan.c: a channel's lock */
	lockRankRoot,        /* sema.c: a semaphore root */
	lockRankSched,       /* sched.lock */
	lockRankAllp,        /* allplock */
	lockRankGfree,       /* sched.gflock */
	lockRankTimers,      /* a P's timerslock */
	lockRankArena,       /* stack.c: arenalock */
	lockRankPool,        /* stack.c: poollock */
	lockRankAllg,        /* allglock */
	lockRankCount
};
#ifdef GORT_LOCKRANK
static inline void lockinit(mutex *l, enum lockrank rank)
{
	l->rank = rank;
}
#else
static inline void lockinit(mutex *l, enum lockrank rank)
{
	(void)l, (void)rank;
}
#endif

/* One-shot sleep/wakeup for Ms (Go's note): notewakeup once, noteclear to reuse. */
typedef struct note {
	_Atomic uint32_t key;
} note;

/* Where a switched-out goroutine resumes. The callee-saved registers, MXCSR
   and the x87 control word are pushed on the goroutine's own stack by the
   switch (asm/switch.S), so only the stack pointer is kept here.
   Part of the assembly ABI: offset 0 of struct g. Do not move. */
typedef struct gobuf {
	uintptr_t sp;
} gobuf;

/* Numbered as Go's, whose _Gidle (0) gort never uses: a new G is Gdead
   until newproc makes it runnable. */
enum gstatus {
	Grunnable = 1, /* on a run queue, not running */
	Grunning,   /* running user code on an M with a P */
	Gsyscall,   /* in a system call, on an M, owns no P's time */
	Gwaiting,   /* parked: channel, timer, mutex, netpoll */
	Gdead,      /* exited; on a free list, its stack given back */
	Gpreempted, /* never set: a preempted G is Grunnable on the global queue
	               (gopreempt_m); kept for Go's numbering, as the gdb script */
};

/* Why a goroutine is Gwaiting (Go's waitReason): gopark stores one byte,
   tracebacks and scheddetail print its name from waitreasonstrings
   (panic.c), in Go's words. sync.Mutex.Lock is Go 1.20's name and
   sync.WaitGroup.Wait a later Go's; Go 1.19 called both semacquire. */
enum waitreason {
	waitReasonZero,
	waitReasonIOWait,               /* "IO wait" */
	waitReasonChanReceiveNilChan,   /* "chan receive (nil chan)" */
	waitReasonChanSendNilChan,      /* "chan send (nil chan)" */
	waitReasonSelect,               /* "select" */
	waitReasonSelectNoCases,        /* "select (no cases)" */
	waitReasonChanReceive,          /* "chan receive" */
	waitReasonChanSend,             /* "chan send" */
	waitReasonSemacquire,           /* "semacquire" */
	waitReasonSleep,                /* "sleep" */
	waitReasonSyncMutexLock,        /* "sync.Mutex.Lock" */
	waitReasonSyncWaitGroupWait,    /* "sync.WaitGroup.Wait" */
	waitReasonCount
};

/* A goroutine blocked in a channel operation or semaphore (Go's sudog). */
typedef struct sudog {
	g *g;
	struct sudog *next, *prev; /* wait queue of the channel or semaphore */
	void *elem;                /* data element (may point into g's stack) */
	uint32_t ticket;
	bool isSelect;
	bool success;              /* woken by a completed operation, not by close */
	struct sudog *waitlink;    /* g->waiting list (select) */
	struct sudog *parent;      /* semaroot tree (sema.c) */
	struct sudog *waittail;
	void *c;                   /* channel (chan.c) or semaphore address (sema.c) */
	int caseidx;               /* select case index, for select.c */
} sudog;

/* A timer on a P's heap (time.c). f runs on g0 with no runtime lock held. */
typedef struct timer {
	int64_t when;
	int64_t period;
	void (*f)(void *arg, uintptr_t seq);
	void *arg;
	uintptr_t seq;
	p *pp;                /* heap it is on, or NULL */
	int idx;              /* index in pp->timers, -1 when not on a heap */
	_Atomic uint32_t status;
} timer;

/* The first cache line holds what a goroutine switch and a channel hand-off
   touch (sched, m, status, preempt, the wait fields); G's are 64-byte
   aligned so that it is one line. A program with many goroutines that wake
   each other in turn (a ring, a pipeline) takes a cache miss on every G it
   wakes, and a G whose hot fields straddled two or three lines cost as many. */
struct g {
	gobuf sched;              /* offset 0: saved stack pointer (asm/switch.S) */
	m *m;                     /* M running this G, or NULL */
	_Atomic uint32_t atomicstatus;
	_Atomic bool preempt;     /* preemption requested (sysmon, STW) */
	bool ismain;              /* goroutine 1: has the large main stack */
	uint8_t waitreason;       /* why it is Gwaiting (enum waitreason), for tracebacks */
	uintptr_t tls;            /* thread pointer while it runs (asm/switch.S; tcb.c) */
	_Atomic uint32_t selectDone;
	bool locked;              /* lockedm is set: schedule() checks this line only */
	void *param;              /* passed by the waker (chan.c: the sudog) */
	sudog *waiting;           /* select: sudogs it is queued with */
	g *schedlink;             /* run queue and free list link */
	/* Second line on: starting, exiting, tracebacks, system calls. */
	int errno_;               /* the goroutine's errno (libc-shim/errno.c) */
	uintptr_t stacklo;        /* lowest usable address of the stack */
	uintptr_t stackhi;        /* one past the highest */
	int64_t goid;
	void (*fn)(void *);       /* entry point and its argument */
	void *arg;
	g *alllink;               /* allgs list, never unlinked */
	uintptr_t gopc;           /* pc of the go() call that created it */
	uint32_t stackflags;      /* stack.c: how the stack was made */
	uint32_t stackvgid;       /* its own mapping's valgrind stack id (valgrind.c) */
	void *stackmem;           /* mapping that holds the stack (stack.c) */
	size_t stackmemsize;
	timer *timer;             /* gort_sleep's timer, made on first use */
	uint64_t syscallsp;       /* sp at entersyscall, for tracebacks */
	uintptr_t syscallpc;
	_Atomic uint32_t syscallintr; /* our SIGURG hit it in a system call (signal.c) */
	uint32_t bpskip;          /* go(): spawns before the next back-pressure yield */
	uint32_t bpinterval;      /* go(): current back-off of those yields */
	int tcbtid;               /* its thread id to the C library (tcb.c), fixed at gnew */
	uint32_t lockedext;       /* gort_lockosthread nesting; owner only */
	m *lockedm;               /* the M it is locked to, or NULL; owner only */
} __attribute__((aligned(64)));

struct m {
	g *g0;                    /* offset 0: the scheduling stack (asm/switch.S) */
	uint64_t fpstate;         /* offset 8: x87 CW and MXCSR this thread has loaded (asm/switch.S) */
	g *curg;                  /* goroutine running now, or NULL */
	p *p;                     /* attached P, or NULL */
	p *nextp;                 /* P to attach when started (startm) */
	p *oldp;                  /* P held before a system call */
	int64_t id;
	bool spinning;            /* looking for work; counted in sched.nmspinning */
	bool blocked;             /* parked on park note */
	note park;
	m *schedlink;             /* sched.midle list */
	m *alllink;
	int tid;                  /* kernel thread id */
	int locks;                /* > 0: do not preempt or switch (not counted by lock()) */
	uint64_t fastrand;
	bool (*waitunlockf)(g *, void *); /* gopark's unlock, run on g0 */
	void *waitlock;
	void (*mstartfn)(void);   /* run first by a new M (sysmon) */
	void *gsignal;            /* signal stack memory */
	uint32_t sigmaskgen;      /* the program's mask this thread has applied (signal.c); 0 none */
	g *lockedg;               /* the G locked to this M (gort_lockosthread), or NULL */
#ifdef GORT_LOCKRANK
	mutex *held[16];          /* the ranked locks it holds, in order taken (lockrank.c) */
	int nheld;
#endif
};

enum pstatus {
	Pidle,
	Prunning,  /* owned by an M running user code or the scheduler */
	Psyscall,  /* its M is in a system call; sysmon may retake it */
	Pgcstop,   /* stopped for stop-the-world */
	Pdead,     /* no longer used (GOMAXPROCS shrank) */
};

#define RUNQ_SIZE 256

/* The index in a runqhead value (see struct p). */
static inline uint32_t runqheadidx(uint64_t head)
{
	return (uint32_t)head;
}

/* Stack cache entry count per P (stack.c). */
#define STACK_CACHE 32

/* The fields are grouped by who writes them, each group on its own cache
   lines: the owner's private state must not share a line with what other
   Ps write (runqhead, runnext when they steal), or every spawn would pay
   for a steal elsewhere. */
struct p {
	/* Read by everyone, written on state changes. */
	int32_t id;
	_Atomic uint32_t status;
	p *link;                  /* sched.pidle list */
	m *m;                     /* M attached, or NULL when idle */
	_Atomic int64_t timer0when; /* earliest timer, 0 when none */
	_Atomic uint32_t syscalltick; /* incremented on every system call */
	/* sysmon: the goroutines on this P have had their time slice (Go's
	   p.preempt). Kept on the P because the goroutine sysmon saw may have
	   handed the P to its runnext, with the same time slice, by the time
	   anyone looks; schedule() ends the slice and clears it. */
	_Atomic bool preempt;

	/* Local run queue: a ring read lock-free (Go's runqhead/runqtail);
	   thieves CAS runqhead and runnext. runqhead's low half is the
	   head's index, its high half a count of runqputfront calls: Go's
	   head only moves forward, ours also moves back, and without the
	   count a thief's stale CAS could succeed after the head came back
	   to the value it read (ABA), taking a G that already ran. */
	_Alignas(64) _Atomic uint64_t runqhead;
	_Atomic uint32_t runqtail;
	g *_Atomic runq[RUNQ_SIZE];
	/* Runs next, before runq, inheriting the time slice of the current G. */
	g *_Atomic runnext;

	/* Owner only. */
	_Alignas(64) uint32_t schedtick; /* incremented on every schedule */
	/* Dead Gs, for reuse by newproc. */
	g *gfree;
	int32_t gfreecnt;
	/* Program goroutines made on this P less those that ended on it (may be
	   negative); gort_numgoroutine sums them. Written by the owner only. */
	_Atomic int64_t ngoroutines;
	/* goid cache: ids are handed out in batches to avoid contention. */
	int64_t goidcache, goidcacheend;
	/* Stack cache (stack.c): free stacks of the default size, as their
	   lowest usable address with the stack's flags in the low bits. */
	uintptr_t stackcache[STACK_CACHE];
	int nstackcache;
	size_t stackcachesize;    /* size of the stacks in stackcache */
	_Atomic bool stackflush;  /* sysmon asks for stackcache in the pool */

	/* Timers (time.c). */
	_Alignas(64) mutex timerslock;
	timer **timers;
	int ntimers, captimers;

	/* schedtick and the M's goroutine as the last stealstalled of an M
	   out of work saw them (proc.c). */
	_Alignas(64) _Atomic uint32_t stallseen;
	g *_Atomic stallg;

	/* sysmon bookkeeping (sysmon.c). */
	_Alignas(64) uint32_t sysmon_schedtick;
	int64_t sysmon_schedwhen;
	uint32_t sysmon_syscalltick;
	int64_t sysmon_syscallwhen;
};

struct schedt {
	_Atomic uint64_t goidgen;
	_Atomic int64_t lastpoll;   /* 0: some M is blocked in netpoll */
	_Atomic int64_t pollUntil;  /* when that M wakes */

	mutex lock;
	m *midle;                   /* idle Ms waiting for work */
	int32_t nmidle;
	/* Ps sysmon is taking from Ms in system calls and handing on: each
	   counts as a running M for checkdead until the hand-off is done (the
	   P is owned by nobody meanwhile; Go's incidlelocked(-1) in retake). */
	int32_t nretaking;
	int32_t nmidlelocked;       /* Ms waiting for their locked G to be runnable */
	int32_t nmfreed;            /* Ms gone with the locked G that exited on them */
	int64_t mnext;              /* number of Ms made, next id */
	int32_t maxmcount;
	p *pidle;                   /* idle Ps */
	_Atomic int32_t npidle;
	_Atomic int32_t nmspinning;

	/* Global run queue. */
	g *runqhead, *runqtail;
	int32_t runqsize;

	/* Global pool of dead Gs with stacks. */
	mutex gflock;
	g *gfree;
	int32_t ngfree;

	/* Stop-the-world. */
	_Atomic uint32_t gcwaiting;
	int32_t stopwait;
	note stopnote;
	_Atomic uint32_t sysmonwait;/* sysmon sleeps on this futex word while all is idle */

	_Atomic int64_t ngoroutinesdead; /* the count of Ps procresize removed */
};

extern struct schedt sched;
extern p **allp;              /* indexed by P id, length gomaxprocs */
extern int32_t gomaxprocs;    /* written only under stop-the-world */
extern int32_t ncpu;          /* osinit */
extern uintptr_t physpagesize;/* osinit, from auxv */
extern m m0;
extern g g0_m0;
extern g *allgs;              /* list through alllink in creation order, guarded by allglock */
extern mutex allglock;
extern m *allm;               /* list through alllink, append-only under sched.lock */
extern mutex allplock;        /* guards allp against procresize, for sysmon */
extern int64_t runtimeInitTime;

/* The G that owns the running thread control block: each goroutine's block
   names the goroutine, each M's own block its g0 (libc-shim/tcb.c). Read
   through getg() only: a plain access may be compiled to an address
   computed once from the thread pointer, which is wrong after a switch. */
extern __thread g *gort_curg;

static inline g *getg(void)
{
	g *gp;
	__asm__ volatile("movq %%fs:gort_curg@tpoff, %0" : "=r"(gp));
	return gp;
}

static inline void setg(g *gp)
{
	__asm__ volatile("movq %0, %%fs:gort_curg@tpoff" : : "r"(gp) : "memory");
}

/* asm/switch.S */
void gogo(g *gp) __attribute__((noreturn));   /* setg(gp), resume at gp->sched */
void mcall(void (*fn)(g *));
void gostartfn(void);                 /* first pc of a new G */

/* proc.c */
hidden void schedinit(void);
hidden void runtime_main(void *arg);
hidden void schedule(void) __attribute__((noreturn));
hidden void park_m(g *gp);
hidden void goparkunlock(mutex *l, uint8_t reason);
hidden void goready(g *gp);
hidden g *newproc(void (*fn)(void *), void *arg, uintptr_t callerpc);
hidden void wakep(void);
hidden void startm(p *pp, bool spinning);
hidden void handoffp(p *pp);
hidden void stopm(void);
hidden void injectglist(g *list);
hidden void wakeNetPoller(int64_t when);
hidden void mstart(void) __attribute__((noreturn));
hidden void newm(void (*fn)(void), p *pp);
hidden void stopTheWorld(const char *reason);
hidden void startTheWorld(void);
hidden uint32_t fastrand(void);
hidden uint32_t fastrandn(uint32_t n);
hidden void gosched_m(g *gp);
hidden void dropg(void);                     /* on g0: the M lets go of its curg */
hidden p *procresize(int32_t nprocs);
hidden void checkdead(void);
hidden void entersyscall(void);
hidden void entersyscallblock(void);
/* Set by the program's first go() (proc.c). */
hidden extern _Atomic bool firstgo;
/* Main is the program's only goroutine: no go() yet (firstgo). Until
   then it stays on m0 (proc.c), and since nobody could run while it
   waits, the libc shim has its calls wait in the kernel as a C program's
   do, with C's EINTR, SA_RESTART and nanosleep remainder, rather than
   park. */
static inline bool mainalone(void)
{
	return !atomic_load_explicit(&firstgo, memory_order_relaxed);
}
hidden void exitsyscall(void);

/* runq.c: local and global run queues, stealing */
hidden void runqput(p *pp, g *gp, bool next);
hidden g *runqget(p *pp, bool *inheritTime);
hidden void runqdemotenext(p *pp);
hidden bool runqempty(p *pp);
/* How many Gs pp's ring holds (runnext aside); a snapshot. */
static inline uint32_t runqlen(p *pp)
{
	return atomic_load_explicit(&pp->runqtail, memory_order_relaxed) -
	       runqheadidx(atomic_load_explicit(&pp->runqhead, memory_order_relaxed));
}
hidden g *runqstealinto(p *pp, p *victim, bool stealRunNextG);
hidden int runqdrain(p *pp, g **head, g **tail);
hidden void globrunqput(g *gp);
hidden void globrunqputbatch(g *head, g *tail, int32_t n);
hidden g *globrunqget(p *pp, int32_t max);

/* lock_futex.c */
hidden void lock(mutex *l);
hidden void unlock(mutex *l);
#ifdef GORT_LOCKRANK
/* lockrank.c */
hidden void lockrankacquire(mutex *l);
hidden void lockrankheld(mutex *l);
hidden void lockrankrelease(mutex *l);
#endif
hidden void noteclear(note *n);
hidden void notewakeup(note *n);
hidden void notesleep(note *n);
hidden bool notetsleep(note *n, int64_t ns); /* true if woken, false on timeout */
hidden void futexsleep(_Atomic uint32_t *addr, uint32_t val, int64_t ns);
hidden void futexwakeup(_Atomic uint32_t *addr, uint32_t cnt);
hidden void osyield(void);
hidden void procyield(int n);

/* os_linux.c */
hidden void osinit(void);
hidden int64_t nanotime_raw(void);    /* before musl is up: no vDSO */
hidden unsigned long sysauxv(unsigned long type); /* an auxv entry's value, 0 if none */
hidden int32_t getproccount(void);
hidden int gettid_(void);
hidden void usleep_(int64_t us);
hidden long rawsyscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);
hidden int procdir(const char *path, void (*fn)(long n, void *arg), void *arg);
hidden uintptr_t gettp(void);           /* this thread's pointer (%fs base) */
hidden void settp(uintptr_t tp);        /* load one: wrfsbase, or arch_prctl */
hidden extern uint8_t gort_fsgsbase;    /* wrfsbase may be used (asm/switch.S) */

/* The OS layer: what differs between the default mode (os_musl.c, the
   C library's threads and clock) and bare mode (os_bare.c, gortcc
   -nolibc: raw clone, the kernel's clock, no C library). One of the two
   is linked (docs/bootstrap.md). */
enum { M_STACK = 256 << 10 };           /* an M's g0 stack */
hidden int newosproc(m *mp);            /* a thread for mp, which runs mstart_thread; 0 or errno */
hidden _Noreturn void exitThread(void); /* the calling M's thread ends (mexit) */
hidden int64_t nanotime(void);          /* CLOCK_MONOTONIC in ns */
hidden _Noreturn void mstart_thread(m *mp); /* proc.c: a new M's first function */

/* vdso_linux.c: the vDSO's clock_gettime, for bare mode (musl finds it
   in default mode). vdsoclockgettime returns 0 or the negated errno. */
struct timespec;
hidden extern int (*vdsoClockgettimeSym)(int clockid, struct timespec *ts);
hidden void vdsoinit(uintptr_t sysinfo_ehdr);
hidden int vdsoclockgettime(int clockid, struct timespec *ts);

/* valgrind.c */
hidden extern bool onvalgrind;        /* running under valgrind (osinit) */
hidden void valgrindinit(void);
hidden uint32_t vgstackregister(uintptr_t lo, uintptr_t hi);
hidden void vgstackderegister(uint32_t id);
hidden void vgmemundefined(uintptr_t lo, size_t len);

/* stack.c */
hidden bool stackalloc(g *gp, size_t size);  /* false: out of memory */
hidden void stackfree(g *gp);
hidden void stackcache_release(p *pp);      /* P going away: give back its cache */
hidden void stackscavenge(int64_t now);     /* sysmon: return idle stack pages */
hidden bool stackscavengepending(void);     /* pool memory stackscavenge has yet to return */
hidden void stackoverflowhint(g *gp);       /* the remedy line of an overflow message */
hidden bool mainstackalloc(g *gp);
hidden void stackinit(void);
hidden extern size_t stackdefault;          /* bytes of a new goroutine's stack */
hidden bool stackguardfault(uintptr_t addr, g **gpout);

/* time.c */
hidden void addtimer(timer *t);              /* t->when, f, arg set; not on a heap */
hidden bool deltimer(timer *t);              /* true if it was pending */
hidden int64_t checkTimers(p *pp, int64_t now, bool *ran);
                                             /* runs due timers; returns next when, 0 none */
hidden void timersmove(p *from, p *to);      /* procresize: P going away */
hidden bool timerspending(void);             /* any P has a timer (checkdead) */

/* netpoll_epoll.c */
hidden void netpollinit(void);
hidden bool netpollinited(void);
hidden void netpollGenericInit(void);   /* first use: epoll and its wakeup fd */
hidden g *netpoll(int64_t delay, int32_t *n); /* ready Gs; delay < 0 blocks, 0 polls */
hidden void netpollBreak(void);
hidden bool netpollanyWaiters(void);

/* panic.c: Go's throw (runtime bug or unrecoverable state) and panic. */
hidden _Noreturn void throw(const char *s);
hidden _Noreturn void fatal(const char *s);         /* "fatal error: s", user's fault */
hidden _Noreturn void fatalnote(const char *note, const char *s); /* note, then fatal(s) */
hidden _Noreturn void outofmemory(size_t n);        /* fatal "out of memory" for n bytes */
/* mem.c: memory from the kernel, not malloc. persistentalloc's is zeroed
   and never freed; sysalloc's (zeroed, whole pages) goes back with
   sysfree; growalloc moves an array to a larger sysalloc. */
hidden void *persistentalloc(size_t n, size_t align);
hidden void *sysalloc(size_t n);
hidden void sysfree(void *p, size_t n);
hidden void *growalloc(void *old, size_t oldsize, size_t newsize);
hidden _Noreturn void gopanic(const char *s);       /* "panic: s" */
hidden void printstr(const char *s);                /* raw write to fd 2 */
hidden void printint(int64_t v);
hidden void printhex(uint64_t v);
hidden void printfuncname(const char *name);  /* without gcc's clone suffixes */
hidden void tracebackothers(g *me);
hidden void traceback1(g *gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc);
hidden _Noreturn void fatalsignal(const char *s, bool flush, uintptr_t pc, uintptr_t sp, uintptr_t bp);
hidden void goroutineheader(g *gp);
hidden extern const char *const waitreasonstrings[waitReasonCount];
hidden uintptr_t waitpc(g *gp);             /* first pc in the program's text of a parked G */
/* A fatal report, in pieces for the signal handlers (Go's startpanic_m,
   dopanic_m, dieFromSignal, crash): throwing as in gotraceback. */
hidden bool startpanic(void);
hidden bool dopanic(g *gp, int throwing, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc);
hidden void sigdefault(int sig);
hidden void dieFromSignal(int sig);
hidden _Noreturn void crash(void);

/* trace.c: GODEBUG */
hidden extern int32_t debug_schedtrace;
hidden extern int32_t debug_scheddetail;
hidden extern int32_t debug_boottrace;
hidden extern int32_t debug_asyncpreemptoff;
hidden extern int32_t debug_nofsgsbase;
hidden extern int32_t debug_gotls;      /* -1: tcb.c decides */
hidden extern int32_t debug_stackfallback; /* stack.c as on a kernel without guard regions */
hidden void parsedebugvars(char **envp);
hidden void schedtrace(bool detailed);
hidden void boottrace(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
hidden const char *gogetenv(const char *name);
/* GOTRACEBACK (Go's setTraceback and gotraceback): level 0 none, 1 the
   program's frames, 2 the runtime's too; all: every goroutine; crash:
   end by SIGABRT. A fatal error prints every goroutine whatever the
   setting (throwing >= throwTypeUser), a runtime bug at level 2. */
enum { throwTypeNone, throwTypeUser, throwTypeRuntime };
hidden void settraceback(const char *s);
hidden void gotraceback(int throwing, int32_t *level, bool *all, bool *crash);

/* print.c: snprintf without libc (gort_printf's conversions), for
   messages made where libc's locks or memory may be unusable, or before
   musl is up. */
hidden void fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
hidden void vfmt(char *buf, size_t size, const char *f, va_list ap);

/* sysmon.c */
hidden void sysmon(void);
hidden void wakesysmon(void);

/* preempt.c: stopping a goroutine that runs on */
hidden void preemptinit(void);               /* what asyncPreempt saves */
hidden void preemptone(p *pp);               /* ask pp's goroutine to stop */
hidden void preemptall(void);
hidden void preemptpark(g *gp);              /* a safe point: stop if asked and able */
hidden void gopreempt_m(g *gp);              /* on g0: to the global queue */

/* signal.c: the text fences, signals */
/* Is pc in the program's own text, where a goroutine may be stopped
   (neither the runtime's nor libc's, as linker.ld fences them)? */
hidden bool usertext(uintptr_t pc);
hidden bool textfenced(void);               /* false: usertext knows nothing */
hidden bool runtimetext(uintptr_t pc);      /* in gort's runtime, not libc's nor the program's */
hidden void signalsinit(void);
hidden void sigfirstgo(void);             /* the first go(): SIGQUIT, SIGFPE, SIGILL */
/* For libc-shim/sigaction.c: the signals whose SIG_DFL is the runtime's
   report, and whether its handler is in place. */
hidden bool sigreported(int sig);
hidden bool sigruntime(int sig);
hidden void siginstall(int sig);
hidden void sigrelease(int sig);
hidden void sigurgprogram(void);          /* the program set SIGURG itself */
hidden void minitsignals(m *mp);
/* The program's signal mask, one for all its goroutines (docs/libc.md,
   "Signals and threads"). */
hidden int sigmaskset(int how, const uint64_t *set, uint64_t *old);
hidden extern _Atomic uint32_t sigmaskgen;
hidden void sigmaskapply1(m *mp);
static inline void sigmaskapply(m *mp)
{
	if (unlikely(mp->sigmaskgen != atomic_load_explicit(&sigmaskgen, memory_order_relaxed)))
		sigmaskapply1(mp);
}
hidden void sigmaskidle(m *mp);             /* block what the program may catch */
hidden int sigpendingfd(void);              /* for the poller: a signal was sent */
hidden void sigpendingwake(void);           /* take it here if no M can */

/* The program, as the process entry found it (crt/rt0.c). */
hidden extern int argc_;
hidden extern char **argv_;
hidden extern char **envp_;
hidden extern unsigned long *auxv_;
/* crt/rt0.c: binds m0 and g0, runs osinit and schedinit, starts main's
   goroutine and enters mstart. Called by libcstart (crt/rt0_musl.c, once
   the C library is up; crt/rt0_bare.c, at once). */
hidden _Noreturn void rt0_main(void);
hidden _Noreturn void libcstart(int argc, char **argv, char **envp);

/* Text bounds of runtime and libc, from linker.ld: preemption is only safe
   outside [gort_rttext_start, gort_rttext_end). */
extern char gort_rttext_start[], gort_rttext_end[];

static inline uint32_t readgstatus(g *gp)
{
	return atomic_load_explicit(&gp->atomicstatus, memory_order_acquire);
}

/* Every status change is made by the one party that owns the G at that
   moment (its M, or the single waker that dequeued it from a wait queue
   under that queue's lock), so a checked store does what Go's CAS does
   without a locked instruction on the scheduler's hot path. */
static inline void casgstatus(g *gp, uint32_t old, uint32_t new)
{
	if (unlikely(atomic_load_explicit(&gp->atomicstatus, memory_order_relaxed) != old))
		throw("casgstatus: bad incoming values");
	atomic_store_explicit(&gp->atomicstatus, new, memory_order_release);
}

/* Park the current goroutine. unlockf(gp, lock), if set, runs on g0 once gp
   can no longer run; it returns false to resume gp at once. Inline, so that
   a woken goroutine has one return fewer to make: the CPU predicts returns
   from its own record of calls, which the switch leaves pointing at the
   other goroutine's, and each return after a switch is a misprediction. */
static inline __attribute__((always_inline)) void
gopark(bool (*unlockf)(g *, void *), void *lock_, uint8_t reason)
{
	g *gp = getg();
	m *mp = gp->m;
	if (unlikely(!mp || gp == mp->g0))
		throw("gopark: not on a goroutine");
	if (mp->locks)
		throw("gopark: holding locks");
	mp->waitunlockf = unlockf;
	mp->waitlock = lock_;
	gp->waitreason = reason;
	mcall(park_m);
}

/* What the runtime calls in libc-shim, the only code that knows musl. */
#include "libcshim.h"

#endif
