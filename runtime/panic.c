/*
 * panic.c: fatal errors in Go's words, with tracebacks (Go's panic.go and
 * traceback.go).
 *
 * throw is for runtime bugs, fatal for unrecoverable misuse by the program
 * ("fatal error: ..."), gopanic for Go's run-time panics ("panic: ..."). All
 * exit with status 2 after a traceback of the failing goroutine; fatal
 * errors (like Go's) also print every other goroutine. A second failure while
 * the first is printing waits for the first to exit the process.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

hidden const char *funcname(uintptr_t pc, uintptr_t *start);
hidden const char *funcfileline(uintptr_t pc, int *line);

void printstr(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		long r = rawsyscall6(SYS_write, 2, (long)s, (long)n, 0, 0, 0);
		if (r == -4 /* EINTR */)
			continue;
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

void printint(int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	*--p = 0;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	printstr(p);
}

void printhex(uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	*--p = 0;
	do
		*--p = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	*--p = 'x';
	*--p = '0';
	printstr(p);
}

/* Go's words for each enum waitreason (Go's waitReasonStrings). */
const char *const waitreasonstrings[waitReasonCount] = {
	[waitReasonZero] = "",
	[waitReasonIOWait] = "IO wait",
	[waitReasonChanReceiveNilChan] = "chan receive (nil chan)",
	[waitReasonChanSendNilChan] = "chan send (nil chan)",
	[waitReasonSelect] = "select",
	[waitReasonSelectNoCases] = "select (no cases)",
	[waitReasonChanReceive] = "chan receive",
	[waitReasonChanSend] = "chan send",
	[waitReasonSemacquire] = "semacquire",
	[waitReasonSleep] = "sleep",
	[waitReasonSyncMutexLock] = "sync.Mutex.Lock",
	[waitReasonSyncWaitGroupWait] = "sync.WaitGroup.Wait",
};

static const char *statusname(g *gp)
{
	switch (readgstatus(gp)) {
	case Grunnable:
		return "runnable";
	case Grunning:
		return "running";
	case Gsyscall:
		return "syscall";
	case Gwaiting:
		if (gp->waitreason > waitReasonZero && gp->waitreason < waitReasonCount)
			return waitreasonstrings[gp->waitreason];
		return "waiting";
	case Gdead:
		return "dead";
	case Gpreempted:
		return "preempted";
	}
	return "???";
}

void goroutineheader(g *gp)
{
	printstr("goroutine ");
	printint(gp->goid);
	printstr(" [");
	printstr(statusname(gp));
	printstr("]:\n");
}

/* Where pc is, in Go's form "\tfile.c:LINE +0xOFF" when the binary has
   line tables (-g); without them the offset in the function and the pc
   itself, for addr2line on an unstripped copy. lookup is the address whose
   line is wanted: a return address less one, so as to name the call. */
static void printpos(const char *name, uintptr_t pc, uintptr_t start, uintptr_t lookup)
{
	int line = 0;
	const char *file = name ? funcfileline(lookup, &line) : 0;
	printstr("\t");
	if (file) {
		printstr(file);
		printstr(":");
		printint(line);
		if (pc > start) {
			printstr(" +");
			printhex(pc - start);
		}
		printstr("\n");
		return;
	}
	if (name) {
		printstr("+");
		printhex(pc - start);
		printstr(" ");
	}
	printstr("pc=");
	printhex(pc);
	printstr("\n");
}

/* A function's name as the program wrote it: gcc names its clones of a
   function name.part.0, name.isra.0, name.constprop.0, name.cold, and no C
   name has a dot. */
void printfuncname(const char *name)
{
	if (!name) {
		printstr("?");
		return;
	}
	size_t n = 0;
	while (name[n] && name[n] != '.')
		n++;
	rawsyscall6(SYS_write, 2, (long)name, (long)n, 0, 0, 0);
}

static void printframe(uintptr_t pc, bool call)
{
	uintptr_t start = 0;
	/* A return address points after the call: look up the call itself. */
	uintptr_t lookup = call ? pc - 1 : pc;
	const char *name = funcname(lookup, &start);
	printfuncname(name);
	printstr("(...)\n");
	printpos(name, pc, start, lookup);
}

