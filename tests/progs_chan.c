/*
 * progs_chan.c: whole programs built with gortcc, for channels and select
 * (runtime/chan.c, runtime/select.c): Go 1.19's chan_test.go and programs
 * of its test/chan directory ported, close racing with every other
 * operation, 10,000 blocked selects, timeouts, lifetimes, and each fatal
 * error's exact words.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 120.0

#define expect_out(r, s) cr_expect(strstr((r).out, (s)), "stdout lacks \"%s\":\n%s\nstderr:\n%s", (s), (r).out, (r).err)
#define expect_err(r, s) cr_expect(strstr((r).err, (s)), "stderr lacks \"%s\":\n%s", (s), (r).err)

Test(chan, api_piece_by_piece)
{
	const char *want[] = { "make errors ok\n", "buffered ok\n", "ring ok\n", "big ok\n", "zero-size ok\n",
		               "all ok\n", NULL };
	run_ok("chan_basic", NULL, want, LIMIT);
}

Test(chan, go_TestChan)
{
	const char *want[] = { "TestChan ok caps 0..59\n", NULL };
	run_ok("chan_gotest", NULL, want, LIMIT);
}

Test(chan, go_TestNonblockRecvRace_and_SelectRace)
{
	const char *want[] = { "NonblockRecvRace ok\n", "NonblockSelectRace ok\n", "NonblockSelectRace2 ok\n", NULL };
	run_ok("chan_nonblock_race", NULL, want, LIMIT);
}

Test(chan, go_TestMultiConsumer_and_SendInterface)
{
	const char *want[] = { "MultiConsumer ok\n", "ChanSendInterface ok\n", NULL };
	run_ok("chan_multiconsumer", NULL, want, LIMIT);
}

Test(chan, go_TestShrinkStackDuringBlockedSend_and_NoShrinkStackWhileParking)
{
	const char *want[] = { "ShrinkStackDuringBlockedSend ok\n", "NoShrinkStackWhileParking ok\n", NULL };
	run_ok("chan_stack", NULL, want, LIMIT);
}

Test(chan, go_test_chan_directory)
{
	const char *want[] = { "doubleselect ok\n", "nonblock ok\n", "select2 ok\n", "select3 ok\n", "select6 ok\n",
		               "select7 ok\n",      "select8 ok\n",  "select ok\n",  "fifo ok\n",
		               "goroutines ok\n",   "sieve1 ok\n",   NULL };
	run_ok("chan_godir", NULL, want, LIMIT);
}

Test(chan, go_test_directory_powser_sieve2_select5_closedchan_and_more)
{
	const char *want[] = { "powser1 ok\n", "powser2 ok\n",    "sieve2 ok\n",   "zerosize ok\n",   "select4 ok\n",
		               "select5 ok\n", "closedchan ok\n", "chancap ok\n",  "chanlinear ok\n", "235 ok\n",
		               "range ok\n",   "nilchan ok\n",    "sendstmt ok\n", "bug147 ok\n",     "chanbarrier ok\n",
		               NULL };
	run_ok("chan_godir2", NULL, want, LIMIT);
}

Test(chan, go_test_ken_chan_and_chan1)
{
	const char *want[] = { "ken/chan ok\n", "ken/chan1 ok\n", NULL };
	run_ok("chan_ken", NULL, want, LIMIT);
}

Test(chan, close_racing_receives_selects_and_timeouts)
{
	const char *want[] = { "close race ok: 300 rounds\n", "close vs timeout ok\n", NULL };
	run_ok("chan_close_race", NULL, want, LIMIT);
}

Test(chan, lifetimes_free_right_after_the_last_operation)
{
	const char *want[] = { "lifetimes ok: 10000 checks\n", NULL };
	run_ok("chan_lifetime", NULL, want, LIMIT);
}

Test(select, go_TestSelfSelect)
{
	const char *want[] = { "SelfSelect cap 0 ok\n", "SelfSelect cap 10 ok\n", NULL };
	run_ok("select_self", NULL, want, LIMIT);
}

Test(select, go_TestSelectStress)
{
	const char *want[] = { "SelectStress ok N=20000\n", NULL };
	run_ok("select_stress", NULL, want, LIMIT);
}

Test(select, go_TestSelectFairness_PseudoRandomSend_and_waiting_fairness)
{
	const char *want[] = { "SelectFairness ok\n", "PseudoRandomSend ok\n", "WaitingSelectFairness ok", "FIFO ok\n",
		               NULL };
	run_ok("select_fairness", NULL, want, LIMIT);
}

Test(select, go_TestSelectDuplicateChannel_and_StackAdjust)
{
	const char *want[] = { "SelectDuplicateChannel ok\n", "SelectStackAdjust ok\n", NULL };
	run_ok("select_duplicate", NULL, want, LIMIT);
}

Test(select, ten_thousand_goroutines_in_one_select_each)
{
	const char *want[] = { "10000 selects woken by sends ok\n", "10000 selects woken by close ok\n",
		               "10000 selects timed out ok\n", NULL };
	run_ok("select_many", NULL, want, LIMIT);
}

Test(select, timeouts)
{
	const char *want[] = { "timeout ok\n", "no cases ok\n", "timeouts racing partners ok (some timed out)\n",
		               "stale timer ok\n", "partner before timeout ok\n", "done\n", NULL };
	run_ok("select_timeout", NULL, want, LIMIT);
}

/* Run prog in mode under every GOMAXPROCS: status 2, stderr starting with msg
   followed by a blank line and a traceback whose first line starts with
   "goroutine " and, when given, shows the goroutine's state. */
