/*
 * progs_sync.c: whole programs built with gortcc, for timers, sleep,
 * semaphores, gort_mutex and gort_waitgroup (runtime/time.c, sema.c,
 * mutex.c, waitgroup.c): sleep order and that it never returns early,
 * 100,000 sleepers costing no CPU, mutual exclusion, starvation mode,
 * Go 1.19's sync tests ported, lifetimes checked by making the memory
 * inaccessible, and each fatal error's exact words.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 120.0

#define expect_out(r, s) cr_expect(strstr((r).out, (s)), "stdout lacks \"%s\":\n%s\nstderr:\n%s", (s), (r).out, (r).err)
#define expect_err(r, s) cr_expect(strstr((r).err, (s)), "stderr lacks \"%s\":\n%s", (s), (r).err)

/* Run name with mode under every GOMAXPROCS: it must print before on
   stdout, then die with status 2, stderr starting with msg and a
   goroutine's traceback after it. */
static void run_fatal(const char *name, const char *mode, const char *before, const char *msg)
{
	const char *args[] = { mode, NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog(name, args, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "%s %s GOMAXPROCS=%d status %d\n%s%s", name, mode, test_procs[i], r.status,
		             r.out, r.err);
		expect_out(r, before);
		cr_expect(!strstr(r.out, "not reached"), "went on after the error:\n%s", r.out);
		/* The message comes first: nothing (a warning, another report)
		   before it. */
		const char *m = strstr(r.err, msg);
		cr_expect(m == r.err, "stderr does not start with \"%s\":\n%s", msg, r.err);
		cr_expect(m && strstr(m, "\ngoroutine "), "no traceback after the message:\n%s", r.err);
		run_free(&r);
	}
}

/* ---- time ---- */

