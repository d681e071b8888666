/*
 * proc.c: goroutine scheduler (Go's proc.go).
 *
 * The scheduler's job is to distribute ready-to-run goroutines over worker
 * threads. G is a goroutine, M a worker thread (os_musl.c, os_bare.c), P a
 * resource needed to run goroutines: an M must hold a P to run a G, and
 * there are exactly gomaxprocs Ps.
 *
 * Worker thread parking/unparking
 * We want to keep enough Ms running to use the available Ps, and park the
 * rest to save CPU. As in Go, an M that finds no work becomes "spinning"
 * before it goes to sleep; new work (newproc, goready) wakes an idle P
 * (wakep) only if there is no spinning M already, and a spinning M that
 * finds work wakes another one in its place (resetspinning). So an idle
 * program has no spinning M and uses no CPU, and a burst of work brings up
 * one M at a time until all Ps are busy. An M that is the last to stop
 * spinning re-checks every P's queue after it lowered nmspinning, which
 * closes the race with a submitter that saw nmspinning != 0 and did not wake
 * anybody.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "asm.h"
#include "runtime.h"
#include "sema.h"

_Static_assert(offsetof(struct g, sched.sp) == G_SCHED_SP, "asm.h G_SCHED_SP");
_Static_assert(offsetof(struct g, m) == G_M, "asm.h G_M");
_Static_assert(offsetof(struct g, stackhi) == G_STACKHI, "asm.h G_STACKHI");
_Static_assert(offsetof(struct g, tls) == G_TLS, "asm.h G_TLS");
_Static_assert(offsetof(struct g, fn) == G_FN, "asm.h G_FN");
_Static_assert(offsetof(struct g, arg) == G_ARG, "asm.h G_ARG");
_Static_assert(offsetof(struct m, g0) == M_G0, "asm.h M_G0");
_Static_assert(offsetof(struct m, fpstate) == M_FPSTATE, "asm.h M_FPSTATE");

__thread g *gort_curg;

m m0;
g g0_m0;
/* allp never moves: it has room for every P there may be (8 KiB of
   zeroed static memory, of which start-up touches one page), and the
   first Ps are static too,
   so that start-up allocates nothing: musl's malloc would set itself up
   (four system calls and as many fresh pages). */
enum { MAXGOMAXPROCS = 1024, PSTATIC = 4 };
static p *allpmem[MAXGOMAXPROCS] bigbss;
static p pstatic[PSTATIC] bigbss;
p **allp = allpmem;
int32_t gomaxprocs;
g *allgs;
mutex allglock;
m *allm;
mutex allplock;
int64_t runtimeInitTime;

/* Set once runtime_main runs: before it, there is nothing to wake or check. */
static _Atomic bool mainStarted;
/* Set by the program's first go(). Until then main is its only goroutine,
   and it stays on m0: a C program that never starts a goroutine keeps one
   thread, its __thread variables, pthread_self() and lock ownership, as
   with plain musl. Waking a second M could only move main elsewhere. The
   libc shim also waits as C does until then (mainalone). */
_Atomic bool firstgo;
/* sysmon starts with the program's second goroutine: a program that never
   starts one has nothing to preempt or hand off, and keeps a single thread
   like the ordinary C program it is. */
static _Atomic bool sysmonStarted;
/* Ms that are the runtime's own (sysmon), left out of checkdead's count. */
static int32_t nmsys;
/* P count requested by gort_gomaxprocs, applied by startTheWorld. */
static int32_t newprocs;

enum { GFREE_LOCAL = 64 };

extern int main(int, char **, char **);

void mcall_bad(g *gp) __attribute__((used, noreturn));
void mcall_bad(g *gp)
{
	(void)gp;
	throw("runtime: mcall called on m->g0 stack");
}

uint32_t fastrand(void)
{
	g *gp = getg();
	m *mp = gp ? gp->m : &m0;
	/* xorshift64*, seeded per M in mcommoninit. */
	uint64_t x = mp->fastrand;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	mp->fastrand = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

uint32_t fastrandn(uint32_t n)
{
	return (uint32_t)(((uint64_t)fastrand() * n) >> 32);
}

/* A new M's id, taken under sched.lock so that checkdead counts the M from
   the moment its maker lets go of the lock (Go's mReserveID). */
static int64_t mReserveID(void)
{
	if (sched.mnext + 1 > sched.maxmcount) {
		printstr("runtime: program exceeds ");
		printint(sched.maxmcount);
		printstr("-thread limit\n");
		fatal("thread exhaustion");
	}
	return sched.mnext++;
}

/* A seed: m0's from the kernel's random bytes for the process
   (AT_RANDOM; the first 8 are musl's stack canary), so that start-up
   does not read the clock, whose first read makes musl look the vDSO up. */
static uint64_t startrand(m *mp)
{
	const unsigned char *r = (const unsigned char *)sysauxv(AT_RANDOM);
	if (mp != &m0 || !r)
		return (uint64_t)nanotime();
	uint64_t v;
	memcpy(&v, r + 8, sizeof v);
	return v;
}

static void mcommoninit(m *mp, int64_t id)
{
	lock(&sched.lock);
	mp->id = id >= 0 ? id : mReserveID();
	mp->fastrand = (startrand(mp) * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)(uintptr_t)mp ^ (uint64_t)mp->id;
	if (mp->fastrand == 0)
		mp->fastrand = 1;
	mp->alllink = allm;
	allm = mp;
	unlock(&sched.lock);
}

/* Appended, so that tracebacks and scheddetail list goroutines in the
   order they were made, goroutine 1 first, as Go's do. */
static void allgadd(g *gp)
{
	static g *allgtail;
	lock(&allglock);
	gp->alllink = 0;
	if (allgtail)
		allgtail->alllink = gp;
	else
		allgs = gp;
	allgtail = gp;
	unlock(&allglock);
}

/* ---- P ownership ---- */

static void acquirep(p *pp)
{
	m *mp = getg()->m;
	if (mp->p || pp->m || atomic_load(&pp->status) != Pidle)
		throw("acquirep: invalid p state");
	mp->p = pp;
	pp->m = mp;
	atomic_store(&pp->status, Prunning);
	wakesysmon();
}

static p *releasep(void)
{
	m *mp = getg()->m;
	p *pp = mp->p;
	if (!pp || pp->m != mp)
		throw("releasep: invalid p state");
	mp->p = 0;
	pp->m = 0;
	atomic_store(&pp->status, Pidle);
	return pp;
}

/* Idle P and M lists; sched.lock held. */
static void pidleput(p *pp)
{
	if (!runqempty(pp))
		throw("pidleput: P has non-empty run queue");
	pp->link = sched.pidle;
	sched.pidle = pp;
	atomic_fetch_add(&sched.npidle, 1);
}

static p *pidleget(void)
{
	p *pp = sched.pidle;
	if (pp) {
		sched.pidle = pp->link;
		atomic_fetch_sub(&sched.npidle, 1);
	}
	return pp;
}

static void mput(m *mp)
{
	mp->schedlink = sched.midle;
	sched.midle = mp;
	sched.nmidle++;
	checkdead();
}

static m *mget(void)
{
	m **pm = &sched.midle;
	/* While main is alone (mainalone), m0 is the M to run it. */
	if (mainalone())
		for (m **q = pm; *q; q = &(*q)->schedlink)
			if (*q == &m0) {
				pm = q;
				break;
			}
	m *mp = *pm;
	if (mp) {
		*pm = mp->schedlink;
		sched.nmidle--;
	}
	return mp;
}

/* ---- Ms ---- */

/* A new M's first function, on its own thread and g0 stack, called by the
   OS layer's newosproc (Go's mstart on a new thread). */
void mstart_thread(m *mp)
{
	/* g0 owns the thread's own control block, the one newosproc made. */
	mp->g0->tls = gettp();
	setg(mp->g0);
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	mp->g0->stackhi = sp;
	mp->g0->stacklo = sp > M_STACK ? sp - M_STACK + 4096 : 0;
	mp->tid = gettid_();
	minitsignals(mp);
	sigmaskapply1(mp);   /* the program's mask: it came up with all blocked */
	mstart();
}

static void newm1(void (*fn)(void), p *pp, int64_t id);

/* Make a new M that runs fn (if any), then schedules with pp (if any). */
void newm(void (*fn)(void), p *pp)
{
	newm1(fn, pp, -1);
}

/* n zeroed Gs. Gs are never freed (mem.c). */
static g *gcalloc(size_t n)
{
	return persistentalloc(n * sizeof(g), _Alignof(g));
}

static void newm1(void (*fn)(void), p *pp, int64_t id)
{
	m *mp = persistentalloc(sizeof *mp, _Alignof(m));
	g *g0 = gcalloc(1);
	if (!mp || !g0)
		outofmemory(sizeof *mp + sizeof *g0);
	mp->g0 = g0;
	g0->m = mp;
	g0->goid = -1;
	atomic_store(&g0->atomicstatus, Grunning);
	mp->mstartfn = fn;
	mp->nextp = pp;
	mcommoninit(mp, id);

	/* The new thread starts with every signal blocked and unblocks them
	   once its signal stack is set (mstart_thread). */
	uint64_t all = ~0ULL, old = 0;
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, sizeof all, 0, 0);
	int err = newosproc(mp);
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, sizeof old, 0, 0);
	if (err) {
		char note[160];
		fmt(note, sizeof note, "runtime: failed to create new OS thread (have %d already; errno=%d)\n%s",
		    (int)sched.mnext - 1, err,
		    err == EAGAIN ? "runtime: may need to increase max user processes (ulimit -u)\n" : "");
		fatalnote(note, "newosproc");
	}
}

