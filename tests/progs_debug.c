/*
 * progs_debug.c: whole programs for seeing inside a running program
 * (docs/debugging.md): SIGQUIT's goroutine dump, GOTRACEBACK, crash
 * reports, scheddetail's wait reasons. The program, tests/prog/debug_dump.c,
 * waits until its goroutines have parked before it goes on.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 60.0

#define expect_err(r, s) cr_expect(strstr((r).err, (s)), "stderr lacks \"%s\":\n%s", (s), (r).err)
#define expect_no_err(r, s) cr_expect(!strstr((r).err, (s)), "stderr has \"%s\":\n%s", (s), (r).err)

/* A goroutine whose header says [reason] names fn in its traceback
   (before the next goroutine's header). */
static void expect_goroutine(const struct run *r, const char *reason, const char *fn)
{
	char head[128], call[128];
	snprintf(head, sizeof head, " [%s]:\n", reason);
	snprintf(call, sizeof call, "\n%s", fn);
	for (const char *h = strstr(r->err, head); h; h = strstr(h + 1, head)) {
		const char *end = strstr(h, "\ngoroutine ");
		/* fn( or a part of it the compiler split off: fn.cold( */
		for (const char *f = strstr(h, call); f && (!end || f < end); f = strstr(f + 1, call)) {
			char c = f[strlen(call)];
			if (c == '(' || c == '.')
				return;
		}
	}
	cr_expect(0, "no goroutine [%s] shows %s:\n%s", reason, fn, r->err);
}

/* The eight parked goroutines, each with its wait reason, the call it
   waits in and the program's function that made it. */
static void expect_parked(const struct run *r)
{
	static const char *const waits[][3] = {
		{ "chan receive", "gort_chan_recv", "waitrecv" },
		{ "chan send", 0, "waitsend" },
		{ "sleep", "gort_sleep", "waitsleep" },
		{ "sync.Mutex.Lock", "gort_mutex_lock", "waitmutex" },
		{ "IO wait", "read", "waitpipe" },
		{ "select", "gort_select", "waitselect" },
		{ "select (no cases)", "gort_select", "waitnocases" },
		{ "sync.WaitGroup.Wait", "gort_wg_wait", "waitwg" },
	};
	for (size_t i = 0; i < sizeof waits / sizeof *waits; i++) {
		if (waits[i][1])
			expect_goroutine(r, waits[i][0], waits[i][1]);
		expect_goroutine(r, waits[i][0], waits[i][2]);
	}
	expect_err(*r, "created by startall\n");
}

static struct run run_dump(const char *mode, const char *traceback, int procs)
{
	const char *args[] = { mode, NULL };
	char env0[64];
	snprintf(env0, sizeof env0, "GOTRACEBACK=%s", traceback ? traceback : "");
	const char *env[] = { env0, NULL };
	return run_prog("debug_dump", args, traceback ? env : NULL, procs, LIMIT);
}

Test(debug, sigquit_dumps_every_goroutine)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_dump("quit", 0, test_procs[i]);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s%s", test_procs[i], r.status, r.out, r.err);
		cr_expect(strncmp(r.err, "SIGQUIT: quit\nPC=0x", 19) == 0, "first line:\n%s", r.err);
		expect_err(r, "\n\ngoroutine 1 [running]:\n");
		expect_goroutine(&r, "running", "main");   /* past raise, built without frame pointers */
		expect_parked(&r);
		expect_no_err(r, "chanrecv(");   /* the runtime's frames are left out */
		expect_no_err(r, "\nrax ");
		cr_expect(!strstr(r.out, "not reached"), "%s", r.out);
		run_free(&r);
	}
}

Test(debug, sigquit_taken_by_a_thread_of_the_programs_own)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_dump("quit-thread", 0, test_procs[i]);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s%s", test_procs[i], r.status, r.out, r.err);
		expect_err(r, "SIGQUIT: quit\nPC=0x");
		expect_err(r, "\n\ngoroutine 1 [chan receive]:\ngort_chan_recv(");
		expect_goroutine(&r, "chan receive", "main");
		expect_parked(&r);
		run_free(&r);
	}
}

Test(debug, gotraceback_levels)
{
	static const struct {
		const char *value;
		int status;
		bool goroutines, system;
	} cases[] = {
		{ "none", 2, false, false },
		{ "0", 2, false, false },
		{ "single", 2, true, false },
		{ "1", 2, true, false },
		{ "all", 2, true, false },
		{ "system", 2, true, true },
		{ "2", 2, true, true },
		{ "crash", 128 + SIGABRT, true, true },
		{ "nonsense", 2, false, false },   /* as Go: level 0 */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		for (int i = 0; i < 3; i += 2) {
			struct run r = run_dump("quit", cases[c].value, test_procs[i]);
			cr_expect_eq(r.status, cases[c].status, "GOTRACEBACK=%s GOMAXPROCS=%d status %d\n%s",
			             cases[c].value, test_procs[i], r.status, r.err);
			expect_err(r, "SIGQUIT: quit\nPC=0x");
			cr_expect_eq(strstr(r.err, "\ngoroutine ") != 0, cases[c].goroutines, "GOTRACEBACK=%s:\n%s",
			             cases[c].value, r.err);
			if (cases[c].goroutines)
				expect_parked(&r);
			/* system: the runtime's frames, and the registers */
			cr_expect_eq(strstr(r.err, "\nchanrecv(") != 0, cases[c].system, "GOTRACEBACK=%s:\n%s",
			             cases[c].value, r.err);
			cr_expect_eq(strstr(r.err, "\nrip    0x") != 0, cases[c].system, "GOTRACEBACK=%s:\n%s",
			             cases[c].value, r.err);
			run_free(&r);
		}
	}
}

