/*
 * signal.c: the signals the runtime itself uses (Go's signal_unix.go).
 *
 * SIGSEGV/SIGBUS: a fault in the guard region below a goroutine's stack is a
 * stack overflow and dies with Go's message. Once the program has started a
 * goroutine, any other fault, and SIGFPE and SIGILL, print Go's report and
 * every goroutine (sigfault); then, and always before the first go(), the
 * handler puts back the default action and returns, so the faulting
 * instruction runs again and the process dies by the signal exactly as an
 * ordinary C program would (status, core file).
 *
 * SIGQUIT: from the first go() on, dumps every goroutine and exits 2, as
 * Go does (sigquit). Until then a program is an ordinary C program and
 * SIGQUIT keeps C's default action.
 *
 * For the signals it reports, the runtime's handler is the program's
 * SIG_DFL: the libc-shim's sigaction (libc-shim/sigaction.c) shows SIG_DFL
 * while it is in place, gives the runtime the signal back when the
 * program sets SIG_DFL, and gives it up for a handler or SIG_IGN of the
 * program's. A signal ignored from the start (an inherited SIG_IGN) or
 * handled before the first go() stays the program's.
 *
 * SIGURG: asynchronous preemption, from the first go() on (main alone is
 * never preempted; sigfirstgo). sysmon (or stop-the-world) sets
 * gp->preempt and its P's preempt and signals the M running gp; if the
 * interrupted pc is in the program's own text (linker.ld delimits runtime
 * and libc text), the handler redirects the goroutine into asyncPreempt
 * (asm/preempt.S). Anywhere else (libc holding a lock, the runtime) it does
 * nothing, and the request is repeated later; a goroutine that parks or
 * hands off first meets the P's flag in schedule() instead. Every handler
 * runs on the M's alternate signal stack.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime.h"

enum { SIGSTACK_SIZE = 64 << 10 };

extern char __executable_start[], etext[];
/* linker.ld: where libc's text starts, after the runtime's. */
extern char gort_libctext_start[];

/* preempt.c: the preemption signal's handler; asm/preempt.S: where it
   sends a goroutine. */
hidden void sigurg(int sig, siginfo_t *si, void *ctx);
void asyncPreempt(void);

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

bool textfenced(void)
{
	return fenced;
}

/* Is pc in gort's own runtime (not libc's text, nor the program's)? */
bool runtimetext(uintptr_t pc)
{
	return fenced && pc >= (uintptr_t)gort_rttext_start && pc < (uintptr_t)gort_libctext_start;
}

#define SIGBIT(s) (1ULL << ((s) - 1))

/* Go's names for the signals it reports (Go's sigtable). */
static const char *signame(int sig)
{
	switch (sig) {
	case SIGQUIT:
		return "SIGQUIT: quit";
	case SIGILL:
		return "SIGILL: illegal instruction";
	case SIGBUS:
		return "SIGBUS: bus error";
	case SIGFPE:
		return "SIGFPE: floating-point exception";
	case SIGSEGV:
		return "SIGSEGV: segmentation violation";
	}
	return "signal";
}

/* Go's dumpregs, for GOTRACEBACK=system and crash. */
static __attribute__((cold)) void dumpregs(ucontext_t *uc)
{
	/* Go's order; each name padded to 7 columns. */
	static const char names[] = "rax    rbx    rcx    rdx    rdi    rsi    rbp    rsp    r8     r9     "
	                            "r10    r11    r12    r13    r14    r15    rip    rflags ";
	static const uint8_t regs[] = { REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RDI, REG_RSI,
		                        REG_RBP, REG_RSP, REG_R8,  REG_R9,  REG_R10, REG_R11,
		                        REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP, REG_EFL };
	for (size_t i = 0; i < sizeof regs; i++) {
		char name[8];
		memcpy(name, names + 7 * i, 7);
		name[7] = 0;
		printstr(name);
		printhex((uint64_t)uc->uc_mcontext.gregs[regs[i]]);
		printstr("\n");
	}
	uint64_t csgsfs = (uint64_t)uc->uc_mcontext.gregs[REG_CSGSFS];
	printstr("cs     ");
	printhex(csgsfs & 0xffff);
	printstr("\nfs     ");
	printhex((csgsfs >> 32) & 0xffff);
	printstr("\ngs     ");
	printhex((csgsfs >> 16) & 0xffff);
	printstr("\n");
}

