/*
 * progs_thread.c: whole programs for thread identity (libc-shim/tcb.c):
 * every goroutine is a thread to the C library, whatever M it resumes
 * on; gort_lockosthread pins one to its thread (runtime/proc.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

#define LIMIT 120.0

static void identity(const char *mode, const char *want0, const char *want1)
{
	const char *args[] = { mode, NULL };
	const char *want[] = { want0, want1, NULL };
	run_ok("thread_identity", args, want, LIMIT);
}

Test(thread, thread_locals_keys_and_mutex_owners_follow_the_goroutine)
{
	identity("scenario", "scenario: lost __thread 0, lost key 0, mutex failures 0, pthread_self moved 0\n", NULL);
}

Test(thread, key_destructors_run_when_a_goroutine_ends)
{
	identity("keys", "keys: destructors ran once each\n", NULL);
}

Test(thread, a_file_lock_held_across_parks_stays_the_goroutines)
{
	identity("filelock", "filelock: done\n", NULL);
}

Test(thread, uselocale_is_per_goroutine)
{
	identity("locale", "locale: per goroutine\n", NULL);
}

Test(thread, raise_and_pthread_kill_reach_the_handler_on_the_goroutine)
{
	identity("raise", "raise: handled 2, on this goroutine 2\n", NULL);
}

Test(thread, a_locked_goroutine_keeps_its_thread_and_the_thread_runs_nothing_else)
{
	identity("lockosthread", "lockosthread: moved 0 times in 50 parks\n",
	         "lockosthread: other goroutines on the locked thread 0\n");
}

Test(thread, a_goroutine_that_ends_locked_takes_its_thread_with_it)
{
	identity("lockexit", "lockexit: threads ended\n", "lockexit: others still run\n");
}

Test(thread, setegid_from_a_goroutine_reaches_every_thread)
{
	identity("setgid", "setgid: every thread", NULL);
}

/* The thread pointer's arch_prctl path (no FSGSBASE, valgrind). */
Test(thread, thread_locals_follow_the_goroutine_without_fsgsbase)
{
	const char *args[] = { "scenario", NULL };
	const char *env[] = { "GODEBUG=nofsgsbase=1", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("thread_identity", args, env, test_procs[i], LIMIT);
		cr_expect(r.status == 0 && !r.timedout && !*r.err, "GOMAXPROCS=%d status %d\n%s", test_procs[i], r.status,
		          r.err);
		cr_expect(strstr(r.out, "scenario: lost __thread 0, lost key 0, mutex failures 0, pthread_self moved 0\n"),
		          "%s", r.out);
		run_free(&r);
	}
}

/* Blocks per goroutine only where the program can tell (libc-shim/tcb.c):
   boottrace says which, and why. */
Test(thread, blocks_per_goroutine_only_where_the_program_can_tell)
{
	static const struct {
		const char *prog, *env, *want;
	} cases[] = {
		{ "thread_identity", "GODEBUG=boottrace=1", "tcbsetup: thread control block per goroutine (__thread variables)\n" },
		{ "chan_basic", "GODEBUG=boottrace=1", "tcbsetup: thread control block per M (the program cannot tell)\n" },
		{ "chan_basic", "GODEBUG=boottrace=1,gotls=1", "tcbsetup: thread control block per goroutine (GODEBUG=gotls)\n" },
		{ "thread_identity", "GODEBUG=boottrace=1,gotls=0", "tcbsetup: thread control block per M (GODEBUG=gotls)\n" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		/* A mode that ends under every setting: "keys" never ends under
		   gotls=0, and the time limit used to end it unnoticed. */
		const char *args[] = { "locale", NULL };
		const char *env[] = { cases[c].env, NULL };
		struct run r = run_prog(cases[c].prog, args, env, 1, LIMIT);
		cr_expect(r.status == 0 && !r.timedout, "%s %s: status %d%s\n%s", cases[c].prog, cases[c].env, r.status,
		          r.timedout ? " (timed out)" : "", r.out);
		cr_expect(strstr(r.err, cases[c].want), "%s %s: stderr lacks \"%s\":\n%s", cases[c].prog, cases[c].env,
		          cases[c].want, r.err);
		run_free(&r);
	}
}

/* pthread_exit ends the goroutine, with blocks per M or per goroutine. */
Test(thread, pthread_exit_ends_the_goroutine_not_its_thread)
{
	const char *modes[] = { "GODEBUG=gotls=0", "GODEBUG=gotls=1" };
	for (int m = 0; m < 2; m++)
		for (int i = 0; i < 3; i++) {
			const char *env[] = { modes[m], NULL };
			struct run r = run_prog("goroutine_exit", NULL, env, test_procs[i], LIMIT);
			cr_expect(r.status == 0 && !r.timedout, "%s GOMAXPROCS=%d: status %d\n%s", modes[m],
			          test_procs[i], r.status, r.err);
			cr_expect_str_eq(r.out, "goroutines left 1, ran on after pthread_exit 0\n", "%s GOMAXPROCS=%d",
			                 modes[m], test_procs[i]);
			cr_expect_str_empty(r.err);
			run_free(&r);
		}
}