static void run_fatal_in(const char *prog, const char *mode, const char *msg, const char *state)
{
	const char *args[] = { mode, NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog(prog, args, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "%s GOMAXPROCS=%d status %d\n%s%s", mode, test_procs[i], r.status, r.out, r.err);
		char want[256];
		snprintf(want, sizeof want, "%s\n\ngoroutine ", msg);
		cr_expect(!strncmp(r.err, want, strlen(want)), "%s GOMAXPROCS=%d: stderr does not start with \"%s\":\n%s",
		          mode, test_procs[i], want, r.err);
		if (state)
			expect_err(r, state);
		cr_expect(!strstr(r.out, "not reached"), "%s: went on after the error\n%s", mode, r.out);
		run_free(&r);
	}
}

static void run_fatal(const char *mode, const char *msg, const char *state)
{
	run_fatal_in("chan_fatal", mode, msg, state);
}

Test(fatal, send_on_closed_channel)
{
	run_fatal("send_closed", "panic: send on closed channel", " [running]:\n");
	run_fatal("send_closed_buffered", "panic: send on closed channel", " [running]:\n");
	run_fatal("select_send_closed", "panic: send on closed channel", "goroutine 1 [running]:\n");
}

Test(fatal, blocked_sender_dies_when_the_channel_is_closed)
{
	run_fatal("send_blocked", "panic: send on closed channel", " [running]:\n");
	run_fatal("select_send_blocked", "panic: send on closed channel", " [running]:\n");
}

Test(fatal, close_of_closed_and_of_nil_channel)
{
	run_fatal("close_closed", "panic: close of closed channel", "goroutine 1 [running]:\n");
	run_fatal("close_nil", "panic: close of nil channel", "goroutine 1 [running]:\n");
}

Test(fatal, blocking_for_ever_is_a_deadlock)
{
	const char *dl = "fatal error: all goroutines are asleep - deadlock!";
	run_fatal("deadlock_recv", dl, "goroutine 1 [chan receive]:\n");
	run_fatal("deadlock_send_nil", dl, "goroutine 1 [chan send (nil chan)]:\n");
	run_fatal("deadlock_recv_nil", dl, "goroutine 1 [chan receive (nil chan)]:\n");
	run_fatal("deadlock_select", dl, "goroutine 1 [select]:\n");
	run_fatal("deadlock_select_nil", dl, "goroutine 1 [select]:\n");
	run_fatal("deadlock_select_nocases", dl, "goroutine 1 [select (no cases)]:\n");
}

/* Go 1.19's test/closedchan.go recovers from these panics; in gort they
   are fatal, one process each: a send on a closed channel, blocking or
   not, directly, in a one-case select and in a select with a never-ready
   dummy case; close of a nil and of a closed channel. */
Test(fatal, go_closedchan_sends_and_closes)
{
	const char *send = "panic: send on closed channel", *running = "goroutine 1 [running]:\n";
	const char *modes[] = { "closedchan_nbsend_x", "closedchan_nbsend_s", "closedchan_nbsend_ss",
		                "closedchan_send_x",   "closedchan_send_s",   "closedchan_send_ss" };
	for (int i = 0; i < 6; i++)
		run_fatal_in("chan_godir2", modes[i], send, running);
	run_fatal_in("chan_godir2", "closedchan_close_nil", "panic: close of nil channel", running);
	run_fatal_in("chan_godir2", "closedchan_close_closed", "panic: close of closed channel", running);
}
