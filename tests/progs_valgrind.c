/*
 * progs_valgrind.c: goroutine programs under valgrind's memcheck
 * (runtime/valgrind.c, libc-shim/vgheap.c): a ping-pong, sleep, select and
 * spawn workload that allocates through every entry point runs clean, leak
 * check included, at GOMAXPROCS=1 and 2; asynchronous preemption still
 * stops a spinning goroutine; a one-byte heap overrun and a use after free
 * in a goroutine are reported with the goroutine's function in the stack.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* valgrind takes a move of sp by less than --max-stackframe for a frame:
   whether a goroutine switch that valgrind was not told of goes unnoticed
   depends on how far apart the kernel mapped the stacks. With no limit,
   every switch between stacks valgrind does not know is wrong. */
static struct run memcheck(const char *prog, const char *arg, int procs, const char *extra)
{
	char env[32];
	snprintf(env, sizeof env, "GOMAXPROCS=%d", procs);
	const char *envs[] = { env, NULL };
	const char *argv[] = { "valgrind", "-q", "--error-exitcode=99", "--max-stackframe=1099511627776",
	                       extra ? extra : "-q",
	                       build_path(prog), arg, NULL };
	return run_cmd(argv, envs, 120);
}

static void clean(const char *prog, const char *arg, const char *want, const char *extra)
{
	for (int procs = 1; procs <= 2; procs++) {
		struct run r = memcheck(prog, arg, procs, extra);
		cr_expect(!r.timedout, "%s, GOMAXPROCS=%d: timed out", prog, procs);
		cr_expect_eq(r.status, 0, "%s, GOMAXPROCS=%d: status %d\n%s", prog, procs, r.status, r.err);
		cr_expect_str_empty(r.err, "%s, GOMAXPROCS=%d: memcheck said\n%s", prog, procs, r.err);
		cr_expect(strstr(r.out, want), "%s, GOMAXPROCS=%d: stdout\n%s", prog, procs, r.out);
		run_free(&r);
	}
}

Test(valgrind, workload_runs_clean)
{
	clean("tests/prog/valgrind_heap", "work", "work done", "--leak-check=full");
}

/* Goroutines with thread control blocks of their own: the switch loads
   each one with arch_prctl under valgrind, which does not run wrfsbase. */
Test(valgrind, thread_identity_runs_clean)
{
	clean("tests/prog/thread_identity", "scenario",
	      "scenario: lost __thread 0, lost key 0, mutex failures 0, pthread_self moved 0", NULL);
}

Test(valgrind, preemption_still_stops_a_spinner)
{
	clean("tests/prog/preempt_spin", NULL, "main returns (in time)", NULL);
}

static void reported(const char *what, const char *error, const char *fn)
{
	for (int procs = 1; procs <= 2; procs++) {
		struct run r = memcheck("tests/prog/valgrind_heap", what, procs, NULL);
		cr_expect(!r.timedout, "%s, GOMAXPROCS=%d: timed out", what, procs);
		cr_expect_eq(r.status, 99, "%s, GOMAXPROCS=%d: status %d\n%s", what, procs, r.status, r.err);
		const char *e = strstr(r.err, error);
		cr_expect(e, "%s, GOMAXPROCS=%d: no \"%s\" in\n%s", what, procs, error, r.err);
		/* The access itself is the first frame of the report. */
		cr_expect(e && strstr(e, fn) && strstr(e, fn) < strstr(e, "Address"),
		          "%s, GOMAXPROCS=%d: %s not in the stack of\n%s", what, procs, fn, r.err);
		run_free(&r);
	}
}

Test(valgrind, heap_overrun_in_goroutine_is_reported)
{
	reported("overrun", "Invalid write of size 1", "overrun_in_goroutine (valgrind_heap.c:");
}

Test(valgrind, use_after_free_in_goroutine_is_reported)
{
	reported("uaf", "Invalid read of size 1", "uaf_in_goroutine (valgrind_heap.c:");
}
