/*
 * trace.c: GODEBUG settings and what they print (Go's runtime1.go
 * parsedebugvars and proc.go schedtrace), plus gort's own boottrace.
 *
 * GODEBUG is read from the initial stack's envp in rt0_go, before musl is
 * initialised, so everything here before that point uses raw writes and
 * touches no thread-local state.
 */
#include <stdarg.h>
#include <string.h>

#include "runtime.h"

hidden const char *funcname(uintptr_t pc, uintptr_t *start);  /* symtab.c */

int32_t debug_schedtrace;
int32_t debug_scheddetail;
int32_t debug_boottrace;
int32_t debug_asyncpreemptoff;
int32_t debug_nofsgsbase;   /* switch thread pointers with arch_prctl, as without FSGSBASE */
int32_t debug_gotls = -1;    /* 1, 0: goroutines get thread control blocks of their own, or not */
int32_t debug_stackfallback; /* stack guards and commits as on a kernel before 6.13 */

static int64_t boottrace_t0;
static int64_t boottrace_last;

const char *gogetenv(const char *name)
{
	size_t n = strlen(name);
	for (char **e = envp_; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return 0;
}

static int32_t atoi32(const char *s, size_t n)
{
	int64_t v = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > 0x7fffffff)
			return -1;
	}
	return (int32_t)v;
}

/* GOTRACEBACK, as Go keeps it: the level above tracebackShift, and the
   all and crash bits. Written once, by parsedebugvars at start-up. */
enum { tracebackCrash = 1, tracebackAll = 2, tracebackShift = 2 };
static uint32_t traceback_cache = 1 << tracebackShift;

/* none, single (the default, and the empty string), all, system, crash;
   anything else means all goroutines at the level it reads as a number,
   0 when it is none: so 0, 1 and 2 are none, all and system, and a bad
   value prints no goroutines, as in Go. */
__attribute__((cold)) void settraceback(const char *s)
{
	uint32_t t;
	if (!s || !*s || strcmp(s, "single") == 0)
		t = 1 << tracebackShift;
	else if (strcmp(s, "none") == 0)
		t = 0;
	else if (strcmp(s, "all") == 0)
		t = 1 << tracebackShift | tracebackAll;
	else if (strcmp(s, "system") == 0)
		t = 2 << tracebackShift | tracebackAll;
	else if (strcmp(s, "crash") == 0)
		t = 2 << tracebackShift | tracebackAll | tracebackCrash;
	else {
		t = tracebackAll;
		int32_t n = atoi32(s, strlen(s));
		if (n >= 0)
			t |= (uint32_t)n << tracebackShift;
	}
	traceback_cache = t;
}

void gotraceback(int throwing, int32_t *level, bool *all, bool *crash)
{
	uint32_t t = traceback_cache;
	*crash = t & tracebackCrash;
	*all = throwing >= throwTypeUser || (t & tracebackAll);
	*level = throwing >= throwTypeRuntime ? 2 : (int32_t)(t >> tracebackShift);
}

/* GODEBUG=name=val,name=val: unknown names and bad values are ignored. */
void parsedebugvars(char **envp)
{
	envp_ = envp;
	const char *s = gogetenv("GODEBUG");
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		if (eq) {
			size_t klen = (size_t)(eq - s);
			int32_t v = atoi32(eq + 1, len - klen - 1);
			if (v >= 0) {
				if (klen == 10 && strncmp(s, "schedtrace", 10) == 0)
					debug_schedtrace = v;
				else if (klen == 11 && strncmp(s, "scheddetail", 11) == 0)
					debug_scheddetail = v;
				else if (klen == 9 && strncmp(s, "boottrace", 9) == 0)
					debug_boottrace = v;
				else if (klen == 15 && strncmp(s, "asyncpreemptoff", 15) == 0)
					debug_asyncpreemptoff = v;
				else if (klen == 10 && strncmp(s, "nofsgsbase", 10) == 0)
					debug_nofsgsbase = v;
				else if (klen == 5 && strncmp(s, "gotls", 5) == 0)
					debug_gotls = v > 0;
				else if (klen == 13 && strncmp(s, "stackfallback", 13) == 0)
					debug_stackfallback = v;
			}
		}
		s = end ? end + 1 : 0;
	}	settraceback(gogetenv("GOTRACEBACK"));
}

