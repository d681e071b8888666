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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

hidden const char *funcname(uintptr_t pc, uintptr_t *start);
hidden const char *funcfileline(uintptr_t pc, int *line);
hidden bool stdiobusy(FILE *f);   /* libc-shim/stdio.c: another thread holds f's lock */

static _Atomic int dying;

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

static const char *statusname(g *gp)
{
	switch (readgstatus(gp)) {
	case Gidle:
		return "idle";
	case Grunnable:
		return "runnable";
	case Grunning:
		return "running";
	case Gsyscall:
		return "syscall";
	case Gwaiting:
		return gp->waitreason ? gp->waitreason : "waiting";
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

static void printframe(uintptr_t pc, bool call)
{
	uintptr_t start = 0;
	/* A return address points after the call: look up the call itself. */
	uintptr_t lookup = call ? pc - 1 : pc;
	const char *name = funcname(lookup, &start);
	printstr(name ? name : "?");
	printstr("(...)\n");
	printpos(name, pc, start, lookup);
}

/* Walk gp's frames by frame pointer from (pc, bp). */
void traceback1(g *gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc)
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
		printframe(pc, call);
		call = true;
		if (bp < lo || bp + 16 > hi || (bp & 7))
			break;
		uintptr_t *f = (uintptr_t *)bp;
		pc = f[1];
		if (f[0] <= bp)
			break;
		bp = f[0];
	}
	if (gp->gopc && !gp->ismain) {
		printstr("created by ");
		uintptr_t start = 0;
		const char *name = funcname(gp->gopc - 1, &start);
		printstr(name ? name : "?");
		printstr("\n");
		printpos(name, gp->gopc, start, gp->gopc - 1);
	}
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

void tracebackothers(g *me)
{
	/* Locking allglock could deadlock if we died holding it; the list is
	   append-only, so reading it unlocked is safe enough while dying. */
	for (g *gp = allgs; gp; gp = gp->alllink) {
		uint32_t s = readgstatus(gp);
		if (gp == me || gp->issystem || s == Gdead || s == Gidle)
			continue;
		printstr("\n");
		goroutineheader(gp);
		if (s == Grunning || s == Gsyscall)
			printstr("\tgoroutine running on other thread; stack unavailable\n");
		else
			tracebacksaved(gp);
	}
}

/* Flush a stream unless another holds its lock: the holder may be a
   goroutine that can never run again (it waits for a P that an M, which
   the runtime failed to create, would have given it), and waiting for it
   would hang the dying process. */
static void flushifunlocked(FILE *f)
{
	if (!stdiobusy(f))
		fflush(f);
}

void dopanic_flush(void)
{
	flushifunlocked(stdout);
	flushifunlocked(stderr);
}

/* Print the message and the tracebacks, then exit 2. */
static _Noreturn void die(const char *note, const char *prefix, const char *s, bool flush, bool all,
                          bool runtimestack, uintptr_t pc, uintptr_t sp, uintptr_t bp, bool exactpc)
{
	g *me = getg();
	/* From here the M must not leave this goroutine: with m->locks set the
	   libc-shim does the flush's writes as plain blocking calls instead of
	   parking, and the preemption signal leaves us alone. */
	if (me && me->m)
		me->m->locks++;
	if (atomic_fetch_add(&dying, 1) > 0) {
		/* Somebody else is printing a fatal error: let them finish. */
		for (;;)
			rawsyscall6(SYS_pause, 0, 0, 0, 0, 0, 0);
	}
	if (flush)
		dopanic_flush();
	if (note)
		printstr(note);
	printstr(prefix);
	printstr(s);
	printstr("\n");
	g *curg = me && me->m ? me->m->curg : 0;
	if (curg) {
		printstr("\n");
		goroutineheader(curg);
		traceback1(curg, pc, sp, bp, exactpc);
	} else if (me && runtimestack) {
		printstr("\nruntime stack:\n");
		traceback1(me, pc, sp, bp, exactpc);
	}
	if (all)
		tracebackothers(curg);
	rawsyscall6(SYS_exit_group, 2, 0, 0, 0, 0, 0);
	for (;;)
		;
}

#define HERE (uintptr_t)__builtin_return_address(0), (uintptr_t)__builtin_frame_address(0), \
             *(uintptr_t *)__builtin_frame_address(0), false

void throw(const char *s)
{
	die(0, "fatal error: ", s, false, true, true, HERE);
}

/* The scheduler's own frames (checkdead on g0) mean nothing to the user:
   only a goroutine's traceback is printed, as Go does. */
void fatal(const char *s)
{
	die(0, "fatal error: ", s, true, true, false, HERE);
}

/* Go's words when an allocation the runtime cannot do without fails. */
void outofmemory(size_t n)
{
	char note[96];
	fmt(note, sizeof note, "runtime: out of memory: cannot allocate %zu-byte block\n", n);
	die(note, "fatal error: ", "out of memory", true, true, false, HERE);
}

/* fatal with lines of explanation before it, printed only by the thread
   that gets to die, so that two failing at once do not interleave. */
void fatalnote(const char *note, const char *s)
{
	die(note, "fatal error: ", s, true, true, false, HERE);
}

void gopanic(const char *s)
{
	die(0, "panic: ", s, true, false, false, HERE);
}

/* From the signal handler: the traceback starts at the faulting frame. */
void fatalsignal(const char *s, bool flush, uintptr_t pc, uintptr_t sp, uintptr_t bp)
{
	die(0, "fatal error: ", s, flush, true, true, pc, sp, bp, true);
}