/* Run on an M's g0 when it starts; never returns. */
void mstart(void)
{
	g *g0 = getg();
	m *mp = g0->m;
	/* Everything below this frame is free: mcall starts g0 here each time.
	   At this function's own sp, the deepest point valgrind has seen as
	   live with the 128 bytes below it (the ABI's red zone, where mcall's
	   call writes before the first frame moves sp): deeper, memcheck takes
	   that write for one into the dead frames of calls made since. */
	uintptr_t sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	g0->sched.sp = sp & ~(uintptr_t)15;
	if (mp->mstartfn) {
		void (*fn)(void) = mp->mstartfn;
		mp->mstartfn = 0;
		fn();
	}
	if (mp != &m0) {
		p *pp = mp->nextp;
		mp->nextp = 0;
		if (pp)
			acquirep(pp);
		else
			stopm();
	}
	schedule();
}

/* Park the current M until startm hands it a P. */
void stopm(void)
{
	m *mp = getg()->m;
	if (mp->locks)
		throw("stopm holding locks");
	if (mp->p)
		throw("stopm holding p");
	if (mp->spinning)
		throw("stopm spinning");
	lock(&sched.lock);
	mput(mp);
	unlock(&sched.lock);
	mp->blocked = true;
	/* Signals go to threads doing the program's work (signal.c);
	   schedule() puts the program's mask back before running a goroutine. */
	sigmaskidle(mp);
	notesleep(&mp->park);
	mp->blocked = false;
	noteclear(&mp->park);
	acquirep(mp->nextp);
	mp->nextp = 0;
}

static void mspinning(void)
{
	getg()->m->spinning = true;
}

/* Schedule some M to run pp (an idle P if NULL). A spinning M is counted in
   sched.nmspinning by the caller already. */
void startm(p *pp, bool spinning)
{
	lock(&sched.lock);
	if (!pp) {
		pp = pidleget();
		if (!pp) {
			unlock(&sched.lock);
			if (spinning)
				atomic_fetch_sub(&sched.nmspinning, 1);
			return;
		}
	}
	m *nmp = mget();
	if (!nmp) {
		int64_t id = mReserveID();
		unlock(&sched.lock);
		/* The new M counts as spinning from its first instruction. */
		newm1(spinning ? mspinning : 0, pp, id);
		return;
	}
	unlock(&sched.lock);
	if (nmp->spinning || nmp->nextp)
		throw("startm: m is spinning or has a p");
	nmp->spinning = spinning;
	nmp->nextp = pp;
	notewakeup(&nmp->park);
}

/* Hand off pp from an M that is blocked in a system call or is stopping. */
void handoffp(p *pp)
{
	if (!runqempty(pp) || sched.runqsize != 0) {
		startm(pp, false);
		return;
	}
	/* No local work: start a spinning M to look for some elsewhere. */
	int32_t z = 0;
	if (atomic_load(&sched.nmspinning) + atomic_load(&sched.npidle) == 0 &&
	    atomic_compare_exchange_strong(&sched.nmspinning, &z, 1)) {
		startm(pp, true);
		return;
	}
	lock(&sched.lock);
	if (atomic_load(&sched.gcwaiting)) {
		atomic_store(&pp->status, Pgcstop);
		if (--sched.stopwait == 0)
			notewakeup(&sched.stopnote);
		unlock(&sched.lock);
		return;
	}
	if (sched.runqsize != 0) {
		unlock(&sched.lock);
		startm(pp, false);
		return;
	}
	/* The last P must keep polling the network if nobody else does. */
	if (atomic_load(&sched.npidle) == gomaxprocs - 1 && atomic_load(&sched.lastpoll) != 0) {
		unlock(&sched.lock);
		startm(pp, false);
		return;
	}
	int64_t when = atomic_load(&pp->timer0when);
	pidleput(pp);
	unlock(&sched.lock);
	if (when != 0)
		wakeNetPoller(when);
}

/* Try to put one more P to work, if one is idle and nobody is looking. */
static void wakep1(void)
{
	if (atomic_load(&sched.npidle) == 0)
		return;
	int32_t z = 0;
	if (atomic_load(&sched.nmspinning) != 0 ||
	    !atomic_compare_exchange_strong(&sched.nmspinning, &z, 1))
		return;
	startm(0, true);
}