void boottrace(const char *step, const char *fmt_, ...)
{
	if (!debug_boottrace)
		return;
	int64_t now = nanotime_raw();
	if (!boottrace_t0)
		boottrace_t0 = boottrace_last = now;
	char head[128], buf[512];
	fmt(head, sizeof head, "boot %7luus (+%6luus) %s: ", (unsigned long)((now - boottrace_t0) / 1000),
	    (unsigned long)((now - boottrace_last) / 1000), step);
	boottrace_last = now;
	va_list ap;
	va_start(ap, fmt_);
	vfmt(buf, sizeof buf, fmt_, ap);
	va_end(ap);
	printstr(head);
	printstr(buf);
	printstr("\n");
}

/* One SCHED line in Go's format; with detail, P, M and G lines too. */
void schedtrace(bool detailed)
{
	char buf[256];
	int64_t now = nanotime();
	lock(&sched.lock);
	int32_t nthreads = (int32_t)sched.mnext;
	fmt(buf, sizeof buf,
	         "SCHED %ldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d idlethreads=%d runqueue=%d",
	         (long)((now - runtimeInitTime) / 1000000), gomaxprocs, atomic_load(&sched.npidle), nthreads,
	         atomic_load(&sched.nmspinning), sched.nmidle, sched.runqsize);
	printstr(buf);
	if (detailed) {
		fmt(buf, sizeof buf, " gcwaiting=%u nmidlelocked=0 stopwait=%d sysmonwait=%u\n",
		         atomic_load(&sched.gcwaiting), sched.stopwait, atomic_load(&sched.sysmonwait));
		printstr(buf);
	}
	for (int32_t i = 0; i < gomaxprocs; i++) {
		p *pp = allp[i];
		uint32_t n = runqlen(pp);
		if (detailed) {
			m *mp = pp->m;
			fmt(buf, sizeof buf,
			         "  P%d: status=%u schedtick=%u syscalltick=%u m=%ld runqsize=%u gfreecnt=%d timerslen=%d\n",
			         i, atomic_load(&pp->status), pp->schedtick, atomic_load(&pp->syscalltick),
			         mp ? (long)mp->id : -1L, n, pp->gfreecnt, pp->ntimers);
		} else {
			fmt(buf, sizeof buf, "%s%u%s", i == 0 ? " [" : " ", n,
			         i == gomaxprocs - 1 ? "]\n" : "");
		}
		printstr(buf);
	}
	if (!detailed) {
		unlock(&sched.lock);
		return;
	}
	for (m *mp = allm; mp; mp = mp->alllink) {
		p *pp = mp->p;
		g *curg = mp->curg;
		fmt(buf, sizeof buf,
		         "  M%ld: p=%d curg=%ld mallocing=0 throwing=0 preemptoff= locks=%d dying=0 spinning=%s blocked=%s lockedg=%ld\n",
		         (long)mp->id, pp ? pp->id : -1, curg ? (long)curg->goid : -1L, mp->locks,
		         mp->spinning ? "true" : "false", mp->blocked ? "true" : "false",
		         mp->lockedg ? (long)mp->lockedg->goid : -1L);
		printstr(buf);
	}
	lock(&allglock);
	for (g *gp = allgs; gp; gp = gp->alllink) {
		uint32_t s = readgstatus(gp);
		if (s == Gdead)
			continue;
		m *mp = gp->m;
		uint8_t wr = gp->waitreason;
		fmt(buf, sizeof buf, "  G%ld: status=%u(%s) m=%ld lockedm=%ld", (long)gp->goid, s,
		         s == Gwaiting && wr < waitReasonCount ? waitreasonstrings[wr] : "",
		         mp ? (long)mp->id : -1L, gp->lockedm ? (long)gp->lockedm->id : -1L);
		printstr(buf);
		/* gort's addition to Go's line: where a parked goroutine waits,
		   its first frame in the program's own code. */
		uintptr_t pc = s == Gwaiting ? waitpc(gp) : 0, start = 0;
		const char *name = pc ? funcname(pc - 1, &start) : 0;
		if (name) {
			printstr(" waiting in ");
			printfuncname(name);
		}
		printstr("\n");
	}
	unlock(&allglock);
	unlock(&sched.lock);
}