/* The goroutines, and at system level the registers, of a signal's report:
   the interrupted goroutine from the signal's context first. Returns
   whether GOTRACEBACK=crash asks for a core. */
static __attribute__((cold)) bool sigtraceback(int throwing, ucontext_t *uc)
{
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	uintptr_t bp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	bool docrash = dopanic(getg(), throwing, pc, sp, bp, true);
	int32_t level;
	bool all, c;
	gotraceback(throwing, &level, &all, &c);
	if (level >= 2) {
		printstr("\n");
		dumpregs(uc);
	}
	return docrash;
}

/* Go's sighandler for a signal that throws (SIGQUIT, SIGILL, a fault sent
   by kill): its name, where it landed, then the goroutines. The C
   library's buffers are flushed first only when the signal interrupted
   the program's own code: inside libc the stdio locks may be ours. */
static __attribute__((cold)) bool sigthrow(int sig, siginfo_t *si, ucontext_t *uc)
{
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if (usertext(pc))
		dopanic_flush();
	g *gp = getg();
	printstr(signame(sig));
	printstr("\nPC=");
	printhex(pc);
	printstr(" m=");
	printint(gp && gp->m ? gp->m->id : -1);
	printstr(" sigcode=");
	printint(si->si_code);
	printstr("\n");
	if (sig == SIGILL || sig == SIGFPE) {
		/* As Go: 16 bytes, but never past the page the pc is on. */
		size_t n = 16, left = physpagesize - pc % physpagesize;
		if (n > left)
			n = left;
		printstr("instruction bytes:");
		for (size_t i = 0; i < n; i++) {
			printstr(" ");
			printhex(((const uint8_t *)pc)[i]);
		}
		printstr("\n");
	}
	return sigtraceback(throwTypeUser, uc);
}

/* SIGQUIT once goroutines exist: every goroutine, then exit 2 (Go's
   sighandler), or SIGABRT under GOTRACEBACK=crash. */
static __attribute__((cold)) void sigquit(int sig, siginfo_t *si, void *ctx)
{
	if (!startpanic())
		return;
	if (sigthrow(sig, si, ctx))
		crash();
	rawsyscall6(SYS_exit_group, 2, 0, 0, 0, 0, 0);
}

/* Go's report of a fault in the program (Go's sigpanic and dopanic_m): a
   nil pointer, a wild address, a division, in Go's words; in the runtime,
   "unexpected signal during runtime execution". Every goroutine follows,
   as for a fatal error: the process dies of it, nothing recovers. */
static __attribute__((cold)) void sigpanic(int sig, siginfo_t *si, ucontext_t *uc)
{
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t addr = (uintptr_t)si->si_addr;
	bool rt = runtimetext(pc);
	if (usertext(pc))
		dopanic_flush();
	if (rt)
		printstr("fatal error: unexpected signal during runtime execution\n");
	else if (sig == SIGFPE)
		printstr(si->si_code == FPE_INTDIV   ? "panic: runtime error: integer divide by zero\n"
		         : si->si_code == FPE_INTOVF ? "panic: runtime error: integer overflow\n"
		                                     : "panic: runtime error: floating point error\n");
	else if (addr < 0x1000)
		printstr("panic: runtime error: invalid memory address or nil pointer dereference\n");
	else {
		printstr("unexpected fault address ");
		printhex(addr);
		printstr("\nfatal error: fault\n");
	}
	printstr("[signal ");
	printstr(signame(sig));
	printstr(" code=");
	printhex((uint64_t)(int64_t)si->si_code);
	printstr(" addr=");
	printhex(addr);
	printstr(" pc=");
	printhex(pc);
	printstr("]\n");
	sigtraceback(rt ? throwTypeRuntime : throwTypeUser, uc);
}