/* The GOTRACEBACK level of the report being printed (gotraceback):
   written by the one thread that prints it (startpanic). Below 2 the
   runtime's frames and goroutines are left out, as Go leaves out its own. */
static int32_t tblevel = 1;

/* Go's showframe: below GOTRACEBACK=system a frame of the runtime or libc
   is shown only when the program called it, so that a goroutine waiting
   in gort_chan_recv shows that call and its caller, not chanrecv and
   gopark (Go shows time.Sleep, not runtime.gopark). Without linker.ld's
   fence nothing can be told apart: every frame is shown. */
static bool showframe(uintptr_t pc, uintptr_t callerpc)
{
	return tblevel >= 2 || !textfenced() || usertext(pc) || usertext(callerpc) ||
	       callerpc == (uintptr_t)gostartfn;   /* the goroutine's function, called in tail position */
}

/* Walk gp's frames by frame pointer from (pc, bp); leafret, if not 0, is
   the return address of pc's function, which made no frame of its own,
   and leafbp the frame pointer of the function it returns to. */
static __attribute__((noinline, cold)) void traceback2(g *gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc, uintptr_t leafret,
                       uintptr_t leafbp)
{
	uintptr_t lo = gp->stacklo, hi = gp->stackhi;
	if (!lo || sp < lo || sp > hi) {
		lo = sp;
		hi = sp + (64 << 10);
	}
	bool call = !exactpc;
	for (int n = 0; pc; n++) {
		if (pc == (uintptr_t)gostartfn)
			break;
		if (n == 100) {
			printstr("...additional frames elided...\n");
			break;
		}
		/* The caller's pc and frame, read first: whether this frame is
		   shown depends on who called it. */
		uintptr_t next = 0, nextbp = 0;
		if (leafret) {
			next = leafret;
			nextbp = leafbp;
			leafret = 0;
		} else if (bp >= lo && bp + 16 <= hi && !(bp & 7)) {
			uintptr_t *f = (uintptr_t *)bp;
			if (f[0] > bp) {
				next = f[1];
				nextbp = f[0];
			}
		}
		if (showframe(pc, next))
			printframe(pc, call);
		call = true;
		pc = next;
		bp = nextbp;
	}
	if (gp->gopc && !gp->ismain) {
		printstr("created by ");
		uintptr_t start = 0;
		const char *name = funcname(gp->gopc - 1, &start);
		printfuncname(name);
		printstr("\n");
		printpos(name, gp->gopc, start, gp->gopc - 1);
	}
}

void traceback1(g *gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc)
{
	traceback2(gp, pc, sp, bp, exactpc, 0, 0);
}

/* Could q be a frame of the frame-pointer chain: the caller's frame
   pointer above it and a return address into the executable's text? */
static bool framelike(uintptr_t q, uintptr_t hi)
{
	extern char __executable_start[], etext[];
	if ((q & 7) || q + 16 > hi)
		return false;
	uintptr_t *f = (uintptr_t *)q;
	return f[0] > q && f[0] < hi && f[1] >= (uintptr_t)__executable_start && f[1] < (uintptr_t)etext;
}

/* A signal that lands in libc finds a function built without frame
   pointers, as musl is, which may use rbp for anything: the pc of the
   program's function that called it is only a return address on the
   stack, and its frame pointer is the context's rbp if libc left it
   alone, or one saved on the stack. The first word above sp that points
   into the program's text is taken as the return address (*ret), and
   the frame pointer is the first plausible frame above it. */
static __attribute__((cold)) bool leafreturn(uintptr_t pc, uintptr_t sp, uintptr_t bp, uintptr_t hi, uintptr_t *ret, uintptr_t *retbp)
{
	if (usertext(pc) || runtimetext(pc) || !textfenced() || (sp & 7) || hi < sp)
		return false;
	uintptr_t top = hi - sp > 4096 ? sp + 4096 : hi;
	for (uintptr_t w = sp; w + 8 <= top; w += 8) {
		if (!usertext(*(uintptr_t *)w))
			continue;
		*ret = *(uintptr_t *)w;
		if (bp > w && bp < top && framelike(bp, hi)) {
			*retbp = bp;
			return true;
		}
		for (uintptr_t q = w + 8; q + 16 <= top; q += 8)
			if (framelike(q, hi)) {
				*retbp = q;
				return true;
			}
		*retbp = 0;
		return true;
	}
	return false;
}