Test(time, sleepers_wake_in_order_of_their_deadlines)
{
	const char *args[] = { "order", NULL };
	const char *want[] = { "order: 1 2 3 4 5 6 7 8\nearly=0\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, sleep_never_returns_early)
{
	const char *args[] = { "early", NULL };
	const char *want[] = { "early=0 of 20000\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, signals_do_not_cut_a_sleep_short)
{
	const char *args[] = { "signal", NULL };
	const char *want[] = { "signalled sleep: full, signals>10: 1\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, timers_of_removed_ps_still_fire)
{
	const char *args[] = { "shrink", NULL };
	const char *want[] = { "shrink: all woke, early=0\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, go_TestOverflowSleep)
{
	const char *args[] = { "overflow", NULL };
	const char *want[] = { "overflow: select=-1 waited>=25ms: 1, big ones returned: 0\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, go_TestSleepZeroDeadlock)
{
	const char *args[] = { "zero", NULL };
	const char *want[] = { "zero: done\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, threads_sleep_in_the_kernel)
{
	const char *args[] = { "thread", NULL };
	const char *want[] = { "thread sleep full=1 early=0\n", NULL };
	run_ok("time_sleep", args, want, LIMIT);
}

Test(time, a_pending_sleep_is_not_a_deadlock)
{
	run_fatal("time_sleep", "deadlock", "slept beside blocked goroutines, early=0\n",
	          "fatal error: all goroutines are asleep - deadlock!");
}

Test(time, hundred_thousand_sleepers_cost_no_cpu)
{
	const char *want[] = { "100000 sleepers: idle=1 early=0\n", NULL };
	run_ok("time_many", NULL, want, LIMIT);
}

/* ---- gort_mutex ---- */

Test(mutex, exclusion_trylock_cross_unlock_threads_and_go_TestMutex)
{
	const char *want[] = {
		"counter=320000 overlap=0 state=0 sema=0\n",
		"TestMutex ok state=0\n",
		"trylock: unlocked=1 locked=0 other=0 released=1 state=0\n",
		"cross: 100 unlocks by another goroutine, state=0\n",
		"many: sum=600000 badstate=0\n",
		"thread: count=140000 state=0\n",
		NULL,
	};
	run_ok("sync_mutex", NULL, want, LIMIT);
}

Test(mutex, starvation_mode_and_go_TestMutexFairness)
{
	const char *args[] = { "fairness", NULL };
	const char *want[] = { "fairness: TestMutexFairness=1 busy holder=1 three busy holders=1\n", NULL };
	run_ok("sync_mutex", args, want, LIMIT);
}

Test(mutex, last_locker_may_free_it)
{
	const char *args[] = { "lifetime", NULL };
	const char *want[] = { "lifetime: 3000 mutexes freed by their last locker\n", NULL };
	run_ok("sync_mutex", args, want, LIMIT);
}

Test(fatal, unlock_of_unlocked_mutex)
{
	run_fatal("sync_mutex", "unlock_unlocked", "unlocking\n", "fatal error: sync: unlock of unlocked mutex");
	run_fatal("sync_mutex", "double_unlock", "unlocking again\n", "fatal error: sync: unlock of unlocked mutex");
}

/* ---- gort_waitgroup ---- */

Test(waitgroup, join_threads_and_go_TestWaitGroup)
{
	const char *want[] = {
		"join: sum=49995000 waiters early=0 state=0\n",
		"TestWaitGroup ok\n",
		"TestWaitGroupRace ok\n",
		"thread: waiters saw 50 and 50 of 50\n",
		NULL,
	};
	run_ok("sync_waitgroup", NULL, want, LIMIT);
}

Test(waitgroup, freed_as_soon_as_wait_returns)
{
	const char *args[] = { "lifetime", NULL };
	const char *want[] = { "lifetime: 3000 groups freed right after wait\n", NULL };
	run_ok("sync_waitgroup", args, want, LIMIT);
}

Test(fatal, negative_waitgroup_counter)
{
	run_fatal("sync_waitgroup", "negative", "one too many done\n", "panic: sync: negative WaitGroup counter");
	run_fatal("sync_waitgroup", "negative_add", "adding -3\n", "panic: sync: negative WaitGroup counter");
}

/* ---- More of Go 1.19's sync and time tests (sync_gotest, time_gotest) ---- */

Test(waitgroup, go_TestWaitGroupRace_and_WaitGroupAlign)
{
	const char *args[] = { "waitgroup_race", "waitgroup_align", NULL };
	const char *want[] = { "waitgroup_race ok\n", "waitgroup_align ok\n", NULL };
	run_ok("sync_gotest", args, want, LIMIT);
}

/* runtime/sema_test.go through gort_mutex's starvation mode; 1 and 2
   print "ok (skipped...)" where Go skips them. */
Test(mutex, go_TestSemaHandoff_1_and_2)
{
	const char *args[] = { "semahandoff", "semahandoff1", "semahandoff2", NULL };
	const char *want[] = { "semahandoff ok", "semahandoff1 ok", "semahandoff2 ok", NULL };
	run_ok("sync_gotest", args, want, LIMIT);
}

Test(time, go_TestSleep_AfterFunc_AfterStress_ZeroTimer)
{
	const char *args[] = { "sleep", "afterfunc", "afterstress", "zerotimer", NULL };
	const char *want[] = { "sleep ok\n", "afterfunc ok\n", "afterstress ok\n", "zerotimer ok\n", NULL };
	run_ok("time_gotest", args, want, LIMIT);
}

Test(time, go_TestAfter_AfterTick_AfterQueuing_and_negative_OverflowSleep)
{
	const char *args[] = { "after", "aftertick", "afterqueuing", "overflowneg", NULL };
	const char *want[] = { "after ok\n", "aftertick ok\n", "afterqueuing ok\n", "overflowneg ok\n", NULL };
	run_ok("time_gotest", args, want, LIMIT);
}

Test(pthread, barriers_once_spin_locks_yields_and_conds_among_goroutines)
{
	static const struct {
		const char *mode, *want;
	} cases[] = {
		{ "barrier", "barrier: 300 cycles, 300 serial returns, 0 left early\n" },
		{ "threads", "threads: 300 cycles, 300 serial returns, 0 left early\n" },
		{ "destroy", "destroy: 300 barriers, 300 serial returns\n" },
		{ "once", "once: 1 init, seen by 3 of 3\n" },
		{ "spin", "spin: 300000 of 300000\n" },
		{ "yield", "yield: 50 rounds\n" },
		{ "futex", "futex: 50 rounds\n" },
		{ "cond", "cond: 2000 and 2000 turns\n" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const char *args[] = { cases[c].mode, NULL };
		const char *want[] = { cases[c].want, NULL };
		run_ok("pthread_sync", args, want, LIMIT);
	}
}