static __attribute__((cold)) void sigfault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t addr = (uintptr_t)si->si_addr;
	g *gp;
	if ((sig == SIGSEGV || sig == SIGBUS) && stackguardfault(addr, &gp)) {
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
		stackoverflowhint(gp);
		/* Inside libc the stdio locks may be ours: do not flush then. */
		fatalsignal("stack overflow", usertext(pc), pc, sp, bp);
	}
	/* A real fault comes from the kernel (si_code > 0); kill and raise
	   send the others, which Go reports as it reports SIGQUIT. A fault
	   inside our own report (startpanic false) just dies. */
	bool fault = si->si_code > 0;
	if (!mainalone() && startpanic()) {
		if (fault && sig != SIGILL)
			sigpanic(sig, si, uc);
		else
			sigthrow(sig, si, uc);
	}
	/* Die as the program would have without us. A real fault recurs when
	   the instruction runs again; a signal sent by kill or raise does not,
	   so it is sent again. */
	if (fault)
		sigdefault(sig);
	else
		dieFromSignal(sig);
}

/* The signals the runtime reports (sigwanted: SIG_DFL of these is its
   report), and those its handler is in place for (sighandled). Both
   change only by atomic bit operations: the libc-shim's sigaction reads
   and writes them from any thread. */
static _Atomic uint64_t sigwanted = SIGBIT(SIGSEGV) | SIGBIT(SIGBUS);
static _Atomic uint64_t sighandled;

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | flags;
	sigfillset(&sa.sa_mask);
	rtsigaction(sig, &sa, 0);
}

bool sigreported(int sig)
{
	return sig > 0 && sig <= 64 && (atomic_load(&sigwanted) & SIGBIT(sig));
}

bool sigruntime(int sig)
{
	return sig > 0 && sig <= 64 && (atomic_load(&sighandled) & SIGBIT(sig));
}

/* The runtime's handler for a signal it reports. Faults may come while a
   report is printed, a stack overflow in a handler: no deferral. */
void siginstall(int sig)
{
	if (sig == SIGQUIT)
		install(sig, sigquit, 0);
	else
		install(sig, sigfault, SA_NODEFER);
	atomic_fetch_or(&sighandled, SIGBIT(sig));
}

/* The program set its own disposition for sig. */
void sigrelease(int sig)
{
	atomic_fetch_and(&sighandled, ~SIGBIT(sig));
}

/* Did the program set SIGURG's disposition itself (sigaction, before
   the first go())? Then preemption is its loss, as when it does so
   later: its choice stays. */
static _Atomic bool urgprogram;

void sigurgprogram(void)
{
	atomic_store(&urgprogram, true);
}

/* The program's first go(): from now on SIGQUIT dumps the goroutines and
   SIGFPE and SIGILL are reported, unless the program has its own
   disposition for them (a handler, or SIG_IGN since it started). Main
   alone is never preempted, so the preemption handler and what it needs
   to know of the CPU (preemptinit: CPUID, which traps to the hypervisor
   in a virtual machine) wait until now too. */
__attribute__((cold)) void sigfirstgo(void)
{
	static const int sigs[] = { SIGQUIT, SIGFPE, SIGILL };
	if (!atomic_load(&urgprogram)) {
		preemptinit();
		install(SIGURG, sigurg, SA_RESTART);
	}
	atomic_fetch_or(&sigwanted, SIGBIT(SIGQUIT) | SIGBIT(SIGFPE) | SIGBIT(SIGILL));
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction cur;
		if (rtsigaction(sigs[i], 0, &cur) == 0 && cur.sa_handler == SIG_DFL)
			siginstall(sigs[i]);
	}
}

