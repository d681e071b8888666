/*
 * progs_thread.c: whole programs for thread identity (libc-shim/tcb.c):
 * every goroutine is a thread to the C library, whatever M it resumes
 * on; gort_lockosthread pins one to its thread (runtime/proc.c).
 */
#include <criterion/criterion.h>

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