Test(debug, gotraceback_for_fatal_errors)
{
	const char *args[] = { "deadlock_recv", NULL };
	const char *none[] = { "GOTRACEBACK=none", NULL };
	const char *crash[] = { "GOTRACEBACK=crash", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("chan_fatal", args, none, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "status %d\n%s", r.status, r.err);
		cr_expect_str_eq(r.err, "fatal error: all goroutines are asleep - deadlock!\n");
		run_free(&r);
		r = run_prog("chan_fatal", args, crash, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 128 + SIGABRT, "status %d\n%s", r.status, r.err);
		/* system level: the scheduler's own stack first, as Go's */
		expect_err(r, "fatal error: all goroutines are asleep - deadlock!\n\nruntime stack:\ncheckdead(");
		expect_err(r, "\n\ngoroutine 1 [chan receive]:\nchanrecv(");
		run_free(&r);
	}
}

/* Modes where the program keeps a signal for itself (or has no goroutine
   yet): exactly this status and stdout, and nothing from the runtime. */
struct kept {
	const char *mode;
	int status;
	const char *out;
};

static void run_kept(const struct kept *cases, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		for (int i = 0; i < 3; i++) {
			struct run r = run_dump(cases[c].mode, 0, test_procs[i]);
			cr_expect_eq(r.status, cases[c].status, "%s GOMAXPROCS=%d status %d\n%s%s", cases[c].mode,
			             test_procs[i], r.status, r.out, r.err);
			cr_expect_str_eq(r.out, cases[c].out, "%s", cases[c].mode);
			cr_expect_str_empty(r.err, "%s: %s", cases[c].mode, r.err);
			run_free(&r);
		}
	}
}

Test(debug, sigquit_stays_the_programs)
{
	static const struct kept cases[] = {
		{ "handler", 0, "all parked\nquery: SIG_DFL\nhandler ran: 1\n" },
		{ "ignored", 0, "all parked\nSIGQUIT ignored\n" },
		{ "nogo", 128 + SIGQUIT, "" },
	};
	run_kept(cases, sizeof cases / sizeof *cases);
	/* SIG_DFL set by the program is the runtime's dump again. */
	struct run r = run_dump("dfl", 0, 2);
	cr_expect_eq(r.status, 2, "status %d\n%s%s", r.status, r.out, r.err);
	expect_err(r, "SIGQUIT: quit\n");
	run_free(&r);
}

Test(debug, crash_signals_report_and_die_by_the_signal)
{
	static const struct {
		const char *mode;
		int status;
		const char *first;
		const char *signal;
	} cases[] = {
		{ "segv", 128 + SIGSEGV,
		  "panic: runtime error: invalid memory address or nil pointer dereference\n",
		  "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x" },
		{ "segv-far", 128 + SIGSEGV, "unexpected fault address 0xdead0000\nfatal error: fault\n",
		  "[signal SIGSEGV: segmentation violation code=0x1 addr=0xdead0000 pc=0x" },
		{ "fpe", 128 + SIGFPE, "panic: runtime error: integer divide by zero\n",
		  "[signal SIGFPE: floating-point exception code=0x1 addr=0x" },
		{ "ill", 128 + SIGILL, "SIGILL: illegal instruction\nPC=0x", "\ninstruction bytes: 0xf 0xb" },
		{ "segv-kill", 128 + SIGSEGV, "SIGSEGV: segmentation violation\nPC=0x", "\n\ngoroutine 1 [running]:\n" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		for (int i = 0; i < 3; i++) {
			struct run r = run_dump(cases[c].mode, 0, test_procs[i]);
			cr_expect_eq(r.status, cases[c].status, "%s GOMAXPROCS=%d status %d\n%s%s", cases[c].mode,
			             test_procs[i], r.status, r.out, r.err);
			cr_expect(strncmp(r.err, cases[c].first, strlen(cases[c].first)) == 0, "%s:\n%s",
			          cases[c].mode, r.err);
			expect_err(r, cases[c].signal);
			expect_goroutine(&r, "running", strcmp(cases[c].mode, "segv-kill") == 0 ? "main" : "crasher");
			expect_parked(&r);
			cr_expect_str_eq(r.out, "all parked\n", "%s", cases[c].mode);
			run_free(&r);
		}
	}
}

Test(debug, crash_signals_stay_the_programs)
{
	static const struct kept cases[] = {
		{ "segv-handler", 7, "all parked\nown SIGSEGV handler ran\n" },
		{ "segv-nogo", 128 + SIGSEGV, "" },
	};
	run_kept(cases, sizeof cases / sizeof *cases);
}

/* The program reads its own scheddetail output until a block shows each
   goroutine's wait reason and the function it waits in (or times out). */
Test(debug, scheddetail_shows_wait_reasons_and_functions)
{
	const char *args[] = { "sched", NULL };
	const char *env[] = { "GODEBUG=schedtrace=5,scheddetail=1", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("debug_dump", args, env, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 0, "GOMAXPROCS=%d status %d\n%s%s", test_procs[i], r.status, r.out, r.err);
		cr_expect(strstr(r.out, "  G2: status=4(chan receive) m=-1 lockedm=-1 waiting in waitrecv\n"),
		          "%s", r.out);
		cr_expect(strstr(r.out, "  G9: status=4(sync.WaitGroup.Wait) m=-1 lockedm=-1 waiting in waitwg\n"),
		          "%s", r.out);
		run_free(&r);
	}
}