void wakep(void)
{
	if (!mainalone())
		wakep1();
}

static void resetspinning(void)
{
	m *mp = getg()->m;
	if (!mp->spinning)
		throw("resetspinning: not a spinning m");
	mp->spinning = false;
	if (atomic_fetch_sub(&sched.nmspinning, 1) < 1)
		throw("resetspinning: negative nmspinning");
	wakep();
}

/* Wake whoever sleeps in the scheduler so that a timer due at when fires. */
void wakeNetPoller(int64_t when)
{
	netpollGenericInit();
	if (atomic_load(&sched.lastpoll) == 0) {
		int64_t until = atomic_load(&sched.pollUntil);
		if (until == 0 || until > when)
			netpollBreak();
	} else {
		wakep();
	}
}

/* ---- Stop the world ---- */

/* Stop the M at a safe point because the world is stopping. */
static void gcstopm(void)
{
	m *mp = getg()->m;
	if (!atomic_load(&sched.gcwaiting))
		throw("gcstopm: not waiting for gc");
	if (mp->spinning) {
		mp->spinning = false;
		atomic_fetch_sub(&sched.nmspinning, 1);
	}
	p *pp = releasep();
	lock(&sched.lock);
	atomic_store(&pp->status, Pgcstop);
	if (--sched.stopwait == 0)
		notewakeup(&sched.stopnote);
	unlock(&sched.lock);
	stopm();
}

/* One stop-the-world at a time (Go's worldsema): two goroutines stopping
   it at once would each keep its own P running and wait for the other's. */
static uint32_t worldsema = 1;

void stopTheWorld(const char *reason)
{
	(void)reason;
	semacquire1(&worldsema, false, waitReasonSemacquire);
	m *mp = getg()->m;
	mp->locks++;
	lock(&sched.lock);
	sched.stopwait = gomaxprocs;
	atomic_store(&sched.gcwaiting, 1);
	preemptall();
	atomic_store(&mp->p->status, Pgcstop);
	sched.stopwait--;
	for (int32_t i = 0; i < gomaxprocs; i++) {
		uint32_t s = Psyscall;
		if (atomic_compare_exchange_strong(&allp[i]->status, &s, Pgcstop))
			sched.stopwait--;
	}
	p *pp;
	while ((pp = pidleget())) {
		atomic_store(&pp->status, Pgcstop);
		sched.stopwait--;
	}
	bool wait = sched.stopwait > 0;
	unlock(&sched.lock);
	if (wait) {
		/* Ms running goroutines stop at their next schedule; keep asking. */
		while (!notetsleep(&sched.stopnote, 100000))
			preemptall();
		noteclear(&sched.stopnote);
	}
	if (sched.stopwait != 0)
		throw("stopTheWorld: not stopped");
	mp->locks--;
}

void startTheWorld(void)
{
	m *mp = getg()->m;
	mp->locks++;
	lock(&sched.lock);
	int32_t procs = newprocs ? newprocs : gomaxprocs;
	newprocs = 0;
	p *runnable = procresize(procs);
	atomic_store(&sched.gcwaiting, 0);
	unlock(&sched.lock);
	/* sysmon sleeps while the world is stopped; the caller's P went back
	   to running without acquirep, which would have woken it. */
	wakesysmon();
	while (runnable) {
		p *pp = runnable;
		runnable = pp->link;
		m *nmp = pp->m;
		if (nmp) {
			pp->m = 0;
			nmp->nextp = pp;
			notewakeup(&nmp->park);
		} else {
			newm(0, pp);
		}
	}
	wakep();
	mp->locks--;
	semrelease1(&worldsema, false);
}

/* Change the number of Ps to nprocs, with the world stopped (or before it
   started) and sched.lock held. Returns the Ps that have local work,
   each with an idle M to run it in pp->m (or none: make one). */
p *procresize(int32_t nprocs)
{
	int32_t old = gomaxprocs;
	if (nprocs <= 0 || nprocs > MAXGOMAXPROCS)
		throw("procresize: invalid arg");
	lock(&allplock);
	for (int32_t i = 0; i < nprocs; i++) {
		if (allp[i])
			continue;
		p *pp = i < PSTATIC ? &pstatic[i] : persistentalloc(sizeof *pp, _Alignof(p));
		if (!pp)
			outofmemory(sizeof *pp);
		pp->id = i;
		lockinit(&pp->timerslock, lockRankTimers);
		atomic_store(&pp->status, Pgcstop);
		allp[i] = pp;
	}
	if (atomic_load(&allp[nprocs - 1]->status) == Pdead)
		for (int32_t i = old; i < nprocs; i++)
			atomic_store(&allp[i]->status, Pgcstop);

	m *mp = getg()->m;
	/* Ps beyond nprocs: their work moves to the global queue and the
	   current P, their free lists to the global pools. */
	for (int32_t i = nprocs; i < old; i++) {
		p *pp = allp[i];
		g *h, *t;
		int n = runqdrain(pp, &h, &t);
		if (n)
			globrunqputbatch(h, t, n);
		p *to = (mp->p && mp->p->id < nprocs) ? mp->p : allp[0];
		timersmove(pp, to);
		lock(&sched.gflock);
		while (pp->gfree) {
			g *gp = pp->gfree;
			pp->gfree = gp->schedlink;
			gp->schedlink = sched.gfree;
			sched.gfree = gp;
			sched.ngfree++;
		}
		pp->gfreecnt = 0;
		unlock(&sched.gflock);
		stackcache_release(pp);
		atomic_fetch_add(&sched.ngoroutinesdead, pp->ngoroutines);
		atomic_store(&pp->ngoroutines, 0);
		atomic_store(&pp->status, Pdead);
	}
	gomaxprocs = nprocs;
	unlock(&allplock);

	if (mp->p && mp->p->id < nprocs) {
		atomic_store(&mp->p->status, Prunning);
	} else {
		if (mp->p) {
			mp->p->m = 0;
			mp->p = 0;
		}
		p *pp = allp[0];
		pp->m = 0;
		atomic_store(&pp->status, Pidle);
		acquirep(pp);
	}
	p *runnable = 0;
	for (int32_t i = nprocs - 1; i >= 0; i--) {
		p *pp = allp[i];
		if (mp->p == pp)
			continue;
		atomic_store(&pp->status, Pidle);
		pp->m = 0;
		if (runqempty(pp)) {
			pidleput(pp);
		} else {
			pp->m = mget();
			pp->link = runnable;
			runnable = pp;
		}
	}
	return runnable;
}

static int32_t parsegomaxprocs(const char *s)
{
	int64_t n = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (*s - '0');
		if (n > 1000000)
			return 0;
	}
	return (int32_t)n;
}