/*
 * The program's signal mask. A C program expects one thread, whose mask is
 * the process's, to take its signals: `alarm(1); pause();` must wake, a
 * signal blocked for sigwait must stay pending, a handler must cut short
 * the read it is blocked in. Its goroutines run on many Ms, so the mask a
 * goroutine sets is kept here, one for the program, and every M running
 * goroutines applies it (at start, and in execute() when it changed). Every
 * other thread of the runtime (idle Ms, the one blocked in the poller,
 * sysmon) blocks all the signals the program may catch, so the kernel
 * hands a process signal to a thread doing the program's work: the one in
 * pause() or read() when there is only one. When there is none (every
 * goroutine parked), the signal stays pending. The last M to stop taking
 * signals looks for such a signal and takes it itself (sigmaskidle), and
 * the poller watches a signalfd for one that comes later and, if still no
 * M has the program's mask, takes it (sigpendingwake): a handler still
 * runs at once, and never on the poller when a goroutine's thread could
 * have taken the signal.
 */
/* Never blocked on an M, whatever the program asks: preemption, faults
   (a stack overflow must be reported), and musl's thread-directed 32-34. */
static const uint64_t keepopen = SIGBIT(SIGURG) | SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGFPE) |
                                 SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGSYS) | SIGBIT(32) |
                                 SIGBIT(33) | SIGBIT(34);
static const uint64_t sigidlemask = ~keepopen;

static mutex sigmasklock;
static _Atomic uint64_t usersigmask;  /* the program's view, changed under sigmasklock */
_Atomic uint32_t sigmaskgen = 1;      /* bumped by each change; never 0 */
static _Atomic int32_t nmprogmask;    /* Ms with the program's mask (m->sigmaskgen != 0) */
static int sigfd = -1;                /* a signal was sent (edge-triggered in the poller) */

static void setthreadmask(uint64_t mask)
{
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&mask, 0, sizeof mask, 0, 0);
}

/* The mask the thread has at start-up is the program's to begin with. */
static void sigmaskinit(void)
{
	uint64_t cur = 0;
	rawsyscall6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&cur, sizeof cur, 0, 0);
	atomic_store(&usersigmask, cur & ~(SIGBIT(32) | SIGBIT(33) | SIGBIT(34)));
}

/* Without sigmasklock: a signal the new mask lets in is handled as the
   system call returns, and its handler may change the mask itself. A
   change that came meanwhile (the generation moved) is applied again. */
void sigmaskapply1(m *mp)
{
	if (mp->sigmaskgen == 0)
		atomic_fetch_add(&nmprogmask, 1);
	uint32_t gen;
	do {
		gen = atomic_load(&sigmaskgen);
		setthreadmask(atomic_load(&usersigmask) & ~keepopen);
		mp->sigmaskgen = gen;
	} while (atomic_load(&sigmaskgen) != gen);
}

/* Open the program's mask for a moment: the kernel runs the handlers of
   the signals waiting for a thread as the system call returns. */
static void sigdeliver(void)
{
	uint64_t open = atomic_load(&usersigmask) & ~keepopen, old = 0;
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&open, (long)&old, sizeof open, 0, 0);
	rawsyscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, sizeof old, 0, 0);
}

/* Does a signal the program would take wait for a thread, with no M
   left to take it? (The blocked pending set includes the process's.) */
static bool sigstranded(void)
{
	if (atomic_load(&nmprogmask) > 0)
		return false;
	uint64_t pend = 0;
	rawsyscall6(SYS_rt_sigpending, (long)&pend, sizeof pend, 0, 0, 0, 0);
	return (pend & ~atomic_load(&usersigmask) & ~keepopen) != 0;
}

/* A no-op on an M already idle (sigmaskgen 0): its mask is set, and it
   looked for stranded signals when it gave the program's mask up. */
void sigmaskidle(m *mp)
{
	if (mp->sigmaskgen == 0)
		return;
	setthreadmask(sigidlemask);
	atomic_fetch_sub(&nmprogmask, 1);
	mp->sigmaskgen = 0;
	if (sigstranded())
		sigdeliver();
}

/* The signalfd watches the signals the program has not blocked: pending
   ones of those mean no thread could take them. sigmasklock held. */
