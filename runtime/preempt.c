/*
 * preempt.c: stopping a goroutine that does not stop by itself (Go's
 * preempt.go and the SIGURG half of signal_unix.go).
 *
 * sysmon asks (preemptone: g->preempt and p->preempt, then SIGURG to the
 * M). The goroutine stops at the first safe point it reaches:
 * - asynchronously, in the signal handler (sigurg), when the signal lands
 *   in the program's own text: the handler makes the goroutine call
 *   asyncPreempt (asm/preempt.S), which saves every register and the
 *   vector state and calls asyncPreempt2;
 * - synchronously, in runtime calls a busy goroutine makes often, whose
 *   text refuses the signal: go(), gort_nanotime, and malloc and free
 *   called from the program's text (libc-shim/malloc.c). Each calls
 *   preemptpark, the one check of whether the goroutine may stop here.
 * Either way the goroutine goes to the global queue (gopreempt_m), behind
 * those that waited.
 */
#include <cpuid.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime.h"

enum { PREEMPT_ROOM = 8 << 10 };

void asyncPreempt(void);

/* Read by asm/preempt.S: how it saves the vector state, set by
   preemptinit from what the CPU has. */
hidden uint64_t gort_xsave_size = 512 + 64;
hidden uint8_t gort_have_xsave;

void preemptinit(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && __get_cpuid_max(0, 0) >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		if (b >= 512) {
			gort_have_xsave = 1;
			gort_xsave_size = b + 64;
		}
	}
}

/* Preempted by signal (asm/preempt.S): to the global queue, so that the
   P's other goroutines run first (Go's gopreempt_m). */
void gopreempt_m(g *gp)
{
	casgstatus(gp, Grunning, Grunnable);
	dropg();
	lock(&sched.lock);
	globrunqput(gp);
	unlock(&sched.lock);
	schedule();
}

/* A safe point: gp, asked to stop, stops here if it is running on its
   own M with a P and holds no runtime lock. */
void preemptpark(g *gp)
{
	m *mp = gp->m;
	if (mp && mp->curg == gp && mp->p && mp->locks == 0)
		mcall(gopreempt_m);
}

void asyncPreempt2(void) __attribute__((used));
void asyncPreempt2(void)
{
	mcall(gopreempt_m);
}

void sigurg(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	g *gp = getg();
	if (!gp || !gp->m)
		return;  /* a thread of the program's own */
	m *mp = gp->m;
	/* sysmon may ask just before the goroutine enters a system call; the
	   signal then cuts the call short, with EINTR even under SA_RESTART
	   for calls with a timeout (SO_RCVTIMEO). Say so, for the libc-shim to
	   make the call again: the program never sent a signal. */
	if (gp == mp->curg && readgstatus(gp) == Gsyscall) {
		atomic_store_explicit(&gp->syscallintr, 1, memory_order_relaxed);
		return;
	}
	if (gp != mp->curg || mp->locks || !mp->p || readgstatus(gp) != Grunning)
		return;
	/* The goroutine asked to stop may have switched to its partner since,
	   on the same time slice: the P's flag stops the partner too. */
	if (!atomic_load(&gp->preempt) && !atomic_load(&mp->p->preempt))
		return;
	ucontext_t *uc = ctx;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	if (!usertext(pc))
		return;
	if (sp < gp->stacklo + PREEMPT_ROOM + gort_xsave_size || sp > gp->stackhi)
		return;
	sp -= 128;               /* the red zone */
	sp -= 8;
	/* valgrind sees sp jump there on return, not a push: the slot and the
	   red zone below it become live for it here. */
	if (unlikely(onvalgrind))
		vgmemundefined(sp - 128, 128 + 8);
	*(uintptr_t *)sp = pc;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)sp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)asyncPreempt;
	atomic_store(&gp->preempt, false);
}

/* Ask the goroutine running on pp to stop soon (Go's preemptone). */
void preemptone(p *pp)
{
	m *mp = pp->m;
	if (!mp || mp == getg()->m)
		return;
	g *gp = mp->curg;
	if (!gp || gp == mp->g0)
		return;
	atomic_store(&gp->preempt, true);
	atomic_store(&pp->preempt, true);
	if (debug_asyncpreemptoff)
		return;  /* GODEBUG=asyncpreemptoff=1: only the synchronous checks */
	rawsyscall6(SYS_tgkill, getpid(), mp->tid, SIGURG, 0, 0, 0);
}

void preemptall(void)
{
	for (int32_t i = 0; i < gomaxprocs; i++)
		if (atomic_load(&allp[i]->status) == Prunning)
			preemptone(allp[i]);
}