void schedinit(void)
{
	sched.maxmcount = 10000;
	m0.tid = gettid_();
	g0_m0.goid = -1;
	atomic_store(&g0_m0.atomicstatus, Grunning);
	lockinit(&sched.lock, lockRankSched);
	lockinit(&allplock, lockRankAllp);
	lockinit(&sched.gflock, lockRankGfree);
	lockinit(&allglock, lockRankAllg);
	mcommoninit(&m0, -1);
	stackinit();
	signalsinit();
	minitsignals(&m0);
	/* Not 0 (someone is blocked in the poller): long ago. */
	atomic_store(&sched.lastpoll, 1);

	int32_t procs = ncpu;
	int32_t n = parsegomaxprocs(gogetenv("GOMAXPROCS"));
	if (n > 0)
		procs = n;
	if (procs > MAXGOMAXPROCS)
		procs = MAXGOMAXPROCS;
	lock(&sched.lock);
	if (procresize(procs))
		throw("unknown runnable goroutine during bootstrap");
	unlock(&sched.lock);
}

/* ---- Goroutines ---- */

static void gfput(p *pp, g *gp)
{
	stackfree(gp);
	gp->schedlink = pp->gfree;
	pp->gfree = gp;
	if (++pp->gfreecnt < GFREE_LOCAL)
		return;
	lock(&sched.gflock);
	while (pp->gfreecnt > GFREE_LOCAL / 2) {
		g *x = pp->gfree;
		pp->gfree = x->schedlink;
		pp->gfreecnt--;
		x->schedlink = sched.gfree;
		sched.gfree = x;
		sched.ngfree++;
	}
	unlock(&sched.gflock);
}

static g *gfget(p *pp)
{
	if (!pp->gfree && sched.ngfree > 0) {
		lock(&sched.gflock);
		while (pp->gfreecnt < GFREE_LOCAL / 2 && sched.gfree) {
			g *x = sched.gfree;
			sched.gfree = x->schedlink;
			sched.ngfree--;
			x->schedlink = pp->gfree;
			pp->gfree = x;
			pp->gfreecnt++;
		}
		unlock(&sched.gflock);
	}
	g *gp = pp->gfree;
	if (!gp)
		return 0;
	if (!stackalloc(gp, stackdefault))
		return 0;
	pp->gfree = gp->schedlink;
	pp->gfreecnt--;
	return gp;
}

/* Gs are never freed (they stay on allgs, as in Go), so they are carved
   from chunks: a program that starts many goroutines pays one malloc per
   GCHUNK of them, and its Gs sit together. allglock guards the chunk. */
enum { GCHUNK = 64 };
static g *gchunk;
static int gchunkleft;
static g *gspare;   /* carved, but no stack could be had for them */

/* Goroutine 1's G is static: a program that never calls go() allocates
   no chunk of Gs. */
static g gmain;
static bool gmainused;

static g *gnew(bool ismain)
{
	lock(&allglock);
	g *gp = gspare;
	if (ismain && !gmainused) {
		gmainused = true;
		gp = &gmain;
	} else if (gp) {
		gspare = gp->schedlink;
		memset(gp, 0, sizeof *gp);
	} else {
		if (gchunkleft == 0) {
			g *c = gcalloc(GCHUNK);
			if (!c) {
				unlock(&allglock);
				return 0;
			}
			gchunk = c;
			gchunkleft = GCHUNK;
		}
		gp = gchunk++;
		gchunkleft--;
	}
	unlock(&allglock);
	gp->tcbtid = tcbtidnext();
	return gp;
}

static g *malg(bool ismain)
{
	g *gp = gnew(ismain);
	if (!gp)
		return 0;
	atomic_store(&gp->atomicstatus, Gdead);
	gp->ismain = ismain;
	if (!(ismain ? mainstackalloc(gp) : stackalloc(gp, stackdefault))) {
		lock(&allglock);
		gp->schedlink = gspare;
		gspare = gp;
		unlock(&allglock);
		return 0;
	}
	allgadd(gp);
	return gp;
}

static void startsysmon(void)
{
	bool f = false;
	if (!atomic_compare_exchange_strong(&sysmonStarted, &f, true))
		return;
	/* Counted as the runtime's own after it exists: until then checkdead
	   overcounts running Ms, which is the safe direction. */
	newm(sysmon, 0);
	lock(&sched.lock);
	nmsys++;
	unlock(&sched.lock);
}

static g *newproc1(void (*fn)(void *), void *arg, uintptr_t callerpc, bool ismain)
{
	m *mp = getg()->m;
	mp->locks++;
	p *pp = mp->p;
	g *newg = ismain ? 0 : gfget(pp);
	if (!newg) {
		newg = malg(ismain);
		if (!newg) {
			mp->locks--;
			return 0;
		}
	}
	/* sched.sp 0: gogo starts the G at fn(arg) on a fresh stack. Nothing is
	   written to the stack here, so its first touch is by the M that runs
	   it, usually on another CPU. */
	newg->sched.sp = 0;
	newg->fn = fn;
	newg->arg = arg;
	newg->gopc = callerpc;
	newg->errno_ = 0;
	newg->waitreason = 0;
	newg->param = 0;
	newg->bpskip = newg->bpinterval = 0;
	atomic_store_explicit(&newg->preempt, false, memory_order_relaxed);
	if (pp->goidcache == pp->goidcacheend) {
		/* Ids come in batches of 16 so Ps do not fight over goidgen. */
		pp->goidcache = (int64_t)atomic_fetch_add(&sched.goidgen, 16) + 1;
		pp->goidcacheend = pp->goidcache + 16;
	}
	newg->goid = pp->goidcache++;
	atomic_store_explicit(&pp->ngoroutines, pp->ngoroutines + 1, memory_order_relaxed);
	casgstatus(newg, Gdead, Grunnable);
	runqput(pp, newg, true);
	if (atomic_load_explicit(&mainStarted, memory_order_relaxed)) {
		if (unlikely(!atomic_load_explicit(&sysmonStarted, memory_order_relaxed)))
			startsysmon();
		wakep();
	}
	mp->locks--;
	return newg;
}

g *newproc(void (*fn)(void *), void *arg, uintptr_t callerpc)
{
	return newproc1(fn, arg, callerpc, !atomic_load(&mainStarted) && sched.goidgen == 0);
}