/* A switched-out goroutine: its frame pointer and pc are where mcall saved them. */
static void tracebacksaved(g *gp)
{
	uintptr_t *s = (uintptr_t *)gp->sched.sp;
	if (!s) {
		traceback1(gp, 0, 0, 0, false);  /* never ran: only where it was made */
		return;
	}
	traceback1(gp, s[7], gp->sched.sp, s[6], false);
}

/* Where a parked goroutine waits in the program's own code: the first
   frame in its text, walking down from where mcall saved its frame
   pointer; 0 if none (a runtime goroutine, or no fence). For schedtrace,
   while the goroutine may wake and run: the walk stays within its stack
   and stops at anything that does not look like a frame. */
__attribute__((cold)) uintptr_t waitpc(g *gp)
{
	uintptr_t *s = (uintptr_t *)gp->sched.sp;
	uintptr_t lo = gp->stacklo, hi = gp->stackhi;
	if (!s || (uintptr_t)s < lo || (uintptr_t)s + 64 > hi)
		return 0;
	uintptr_t pc = s[7], bp = s[6];
	for (int n = 0; pc && n < 100; n++) {
		if (usertext(pc))
			return pc;
		if (bp < lo || bp + 16 > hi || (bp & 7))
			return 0;
		uintptr_t *f = (uintptr_t *)bp;
		if (f[0] <= bp)
			return 0;
		pc = f[1];
		bp = f[0];
	}
	return 0;
}

__attribute__((cold)) void tracebackothers(g *me)
{
	/* Locking allglock could deadlock if we died holding it; the list is
	   append-only, so reading it unlocked is safe enough while dying. */
	for (g *gp = allgs; gp; gp = gp->alllink) {
		uint32_t s = readgstatus(gp);
		if (gp == me || s == Gdead)
			continue;
		printstr("\n");
		goroutineheader(gp);
		if (s == Grunning || s == Gsyscall)
			printstr("\tgoroutine running on other thread; stack unavailable\n");
		else
			tracebacksaved(gp);
	}
}

/* Set once a thread starts printing a fatal report; any other that fails
   meanwhile waits for it to end the process. dyingtid is the printer. */
static _Atomic int dying;
static _Atomic int dyingtid;

/* Go's startpanic_m: from here this thread prints the report and the
   process dies. The M must not leave this goroutine: with m->locks set
   the libc-shim does the flush's writes as plain blocking calls instead
   of parking, and the preemption signal leaves us alone. Returns false,
   at once, when this thread is already printing one (a fault in the
   report itself): the caller then just dies. */
__attribute__((cold)) bool startpanic(void)
{
	g *me = getg();
	int tid = gettid_();
	if (me && me->m)
		me->m->locks++;
	if (atomic_fetch_add(&dying, 1) > 0) {
		if (atomic_load(&dyingtid) == tid)
			return false;
		for (;;)
			rawsyscall6(SYS_pause, 0, 0, 0, 0, 0, 0);
	}
	atomic_store(&dyingtid, tid);
	return true;
}

/* The goroutines of a report (Go's dopanic_m), as GOTRACEBACK says: gp's
   own from (pc, sp, bp) first (the runtime's stack if gp is a g0: only at
   system or for a runtime bug), then the others. Returns whether
   GOTRACEBACK=crash asks for a core. */
