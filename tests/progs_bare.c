/*
 * progs_bare.c: bare mode, gortcc -nolibc (issue 15): the same programs
 * built with no C library (build/tests/prog/bare/NAME) and, for the API
 * test, in the default mode too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 60.0

#define expect_out(r, s) cr_expect(strstr((r).out, (s)), "stdout lacks \"%s\":\n%s\nstderr:\n%s", (s), (r).out, (r).err)
#define expect_err(r, s) cr_expect(strstr((r).err, (s)), "stderr lacks \"%s\":\n%s", (s), (r).err)

static const char *const api_want[] = { "mutex ok\npingpong ok\nbuffered ok\nselect timeout ok\nsleep ok\ntls ok\n",
	                                NULL };

Test(bare, goroutines_channels_select_timers_sync_and_tls)
{
	run_ok("bare/bare_api", NULL, api_want, LIMIT);
}

Test(bare, the_same_program_in_the_default_mode)
{
	run_ok("bare_api", NULL, api_want, LIMIT);
}

Test(bare, gomaxprocs_and_exit_status)
{
	const char *args[] = { "x", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("bare/bare_api", args, NULL, test_procs[i], LIMIT);
		char want[32];
		snprintf(want, sizeof want, "procs %d\n", test_procs[i]);
		cr_expect_eq(r.status, 7, "status %d\n%s", r.status, r.err);
		expect_out(r, want);
		run_free(&r);
	}
}

Test(bare, fatal_errors_in_go_s_words)
{
	static const struct {
		const char *arg, *err;
	} cases[] = {
		{ "deadlock", "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n" },
		{ "overflow", "runtime: goroutine 2 stack exceeds 262144-byte limit\n" },
		{ "overflow", "fatal error: stack overflow\n\ngoroutine 2 [running]:\nrecurse(" },
		{ "closed", "panic: close of closed channel\n\ngoroutine 1 [running]:\n" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
		for (int i = 0; i < 3; i++) {
			const char *args[] = { cases[k].arg, NULL };
			struct run r = run_prog("bare/bare_fatal", args, NULL, test_procs[i], LIMIT);
			cr_expect_eq(r.status, 2, "%s: status %d\n%s", cases[k].arg, r.status, r.err);
			expect_out(r, "before\n");
			expect_err(r, cases[k].err);
			run_free(&r);
		}
}

/* At GOMAXPROCS=1 main can finish only if the spinning goroutine is
   stopped by the preemption signal. */
Test(bare, a_spinning_goroutine_is_preempted)
{
	const char *args[] = { "spin", NULL };
	struct run r = run_prog("bare/bare_fatal", args, NULL, 1, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "status %d%s\n%s", r.status, r.timedout ? " (timed out)" : "",
	          r.err);
	expect_out(r, "main returns\n");
	run_free(&r);
}

Test(bare, boottrace_shows_crt0_laying_out_tls_and_schedtrace_runs)
{
	const char *env[] = { "GODEBUG=boottrace=1,schedtrace=5", NULL };
	struct run r = run_prog("bare/bare_api", NULL, env, 2, LIMIT);
	cr_expect_eq(r.status, 0, "status %d\n%s", r.status, r.err);
	expect_err(r, "crt0: TLS laid out on the initial stack: PT_TLS image 0x");
	expect_err(r, "crt0: arch_prctl(ARCH_SET_FS, 0x");
	expect_err(r, ") = 0 for m0, the first system call; no C library\n");
	expect_err(r, "tcbsetup: thread control block per M (bare mode)\n");
	expect_err(r, "SCHED ");
	run_free(&r);
}