int64_t gort_go(void (*fn)(void *), void *arg)
{
	g *gp = getg();
	/* As in Go, a programming error rather than a condition to handle. */
	if (!fn)
		fatal("go of nil func value");
	if (!gp || !gp->m || !gp->m->p || gp == gp->m->g0) {
		/* A thread of the program's own (pthread_create) has no P to put
		   the goroutine on, and no goroutine to be its creator. */
		errno = EPERM;
		return -1;
	}
	if (unlikely(mainalone())) {
		shim_watchfork();
		atomic_store(&firstgo, true);
		sigfirstgo();
	}
	g *ng = newproc(fn, arg, (uintptr_t)__builtin_return_address(0));
	if (!ng) {
		errno = ENOMEM;
		return -1;
	}
	int64_t id = ng->goid;
	/* A loop of go() calls spends most of its time in runtime text, where
	   the preemption signal is refused: a safe point. */
	if (unlikely(atomic_load_explicit(&gp->preempt, memory_order_relaxed)))
		preemptpark(gp);
	/* Back-pressure (not in Go): a goroutine that starts goroutines faster
	   than the Ps retire them gives its P to them once its run queue is
	   half full. Every queued goroutine holds a stack; left alone, a
	   spawning loop keeps tens of thousands alive until the next
	   preemption, each on freshly faulted memory, and spills its queue
	   into the global one, under sched.lock, where the other Ps fight for
	   it. Yielding early keeps the live set within the stack caches and
	   the work on the lock-free local queues (idle Ps steal from them).
	   When yielding does not shorten the queue (the goroutines stay
	   runnable), the yields back off exponentially. */
	else {
		p *pp = gp->m->p;
		uint32_t qlen = runqlen(pp);
		if (unlikely(qlen > RUNQ_SIZE / 2)) {
			if (gp->bpskip > 0) {
				gp->bpskip--;
			} else {
				mcall(gosched_m);
				pp = gp->m->p;
				uint32_t after = runqlen(pp);
				if (after * 2 < qlen)
					gp->bpinterval = 0;
				else if (gp->bpinterval < (1u << 20))
					gp->bpinterval = gp->bpinterval ? gp->bpinterval * 2 : 1;
				gp->bpskip = gp->bpinterval;
			}
		}
	}
	return id;
}

void dropg(void)
{
	m *mp = getg()->m;
	if (mp->curg) {
		mp->curg->m = 0;
		mp->curg = 0;
	}
}

/* Run gp on the current M (on g0). Never returns. */
static void execute(g *gp, bool inheritTime) __attribute__((noreturn));
static void execute(g *gp, bool inheritTime)
{
	m *mp = getg()->m;
	sigmaskapply(mp);   /* an idle spell, or a change by another goroutine */
	mp->curg = gp;
	gp->m = mp;
	/* A G about to start gets its thread control block here, on the M
	   that runs it: the first touch of its stack is by this CPU. */
	if (gp->sched.sp == 0 && tcbon)
		gp->tls = tcbinit(gp);
	casgstatus(gp, Grunnable, Grunning);
	atomic_store_explicit(&gp->preempt, false, memory_order_relaxed);
	if (!inheritTime)
		mp->p->schedtick++;
	gogo(gp);
}

/* Try to steal work from other Ps (Go's stealWork). Runs their due timers
   on the last pass, since an idle P's timers have nobody else to run them. */
static g *stealWork(int64_t now, bool *inheritTime, int64_t *pollUntil, bool *newWork)
{
	p *pp = getg()->m->p;
	bool ranTimer = false;
	int32_t n = gomaxprocs;
	*newWork = false;
	for (int i = 0; i < 4; i++) {
		bool last = i == 3;
		uint32_t start = fastrandn((uint32_t)n);
		for (int32_t k = 0; k < n; k++) {
			if (atomic_load(&sched.gcwaiting)) {
				*newWork = true;
				return 0;
			}
			p *p2 = allp[(start + (uint32_t)k) % (uint32_t)n];
			if (p2 == pp)
				continue;
			if (last && atomic_load(&p2->timer0when) != 0) {
				bool ran = false;
				if (now == 0)
					now = nanotime();
				int64_t w = checkTimers(p2, now, &ran);
				if (w != 0 && (*pollUntil == 0 || w < *pollUntil))
					*pollUntil = w;
				if (ran) {
					g *gp = runqget(pp, inheritTime);
					if (gp)
						return gp;
					ranTimer = true;
				}
			}
			if (atomic_load_explicit(&p2->status, memory_order_relaxed) != Pidle) {
				g *gp = runqstealinto(pp, p2, last);
				if (gp) {
					*inheritTime = false;
					return gp;
				}
			}
		}
	}
	*newWork = ranTimer;
	return 0;
}

/* The first of the goroutines netpoll made ready, to run now; the rest go
   on the run queues. */
static g *netpollpick(g *list)
{
	g *rest = list->schedlink;
	casgstatus(list, Gwaiting, Grunnable);
	if (rest)
		injectglist(rest);
	return list;
}

/* Take half the queue of a P whose M has been on the same goroutine, with
   the same time slice, since the last time an M out of work looked at it,
   while goroutines wait on its queue: that M is most likely descheduled by
   the kernel, for a scheduler tick or more when the CPUs are shared. Polling
   the network comes before stealing, and a server's poll nearly always
   finds something, so without this check those goroutines wait for that
   M while this one serves new arrivals. The goroutine is compared too
   because a P handing over through runnext keeps its schedtick. */
static g *stealstalled(p *pp)
{
	for (int32_t i = 0; i < gomaxprocs; i++) {
		if (atomic_load(&sched.gcwaiting))
			return 0;   /* the world is stopping */
		p *p2 = allp[i];
		if (p2 == pp || atomic_load_explicit(&p2->status, memory_order_relaxed) != Prunning)
			continue;
		m *mp2 = p2->m;
		g *gp2 = mp2 ? mp2->curg : 0;
		uint32_t t = p2->schedtick;   /* read as sysmon reads it */
		uint32_t seen = atomic_exchange_explicit(&p2->stallseen, t, memory_order_relaxed);
		g *seeng = atomic_exchange_explicit(&p2->stallg, gp2, memory_order_relaxed);
		if (gp2 && seen == t && seeng == gp2 && !runqempty(p2)) {
			g *gp = runqstealinto(pp, p2, false);
			if (gp)
				return gp;
		}
	}
	return 0;
}