static void sigfdset(void)
{
	uint64_t mask = ~keepopen & ~atomic_load(&usersigmask);
	rawsyscall6(SYS_signalfd4, sigfd, (long)&mask, sizeof mask, 0, 0, 0);
}

/* For the poller (netpoll_epoll.c), once: -1 if the kernel refuses, and
   then a signal no thread can take waits for the next goroutine to run. */
int sigpendingfd(void)
{
	lock(&sigmasklock);
	uint64_t mask = ~keepopen & ~atomic_load(&usersigmask);
	long fd = rawsyscall6(SYS_signalfd4, -1, (long)&mask, sizeof mask, SFD_NONBLOCK | SFD_CLOEXEC, 0, 0);
	sigfd = fd < 0 ? -1 : (int)fd;
	unlock(&sigmasklock);
	return sigfd;
}

/* The signalfd saw a signal sent: if no M can take it, take it here.
   Never read from the signalfd: that would take the signal without
   running its handler. */
void sigpendingwake(void)
{
	if (sigstranded())
		sigdeliver();
}

/* pthread_sigmask for a goroutine (libc-shim/sigmask.c): the program's
   mask changes for all its goroutines, on this M at once and on the
   others when they next schedule. */
int sigmaskset(int how, const uint64_t *set, uint64_t *old)
{
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	if (!set) {
		if (old)
			*old = atomic_load(&usersigmask);
		return 0;
	}
	/* No handler may run on this thread while it holds sigmasklock: one
	   that calls sigprocmask (POSIX lets it) would wait for the lock for
	   ever. The thread's mask is set once the lock is let go. */
	uint64_t none = sigidlemask;
	rawsyscall6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&none, 0, sizeof none, 0, 0);
	lock(&sigmasklock);
	uint64_t cur = atomic_load(&usersigmask);
	if (old)
		*old = cur;
	uint64_t s = *set & ~(SIGBIT(32) | SIGBIT(33) | SIGBIT(34));
	if (how == SIG_BLOCK)
		cur |= s;
	else if (how == SIG_UNBLOCK)
		cur &= ~s;
	else
		cur = s;
	atomic_store(&usersigmask, cur);
	uint32_t gen = atomic_load(&sigmaskgen) + 1;
	if (gen == 0)
		gen = 1;
	atomic_store(&sigmaskgen, gen);
	if (sigfd >= 0)
		sigfdset();
	unlock(&sigmasklock);
	sigmaskapply1(getg()->m);
	return 0;
}

/* Asynchronous preemption is only safe if linker.ld fenced the runtime and
   libc text; a program linked some other way gets only the synchronous
   checks (as with GODEBUG=asyncpreemptoff=1). */
static bool rttextfenced(void)
{
	uintptr_t lo = (uintptr_t)gort_rttext_start, hi = (uintptr_t)gort_rttext_end;
	uintptr_t rt[] = { (uintptr_t)mcall, (uintptr_t)asyncPreempt, (uintptr_t)schedule,
		           (uintptr_t)memcpy };
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
	siginstall(SIGSEGV);
	siginstall(SIGBUS);
	sigmaskinit();
	m0.sigmaskgen = atomic_load(&sigmaskgen);
	atomic_store(&nmprogmask, 1);
}

/* m0's is static (bigbss), so that start-up maps nothing for it; the
   kernel commits its pages only if a signal comes. */
static char m0sigstack[SIGSTACK_SIZE] bigbss __attribute__((aligned(16)));

/* Every M gets its own alternate signal stack (Go's minitSignalStack). */
void minitsignals(m *mp)
{
	void *s = m0sigstack;
	if (mp != &m0)
		s = mmap(0, SIGSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		outofmemory(SIGSTACK_SIZE);
	mp->gsignal = s;
	vgstackregister((uintptr_t)s, (uintptr_t)s + SIGSTACK_SIZE);
	stack_t st = { .ss_sp = s, .ss_size = SIGSTACK_SIZE, .ss_flags = 0 };
	sigaltstack(&st, 0);
}

