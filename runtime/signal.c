/*
 * signal.c: the signals the runtime itself uses (Go's signal_unix.go).
 *
 * SIGSEGV/SIGBUS: a fault in the guard region below a goroutine's stack is a
 * stack overflow and dies with Go's message; any other fault puts back the
 * default action and returns, so the faulting instruction runs again and the
 * process dies exactly as an ordinary C program would.
 *
 * SIGURG: asynchronous preemption. sysmon (or stop-the-world) sets
 * gp->preempt and its P's preempt and signals the M running gp; if the
 * interrupted pc is in the program's own text (linker.ld delimits runtime
 * and libc text), the handler redirects the goroutine into asyncPreempt
 * (asm/preempt.S). Anywhere else (libc holding a lock, the runtime) it does
 * nothing, and the request is repeated later; a goroutine that parks or
 * hands off first meets the P's flag in schedule() instead. Every handler
 * runs on the M's alternate signal stack.
 */
#include <cpuid.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime.h"

enum { SIGSTACK_SIZE = 64 << 10, PREEMPT_ROOM = 8 << 10 };

void asyncPreempt(void);
hidden void gopreempt_m(g *gp);

/* Read by asm/preempt.S. */
hidden uint64_t gort_xsave_size = 512 + 64;
hidden uint8_t gort_have_xsave;

extern char __executable_start[], etext[];

/* Set once linker.ld's fence around the runtime and libc text is found;
   without it no pc can be told to be the program's. */
static bool fenced;

bool usertext(uintptr_t pc)
{
	if (!fenced)
		return false;
	if (pc < (uintptr_t)__executable_start || pc >= (uintptr_t)etext)
		return false;
	return pc < (uintptr_t)gort_rttext_start || pc >= (uintptr_t)gort_rttext_end;
}

void asyncPreempt2(void) __attribute__((used));
void asyncPreempt2(void)
{
	mcall(gopreempt_m);
}

static void sigurg(int sig, siginfo_t *si, void *ctx)
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
	*(uintptr_t *)sp = pc;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)sp;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)asyncPreempt;
	atomic_store(&gp->preempt, false);
}

static void sigfault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t addr = (uintptr_t)si->si_addr;
	g *gp;
	if (stackguardfault(addr, &gp)) {
		uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
		uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
		uintptr_t bp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
		printstr("runtime: goroutine ");
		printint(gp->goid);
		printstr(" stack exceeds ");
		printint((int64_t)(gp->stackhi - gp->stacklo));
		printstr("-byte limit\nruntime: sp=");
		printhex(sp);
		printstr(" stack=[");
		printhex(gp->stacklo);
		printstr(", ");
		printhex(gp->stackhi);
		printstr("]\n");
		/* Inside libc the stdio locks may be ours: do not flush then. */
		fatalsignal("stack overflow", usertext(pc), pc, sp, bp);
	}
	/* Not ours: die as the program would have without us. A real fault
	   recurs when the instruction runs again; a signal sent by kill or
	   raise does not, so it is sent again (pending until we return). */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | flags;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

/* Asynchronous preemption is only safe if linker.ld fenced the runtime and
   libc text; a program linked some other way gets only the synchronous
   checks (as with GODEBUG=asyncpreemptoff=1). */
static bool rttextfenced(void)
{
	uintptr_t lo = (uintptr_t)gort_rttext_start, hi = (uintptr_t)gort_rttext_end;
	uintptr_t rt[] = { (uintptr_t)mcall, (uintptr_t)asyncPreempt, (uintptr_t)schedule,
		           (uintptr_t)malloc, (uintptr_t)memcpy };
	for (size_t i = 0; i < sizeof rt / sizeof *rt; i++)
		if (rt[i] < lo || rt[i] >= hi)
			return false;
	return true;
}

void signalsinit(void)
{
	fenced = rttextfenced();
	if (!fenced) {
		debug_asyncpreemptoff = 1;
		boottrace("schedinit", "runtime text is not fenced by linker.ld: asynchronous preemption off");
	}
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && __get_cpuid_max(0, 0) >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		if (b >= 512) {
			gort_have_xsave = 1;
			gort_xsave_size = b + 64;
		}
	}
	install(SIGSEGV, sigfault, SA_NODEFER);
	install(SIGBUS, sigfault, SA_NODEFER);
	install(SIGURG, sigurg, SA_RESTART);
}

/* Every M gets its own alternate signal stack (Go's minitSignalStack). */
void minitsignals(m *mp)
{
	void *s = mmap(0, SIGSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		outofmemory(SIGSTACK_SIZE);
	mp->gsignal = s;
	stack_t st = { .ss_sp = s, .ss_size = SIGSTACK_SIZE, .ss_flags = 0 };
	sigaltstack(&st, 0);
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