/* Find a runnable goroutine; blocks until there is one (Go's findRunnable). */
static g *findrunnable(bool *inheritTime)
{
	m *mp = getg()->m;
top:;
	p *pp = mp->p;
	if (atomic_load(&sched.gcwaiting)) {
		gcstopm();
		goto top;
	}
	/* The clock is read only when there are timers: on some virtual
	   machines it is a system call. */
	int64_t now = 0;
	int64_t pollUntil = 0;
	if (atomic_load(&pp->timer0when) != 0) {
		bool ran;
		now = nanotime();
		pollUntil = checkTimers(pp, now, &ran);
	}

	g *gp = runqget(pp, inheritTime);
	if (gp)
		return gp;

	if (sched.runqsize != 0) {
		lock(&sched.lock);
		gp = globrunqget(pp, 0);
		unlock(&sched.lock);
		if (gp) {
			*inheritTime = false;
			return gp;
		}
	}

	/* Poll the network without blocking, ahead of stealing: the ready
	   goroutines were waiting already. Those on the queue of a P whose M
	   is not running waited longer. */
	if (netpollinited() && netpollanyWaiters() && atomic_load(&sched.lastpoll) != 0) {
		if (gomaxprocs > 1) {
			gp = stealstalled(pp);
			if (gp) {
				*inheritTime = false;
				return gp;
			}
		}
		int32_t n;
		g *list = netpoll(0, &n);
		if (list) {
			*inheritTime = false;
			return netpollpick(list);
		}
	}

	if (mp->spinning || 2 * atomic_load(&sched.nmspinning) < gomaxprocs - atomic_load(&sched.npidle)) {
		if (!mp->spinning) {
			mp->spinning = true;
			atomic_fetch_add(&sched.nmspinning, 1);
		}
		bool newWork;
		gp = stealWork(now, inheritTime, &pollUntil, &newWork);
		if (gp)
			return gp;
		if (newWork)
			goto top;
	}

	/* Nothing to do: give up the P. */
	lock(&sched.lock);
	if (atomic_load(&sched.gcwaiting)) {
		unlock(&sched.lock);
		goto top;
	}
	if (sched.runqsize != 0) {
		gp = globrunqget(pp, 0);
		unlock(&sched.lock);
		*inheritTime = false;
		return gp;
	}
	if (releasep() != pp)
		throw("findrunnable: wrong p");
	pidleput(pp);
	unlock(&sched.lock);

	bool wasSpinning = mp->spinning;
	if (mp->spinning) {
		mp->spinning = false;
		if (atomic_fetch_sub(&sched.nmspinning, 1) < 1)
			throw("findrunnable: negative nmspinning");
		/* Work submitted while we were spinning found nmspinning > 0 and
		   woke nobody: look once more, now that we count as idle. */
		for (int32_t i = 0; i < gomaxprocs; i++) {
			if (!runqempty(allp[i])) {
				lock(&sched.lock);
				p *p2 = pidleget();
				unlock(&sched.lock);
				if (p2) {
					acquirep(p2);
					mp->spinning = true;
					atomic_fetch_add(&sched.nmspinning, 1);
					goto top;
				}
				break;
			}
		}
		for (int32_t i = 0; i < gomaxprocs; i++) {
			int64_t w = atomic_load(&allp[i]->timer0when);
			if (w != 0 && (pollUntil == 0 || w < pollUntil))
				pollUntil = w;
		}
	}

	/* Block in the network poller until the next timer, if we are the only
	   one doing so. */
	int64_t lastpoll = atomic_load(&sched.lastpoll);
	if (netpollinited() && (netpollanyWaiters() || pollUntil != 0) && lastpoll != 0 &&
	    atomic_compare_exchange_strong(&sched.lastpoll, &lastpoll, 0)) {
		atomic_store(&sched.pollUntil, pollUntil);
		int64_t delay = -1;
		if (pollUntil != 0) {
			now = nanotime();
			delay = pollUntil > now ? pollUntil - now : 0;
		}
		int32_t n;
		g *list = netpoll(delay, &n);
		now = nanotime();
		atomic_store(&sched.pollUntil, 0);
		atomic_store(&sched.lastpoll, now);
		lock(&sched.lock);
		p *p2 = atomic_load(&sched.gcwaiting) ? 0 : pidleget();
		unlock(&sched.lock);
		if (!p2) {
			if (list)
				injectglist(list);
		} else {
			acquirep(p2);
			if (list) {
				*inheritTime = false;
				return netpollpick(list);
			}
			if (wasSpinning) {
				mp->spinning = true;
				atomic_fetch_add(&sched.nmspinning, 1);
			}
			goto top;
		}
	} else if (pollUntil != 0 && netpollinited()) {
		int64_t until = atomic_load(&sched.pollUntil);
		if (until == 0 || until > pollUntil)
			netpollBreak();
	}
	stopm();
	goto top;
}

/*
 * Locked goroutines (Go's LockOSThread). A G locked to an M runs only
 * there, and that M runs nothing else: when the G parks, the M gives its
 * P away and sleeps (stoplockedm); whoever finds the G runnable hands the
 * M a P instead of running it (startlockedm). A G that exits locked takes
 * its M with it (mexit).
 */
static void stoplockedm(void)
{
	m *mp = getg()->m;
	if (mp->p)
		handoffp(releasep());
	lock(&sched.lock);
	sched.nmidlelocked++;
	checkdead();
	unlock(&sched.lock);
	mp->blocked = true;
	sigmaskidle(mp);
	notesleep(&mp->park);
	mp->blocked = false;
	noteclear(&mp->park);
	if (readgstatus(mp->lockedg) != Grunnable)
		throw("stoplockedm: inconsistent locking");
	acquirep(mp->nextp);
	mp->nextp = 0;
}

static void startlockedm(g *gp)
{
	m *mp = getg()->m, *lm = gp->lockedm;
	if (lm == mp)
		throw("startlockedm: locked to me");
	lock(&sched.lock);
	sched.nmidlelocked--;
	unlock(&sched.lock);
	lm->nextp = releasep();
	notewakeup(&lm->park);
	stopm();
}

/* The M of a G that exited locked ends with it: its thread state may be
   anything the G left it in (Go's mexit). m0's thread cannot end without
   ending the process, so it sleeps for good instead. */
static _Noreturn void mexit(m *mp)
{
	handoffp(releasep());
	lock(&sched.lock);
	sched.nmfreed++;
	checkdead();
	unlock(&sched.lock);
	if (mp == &m0) {
		sigmaskidle(mp);
		for (;;)
			notesleep(&mp->park);
	}
	exitThread();
}

void gort_lockosthread(void)
{
	g *gp = getg();
	/* A thread of the program's own is its own thread already. */
	if (!gp || !gp->m || gp == gp->m->g0)
		return;
	if (gp->lockedext == UINT32_MAX)
		fatal("LockOSThread nesting overflow");
	gp->lockedext++;
	gp->lockedm = gp->m;
	gp->locked = true;
	gp->m->lockedg = gp;
}

void gort_unlockosthread(void)
{
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0 || gp->lockedext == 0)
		return;
	if (--gp->lockedext == 0) {
		gp->m->lockedg = 0;
		gp->lockedm = 0;
		gp->locked = false;
	}
}