__attribute__((cold)) bool dopanic(g *gp, int throwing, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc)
{
	int32_t level;
	bool all, docrash;
	gotraceback(throwing, &level, &all, &docrash);
	tblevel = level;
	if (level > 0) {
		bool user = gp && gp->m && gp == gp->m->curg;
		if (user) {
			printstr("\n");
			goroutineheader(gp);
			uintptr_t ret = 0, retbp = 0;
			uintptr_t hi = sp >= gp->stacklo && sp < gp->stackhi ? gp->stackhi : sp + (64 << 10);
			if (!exactpc || !leafreturn(pc, sp, bp, hi, &ret, &retbp))
				ret = 0;
			traceback2(gp, pc, sp, bp, exactpc, ret, retbp);
		} else if (gp && (level >= 2 || throwing >= throwTypeRuntime)) {
			printstr("\nruntime stack:\n");
			traceback1(gp, pc, sp, bp, exactpc);
		}
		if (all || !user)
			tracebackothers(user ? gp : 0);
	}
	return docrash;
}

/* Put back sig's default action and unblock it on this thread: the next
   sig kills the process as it would have killed a C program. */
__attribute__((cold)) void sigdefault(int sig)
{
	struct {
		uintptr_t handler;
		unsigned long flags;
		uintptr_t restorer;
		uint64_t mask;
	} sa = { 0 };   /* SIG_DFL: the kernel's own action needs no restorer */
	rawsyscall6(SYS_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
	uint64_t bit = 1ULL << (sig - 1);
	rawsyscall6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&bit, 0, 8, 0, 0);
}

/* Go's dieFromSignal: die by sig, with its default action. */
__attribute__((cold)) void dieFromSignal(int sig)
{
	sigdefault(sig);
	rawsyscall6(SYS_tgkill, rawsyscall6(SYS_getpid, 0, 0, 0, 0, 0, 0), gettid_(), sig, 0, 0, 0);
}

/* Go's crash: GOTRACEBACK=crash ends a report with SIGABRT, for a core
   file where ulimit -c allows; exit 2 should it somehow survive. */
_Noreturn void crash(void)
{
	dieFromSignal(SIGABRT);
	rawsyscall6(SYS_exit_group, 2, 0, 0, 0, 0, 0);
	for (;;)
		;
}

/* Print the message and the tracebacks, then exit 2. */
static _Noreturn void die(const char *note, const char *prefix, const char *s, bool flush, int throwing,
                          uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc)
{
	if (!startpanic())
		rawsyscall6(SYS_exit_group, 2, 0, 0, 0, 0, 0);   /* failed inside our own report */
	if (flush)
		dopanic_flush();
	if (note)
		printstr(note);
	printstr(prefix);
	printstr(s);
	printstr("\n");
	g *me = getg();
	g *curg = me && me->m ? me->m->curg : 0;
	if (dopanic(curg ? curg : me, throwing, pc, sp, bp, exactpc))
		crash();
	rawsyscall6(SYS_exit_group, 2, 0, 0, 0, 0, 0);
	for (;;)
		;
}

#define HERE (uintptr_t)__builtin_return_address(0), (uintptr_t)__builtin_frame_address(0), \
             *(uintptr_t *)__builtin_frame_address(0), false

void throw(const char *s)
{
	die(0, "fatal error: ", s, false, throwTypeRuntime, HERE);
}

/* The scheduler's own frames (checkdead on g0) mean nothing to the user:
   only a goroutine's traceback is printed, as Go does. */
void fatal(const char *s)
{
	die(0, "fatal error: ", s, true, throwTypeUser, HERE);
}

/* Go's words when an allocation the runtime cannot do without fails. */
void outofmemory(size_t n)
{
	char note[96];
	fmt(note, sizeof note, "runtime: out of memory: cannot allocate %zu-byte block\n", n);
	die(note, "fatal error: ", "out of memory", true, throwTypeUser, HERE);
}

/* fatal with lines of explanation before it, printed only by the thread
   that gets to die, so that two failing at once do not interleave. */
void fatalnote(const char *note, const char *s)
{
	die(note, "fatal error: ", s, true, throwTypeUser, HERE);
}

void gopanic(const char *s)
{
	die(0, "panic: ", s, true, throwTypeNone, HERE);
}

/* From the signal handler: the traceback starts at the faulting frame. */
void fatalsignal(const char *s, bool flush, uintptr_t pc, uintptr_t sp, uintptr_t bp)
{
	die(0, "fatal error: ", s, flush, throwTypeUser, pc, sp, bp, true);
}