/* One round of scheduling: find a runnable goroutine and run it. */
void schedule(void)
{
	m *mp = getg()->m;
	if (mp->locks)
		throw("schedule: holding locks");
	/* This M runs only its locked G: wait until it is runnable. */
	if (unlikely(mp->lockedg)) {
		stoplockedm();
		execute(mp->lockedg, false);
	}
top:;
	p *pp = mp->p;
	if (atomic_load(&sched.gcwaiting)) {
		gcstopm();
		goto top;
	}
	g *gp = 0;
	bool inheritTime = false;
	if (atomic_load_explicit(&pp->timer0when, memory_order_relaxed) != 0) {
		bool ran;
		checkTimers(pp, nanotime(), &ran);
	}
	/* sysmon found this P's time slice used up while others waited. A
	   goroutine that hands the P to its partner through runnext passes the
	   slice on, and the request may have missed both (they were in the
	   runtime when the signal came): the partner goes behind the waiting
	   goroutines, as a preempted one would. */
	if (unlikely(atomic_load_explicit(&pp->preempt, memory_order_relaxed))) {
		atomic_store_explicit(&pp->preempt, false, memory_order_relaxed);
		runqdemotenext(pp);
	}
	/* Check the global queue once in a while, for fairness: two goroutines
	   that keep respawning each other could starve it otherwise. */
	if (pp->schedtick % 61 == 0) {
		if (sched.runqsize > 0) {
			lock(&sched.lock);
			gp = globrunqget(pp, 1);
			unlock(&sched.lock);
		}
		/* sysmon wants this P's free stacks in the pool, where it gives
		   their memory back (stack.c). */
		if (unlikely(atomic_load_explicit(&pp->stackflush, memory_order_relaxed))) {
			atomic_store_explicit(&pp->stackflush, false, memory_order_relaxed);
			stackcache_release(pp);
		}
	}
	if (!gp)
		gp = runqget(pp, &inheritTime);
	if (!gp)
		gp = findrunnable(&inheritTime);
	if (mp->spinning)
		resetspinning();
	/* A locked G runs only on its own M: hand it our P. */
	if (unlikely(gp->locked)) {
		startlockedm(gp);
		goto top;
	}
	execute(gp, inheritTime);
}

/* Make every G of list (linked by schedlink, Gwaiting) runnable. */
void injectglist(g *list)
{
	if (!list)
		return;
	int32_t n = 0;
	g *tail = 0;
	for (g *gp = list; gp; gp = gp->schedlink) {
		casgstatus(gp, Gwaiting, Grunnable);
		tail = gp;
		n++;
	}
	g *me = getg();
	p *pp = me && me->m ? me->m->p : 0;
	if (!pp) {
		lock(&sched.lock);
		globrunqputbatch(list, tail, n);
		unlock(&sched.lock);
		for (int32_t i = 0; i < n && atomic_load(&sched.npidle) != 0; i++)
			startm(0, false);
		return;
	}
	/* One G per idle P goes to the global queue, with an M started for
	   each; the rest stay on this P's local queue (all of them while main
	   is alone: mainalone()). */
	int32_t npidle = !mainalone() ? atomic_load(&sched.npidle) : 0;
	g *glob = list, *globtail = 0;
	int32_t nglob = 0;
	for (; nglob < npidle && list; nglob++) {
		globtail = list;
		list = list->schedlink;
	}
	if (nglob) {
		lock(&sched.lock);
		globrunqputbatch(glob, globtail, nglob);
		unlock(&sched.lock);
		for (int32_t i = 0; i < nglob; i++)
			startm(0, false);
	}
	while (list) {
		g *next = list->schedlink;
		runqput(pp, list, false);
		list = next;
	}
}

/* ---- Parking ---- */

void park_m(g *gp)
{
	m *mp = getg()->m;
	casgstatus(gp, Grunning, Gwaiting);
	dropg();
	bool (*fn)(g *, void *) = mp->waitunlockf;
	if (fn) {
		bool ok = fn(gp, mp->waitlock);
		mp->waitunlockf = 0;
		mp->waitlock = 0;
		if (!ok) {
			casgstatus(gp, Gwaiting, Grunnable);
			execute(gp, true);
		}
	}
	schedule();
}

static bool parkunlock_c(g *gp, void *l)
{
	(void)gp;
	unlock(l);
	return true;
}

void goparkunlock(mutex *l, uint8_t reason)
{
	gopark(parkunlock_c, l, reason);
}

/* Make a parked goroutine runnable: next on this P, sharing its time slice. */
void goready(g *gp)
{
	g *me = getg();
	m *mp = me ? me->m : 0;
	casgstatus(gp, Gwaiting, Grunnable);
	if (unlikely(!mp || !mp->p)) {
		/* Off the scheduler (a program's own thread): the global queue. */
		lock(&sched.lock);
		globrunqput(gp);
		unlock(&sched.lock);
		wakep1();   /* even for main alone: nobody else will run it */
		return;
	}
	mp->locks++;
	runqput(mp->p, gp, true);
	wakep();
	mp->locks--;
}

void gosched_m(g *gp)
{
	m *mp = getg()->m;
	casgstatus(gp, Grunning, Grunnable);
	dropg();
	/* Go puts a yielding G on the global queue; the local tail keeps it
	   off sched.lock, and stealing still spreads it to idle Ps. */
	runqput(mp->p, gp, false);
	schedule();
}

void gort_yield(void)
{
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0) {
		osyield();
		return;
	}
	mcall(gosched_m);
}

static void goexit0(g *gp)
{
	m *mp = getg()->m;
	casgstatus(gp, Grunning, Gdead);
	atomic_store_explicit(&mp->p->ngoroutines, mp->p->ngoroutines - 1, memory_order_relaxed);
	dropg();
	gp->waitreason = 0;
	gp->param = 0;
	gp->waiting = 0;
	bool locked = gp->locked;
	gp->lockedm = 0;
	gp->locked = false;
	gp->lockedext = 0;
	mp->lockedg = 0;
	/* main's stack is the size of a thread's: not for reuse. */
	if (!gp->ismain)
		gfput(mp->p, gp);
	if (unlikely(locked))
		mexit(mp);
	schedule();
}

void goexit1(void) __attribute__((used, noreturn));
void goexit1(void)
{
	g *gp = getg();
	if (gp->tls)
		tcbexit(gp);
	mcall(goexit0);
	__builtin_unreachable();
}

void gort_goexit(void)
{
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0)
		fatal("gort_goexit called off a goroutine");
	goexit1();
}

int64_t gort_goid(void)
{
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0)
		return 0;
	return gp->goid;
}

int gort_numgoroutine(void)
{
	/* The sum of the per-P counts is exact when nothing is starting or
	   ending at the moment; allplock keeps the Ps from changing under it. */
	lock(&allplock);
	int64_t n = atomic_load(&sched.ngoroutinesdead);
	for (int32_t i = 0; i < gomaxprocs; i++)
		n += atomic_load_explicit(&allp[i]->ngoroutines, memory_order_relaxed);
	unlock(&allplock);
	return (int)n;
}

/* Not in gort.h: a hook for whole-program tests, which must know that
   their goroutines have parked before they look at a dump of them. How
   many of the program's goroutines are parked (Gwaiting) now. */
int gort_nwaiting(void)
{
	int n = 0;
	lock(&allglock);
	for (g *gp = allgs; gp; gp = gp->alllink)
		if (readgstatus(gp) == Gwaiting)
			n++;
	unlock(&allglock);
	return n;
}

int gort_gomaxprocs(int n)
{
	int ret = gomaxprocs;
	if (n <= 0 || n == ret)
		return ret;
	if (n > MAXGOMAXPROCS)
		n = MAXGOMAXPROCS;
	g *gp = getg();
	if (!gp || !gp->m || !gp->m->p || gp == gp->m->g0)
		return ret;  /* only a goroutine can stop the world */
	stopTheWorld("GOMAXPROCS");
	newprocs = n;
	startTheWorld();
	return ret;
}

int gort_numcpu(void)
{
	return ncpu;
}

/* ---- System calls ---- */

/* The current goroutine enters a system call at sp and pc (for
   tracebacks); m->locks stays raised until its P is dealt with. */
static m *syscallmark(uintptr_t sp, uintptr_t pc)
{
	g *gp = getg();
	m *mp = gp->m;
	mp->locks++;
	atomic_store_explicit(&gp->syscallintr, 0, memory_order_relaxed);
	gp->syscallsp = sp;
	gp->syscallpc = pc;
	casgstatus(gp, Grunning, Gsyscall);
	return mp;
}

/* The goroutine is about to block in the kernel: its P may be retaken by
   sysmon and handed to another M (Go's entersyscall). */
static void reentersyscall(uintptr_t sp, uintptr_t pc)
{
	m *mp = syscallmark(sp, pc);
	p *pp = mp->p;
	pp->m = 0;
	mp->oldp = pp;
	mp->p = 0;
	atomic_store(&pp->status, Psyscall);
	if (unlikely(atomic_load(&sched.gcwaiting))) {
		lock(&sched.lock);
		uint32_t s = Psyscall;
		if (sched.stopwait > 0 && atomic_compare_exchange_strong(&pp->status, &s, Pgcstop)) {
			if (--sched.stopwait == 0)
				notewakeup(&sched.stopnote);
		}
		unlock(&sched.lock);
	}
	mp->locks--;
}

void entersyscall(void)
{
	reentersyscall((uintptr_t)__builtin_frame_address(0), (uintptr_t)__builtin_return_address(0));
}

/* The goroutine is about to wait in the kernel for another goroutine (a
   futex another one will wake): its P goes to another M at once, as the
   waker may need it (Go's entersyscallblock). While main is alone there is
   no other goroutine, and a program's own threads do not need a P: then
   it is a plain entersyscall. */
void entersyscallblock(void)
{
	if (mainalone()) {
		reentersyscall((uintptr_t)__builtin_frame_address(0), (uintptr_t)__builtin_return_address(0));
		return;
	}
	m *mp = syscallmark((uintptr_t)__builtin_frame_address(0), (uintptr_t)__builtin_return_address(0));
	/* No oldp: the P may be back in Psyscall under another M by the time
	   we return, and exitsyscallfast must not take it from there. */
	mp->oldp = 0;
	handoffp(releasep());
	mp->locks--;
}

static bool exitsyscallfast(p *oldp)
{
	if (atomic_load(&sched.gcwaiting))
		return false;
	uint32_t s = Psyscall;
	if (oldp && atomic_compare_exchange_strong(&oldp->status, &s, Pidle)) {
		acquirep(oldp);
		return true;
	}
	if (atomic_load(&sched.npidle) == 0)
		return false;
	lock(&sched.lock);
	p *pp = pidleget();
	unlock(&sched.lock);
	if (!pp)
		return false;
	acquirep(pp);
	return true;
}

static void exitsyscall0(g *gp)
{
	casgstatus(gp, Gsyscall, Grunnable);
	dropg();
	lock(&sched.lock);
	p *pp = atomic_load(&sched.gcwaiting) ? 0 : pidleget();
	if (!pp && gp->locked) {
		/* Wait on this M for a P to run gp. */
		globrunqput(gp);
		unlock(&sched.lock);
		stoplockedm();
		execute(gp, false);
	}
	/* main alone stays on m0 (mainalone): the M that took its P while it
	   was in the kernel has nothing to run and gives the P up shortly. */
	while (!pp && gp->ismain && mainalone() &&
	       !atomic_load(&sched.gcwaiting)) {
		unlock(&sched.lock);
		osyield();
		lock(&sched.lock);
		pp = pidleget();
	}
	if (!pp)
		globrunqput(gp);
	unlock(&sched.lock);
	if (pp) {
		acquirep(pp);
		execute(gp, false);
	}
	stopm();
	schedule();
}

/* The goroutine is back from the kernel: get a P to run on, or queue it. */
void exitsyscall(void)
{
	g *gp = getg();
	m *mp = gp->m;
	mp->locks++;
	p *oldp = mp->oldp;
	mp->oldp = 0;
	if (exitsyscallfast(oldp)) {
		atomic_fetch_add(&mp->p->syscalltick, 1);
		casgstatus(gp, Gsyscall, Grunning);
		mp->locks--;
		return;
	}
	mp->locks--;
	mcall(exitsyscall0);
}

/* ---- Deadlock detection (Go's checkdead); sched.lock held ---- */

/* Threads in the process, from /proc/self/task, read with raw system
   calls (sched.lock is held); -1 when it cannot be read. */
static int threadcount(void)
{
	return procdir("/proc/self/task", 0, 0);
}

void checkdead(void)
{
	if (!atomic_load(&mainStarted))
		return;
	int32_t run = (int32_t)sched.mnext - sched.nmidle - sched.nmidlelocked - sched.nmfreed - nmsys +
	              sched.nretaking;
	if (run > 0)
		return;
	if (run < 0)
		throw("checkdead: inconsistent counts");
	int grunning = 0;
	lock(&allglock);
	for (g *gp = allgs; gp; gp = gp->alllink) {
		switch (readgstatus(gp)) {
		case Gwaiting:
		case Gpreempted:
			grunning++;
			break;
		case Grunnable:
		case Grunning:
		case Gsyscall:
			unlock(&allglock);
			throw("checkdead: runnable g");
		}
	}
	unlock(&allglock);
	if (grunning == 0) {
		unlock(&sched.lock);
		fatal("no goroutines (main called runtime.Goexit) - deadlock!");
	}
	/* A pending timer will wake somebody. */
	if (timerspending())
		return;
	/* A thread of the program's own may still wake a goroutine (close a
	   channel, unlock a mutex): with one, nobody can tell a deadlock from
	   a wait, as with Go's cgo threads. */
	int threads = threadcount();
	if (threads < 0 || threads > sched.mnext - sched.nmfreed)
		return;
	unlock(&sched.lock);
	fatal("all goroutines are asleep - deadlock!");
}

/* ---- Runtime main: goroutine 1 ---- */

void runtime_main(void *arg)
{
	(void)arg;
	atomic_store(&mainStarted, true);
	if (debug_schedtrace > 0) {
		runtimeInitTime = nanotime();
		startsysmon();  /* it prints the trace */
	}
	boottrace("runtime.main", "goroutine 1 running on m%ld; constructors next", (long)getg()->m->id);
	gort_runinit();
	exit(main(argc_, argv_, envp_));
}
