/*
 * progs_boot.c: whole programs built with gortcc, for the bootstrap and the
 * scheduler (issue 2): argv/envp/exit status, constructors, errno,
 * spawning, stacks, GOMAXPROCS, GODEBUG traces, ordinary programs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 60.0

#define expect_out(r, s) cr_expect(strstr((r).out, (s)), "stdout lacks \"%s\":\n%s\nstderr:\n%s", (s), (r).out, (r).err)
#define expect_err(r, s) cr_expect(strstr((r).err, (s)), "stderr lacks \"%s\":\n%s", (s), (r).err)
#define expect_err_prefix(r, s) \
	cr_expect(strncmp((r).err, (s), strlen(s)) == 0, "stderr does not start with \"%s\":\n%s", (s), (r).err)
/* Ended in time with status want and nothing on stderr. */
#define expect_exit(r, want, procs) \
	cr_expect((r).status == (want) && !(r).timedout && !*(r).err, \
	          "GOMAXPROCS=%d: status %d%s, want %d\n%s\nstderr:\n%s", (procs), (r).status, \
	          (r).timedout ? " (timed out)" : "", (want), (r).out, (r).err)

Test(boot, argv_envp_and_exit_status)
{
	const char *args[] = { "one", "two words", "9", NULL };
	const char *env[] = { "GORT_TEST_VAR=hello world", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("boot_args", args, env, test_procs[i], LIMIT);
		expect_exit(r, 9, test_procs[i]);
		expect_out(r, "argc=4\nargv[1]=one\nargv[2]=two words\nargv[3]=9\n");
		expect_out(r, "envp has var: 1, getenv: hello world\n");
		expect_out(r, "argv[argc] is NULL: 1\n");
		cr_expect_str_empty(r.err);
		run_free(&r);
	}
}

Test(boot, constructors_run_on_goroutine_1_before_main)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("boot_ctor", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 7, test_procs[i]);
		expect_out(r, "ctors=2 order=1,2 ctor goid=1 main goid=1\n");
		expect_out(r, "goroutine started by a constructor ran\n");
		expect_out(r, "atexit ran destructor ran\n");
		run_free(&r);
	}
}

Test(boot, errno_is_per_goroutine)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("errno_migrate", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "bad=0 main errno kept=1 pthread errno kept=1\n");
		if (test_procs[i] > 1)
			expect_out(r, "moved between threads: 1\n");
		run_free(&r);
	}
}

Test(boot, fp_rounding_mode_is_per_goroutine)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("fpenv_switch", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "bad=0 childbad=0 main mode kept=1\n");
		run_free(&r);
	}
}

Test(sched, spawn_and_join_100000)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("spawn_many", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "spawned 100000 sum=4999950000 numgoroutine=1\n");
		run_free(&r);
	}
}

Test(sched, goroutines_spawning_goroutines)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("spawn_tree", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "nodes=5461\n");
		run_free(&r);
	}
}

Test(sched, gomaxprocs_from_the_environment)
{
	struct { const char *val; const char *want; } cases[] = {
		{ "GOMAXPROCS=3", "gomaxprocs=3 " },
		{ "GOMAXPROCS=1", "gomaxprocs=1 " },
	};
	for (size_t i = 0; i < 2; i++) {
		const char *env[] = { cases[i].val, NULL };
		struct run r = run_prog("gomaxprocs", NULL, env, 0, LIMIT);
		expect_exit(r, 0, 0);
		expect_out(r, cases[i].want);
		run_free(&r);
	}
	/* Invalid values are ignored: the default is the CPU count. */
	struct run d = run_prog("gomaxprocs", NULL, NULL, 0, LIMIT);
	expect_exit(d, 0, 0);
	char want[64];
	int ncpu = 0;
	const char *s = strstr(d.out, "numcpu=");
	cr_assert(s);
	sscanf(s, "numcpu=%d", &ncpu);
	snprintf(want, sizeof want, "gomaxprocs=%d numcpu=%d\n", ncpu, ncpu);
	expect_out(d, want);
	const char *bad[] = { "GOMAXPROCS=0", "GOMAXPROCS=-2", "GOMAXPROCS=abc", "GOMAXPROCS=", "GOMAXPROCS=4x",
		              "GOMAXPROCS=99999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *env[] = { bad[i], NULL };
		struct run r = run_prog("gomaxprocs", NULL, env, 0, LIMIT);
		expect_exit(r, 0, 0);
		cr_expect(strstr(r.out, want), "%s: got %s", bad[i], r.out);
		run_free(&r);
	}
	run_free(&d);
}

Test(sched, gomaxprocs_changes_at_run_time)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("gomaxprocs", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "set 3 (was ");
		expect_out(r, ") now 3\nset 1 (was 3) now 1\nset 4 (was 1) now 4\nset 2 (was 4) now 2\nset 1 (was 2) now 1\n");
		expect_out(r, "ignored: 1 1\ndone\n");
		run_free(&r);
	}
}

/* Go 1.19's proc_test.go: yield progress, concurrent stops of the world,
   parallelism, timer fairness, preemption, the ping-pong hog, preemption
   after system calls; and testprog's AsyncPreempt, GCFairness and
   GCFairness2. */
Test(sched, go_proc_tests)
{
	const char *want[] = { "numgoroutine ok\nyield ok\nstwdeadlock ok\nparallel ok\ntimer ok\ntimer2 ok\npreempt ok\nhog ok\n"
		               "syscall ok\nasyncpreempt ok\ngcfair ok\ngcfair2 ok\n",
		               NULL };
	run_ok("sched_gotest", NULL, want, LIMIT);
}

Test(stack, overflow_is_a_fatal_error_naming_the_goroutine)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("stack_overflow", NULL, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "status %d\n%s", r.status, r.err);
		expect_err_prefix(r, "runtime: goroutine 2 stack exceeds 262144-byte limit\n");
		/* After Go's two lines, what to do about it. */
		expect_err(r, "]\nruntime: set GORTSTACK (e.g. GORTSTACK=1m) or call gort_stacksize() "
		              "for bigger goroutine stacks\nfatal error: stack overflow\n");
		expect_err(r, "fatal error: stack overflow\n\ngoroutine 2 [running]:\nrecurse(");
		expect_out(r, "before\n");
		run_free(&r);
	}
}

Test(boot, a_program_without_goroutines_keeps_one_thread)
{
	const char *want[] = { "main_thread: 0 failures, unlock ok\n", NULL };
	run_ok("main_thread", NULL, want, LIMIT);
}

Test(stack, main_has_a_thread_sized_stack)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("main_stack", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "depth 4000\n");
		run_free(&r);

		const char *args[] = { "unlimited", NULL };
		r = run_prog("main_stack", args, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "depth 50000\n");
		run_free(&r);
	}
}

Test(stack, size_from_the_call_and_the_environment)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		/* 500 KiB of recursion needs more than the 256 KiB default. */
		const char *args[] = { "1048576", "500", NULL };
		struct run r = run_prog("stacksize", args, NULL, procs, LIMIT);
		expect_exit(r, 0, procs);
		cr_expect_str_eq(r.out, "initial 262144\nprevious 262144 now 1048576\ndepth 500\n");
		run_free(&r);

		const char *env[] = { "GORTSTACK=1m", NULL };
		const char *args2[] = { "0", "500", NULL };
		r = run_prog("stacksize", args2, env, procs, LIMIT);
		expect_exit(r, 0, procs);
		cr_expect_str_eq(r.out, "initial 1048576\nprevious 1048576 now 1048576\ndepth 500\n");
		run_free(&r);

		/* Without the larger stack the same depth overflows. */
		const char *args3[] = { "0", "500", NULL };
		r = run_prog("stacksize", args3, NULL, procs, LIMIT);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s", procs, r.status, r.err);
		cr_expect(!strncmp(r.err, "runtime: goroutine ", 19), "GOMAXPROCS=%d:\n%s", procs, r.err);
		expect_err(r, "fatal error: stack overflow");
		run_free(&r);
	}
}

/* Ordinary C in a goroutine with no setting at all: a local array of
   200,000 bytes. */
Test(stack, default_holds_a_200000_byte_frame)
{
	const char *args[] = { "frame", NULL };
	const char *want[] = { "frame 200000\n", NULL };
	run_ok("stack_deep", args, want, LIMIT);
}

/* The largest size: 100 nested frames of 1 MiB. */
Test(stack, gortstack_1g_holds_100_frames_of_1_mib)
{
	const char *env[] = { "GORTSTACK=1g", NULL };
	const char *args[] = { "recurse", "100", "1024", NULL };
	struct run r = run_prog("stack_deep", args, env, 2, LIMIT);
	expect_exit(r, 0, 2);
	cr_expect_str_eq(r.out, "depth 100\n");
	run_free(&r);
}

Test(stack, gortstack_spellings)
{
	static const struct {
		const char *value;
		const char *size;
	} ok[] = {
		{ "65536", "65536" }, { "100000", "102400" }, { "64k", "65536" }, { "64K", "65536" },
		{ "64KiB", "65536" }, { "3m", "3145728" }, { "3M", "3145728" }, { "3MiB", "3145728" },
		{ "1g", "1073741824" }, { "1G", "1073741824" }, { "1GiB", "1073741824" },
		{ "1024m", "1073741824" },
	};
	const char *args[] = { "0", "1", NULL };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char env0[64], want[96];
		snprintf(env0, sizeof env0, "GORTSTACK=%s", ok[i].value);
		snprintf(want, sizeof want, "initial %s\nprevious %s now %s\ndepth 1\n", ok[i].size, ok[i].size, ok[i].size);
		const char *env[] = { env0, NULL };
		struct run r = run_prog("stacksize", args, env, 1, LIMIT);
		expect_exit(r, 0, 1);
		cr_expect_str_eq(r.out, want, "%s: stdout %s", env0, r.out);
		run_free(&r);
	}
}

/* A value that cannot be used is said so, once, and the program runs. */
Test(stack, gortstack_bad_value_is_reported)
{
	static const struct {
		const char *value;
		const char *size;
		const char *err;
	} bad[] = {
		{ "junk", "262144", "runtime: GORTSTACK=junk: not a size; using 256 KiB\n" },
		{ "1.5m", "262144", "runtime: GORTSTACK=1.5m: not a size; using 256 KiB\n" },
		{ "64kb", "262144", "runtime: GORTSTACK=64kb: not a size; using 256 KiB\n" },
		{ "-1", "262144", "runtime: GORTSTACK=-1: not a size; using 256 KiB\n" },
		{ "2048m", "1073741824", "runtime: GORTSTACK=2048m: more than 1 GiB; using 1 GiB\n" },
		{ "99999999999999999999999", "1073741824",
		  "runtime: GORTSTACK=99999999999999999999999: more than 1 GiB; using 1 GiB\n" },
		{ "1000", "16384", "runtime: GORTSTACK=1000: less than 16 KiB; using 16 KiB\n" },
	};
	const char *args[] = { "0", "1", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char env0[64], want[96];
		snprintf(env0, sizeof env0, "GORTSTACK=%s", bad[i].value);
		snprintf(want, sizeof want, "initial %s\nprevious %s now %s\ndepth 1\n", bad[i].size, bad[i].size, bad[i].size);
		const char *env[] = { env0, NULL };
		struct run r = run_prog("stacksize", args, env, 2, LIMIT);
		cr_expect_eq(r.status, 0, "%s: status %d\n%s", env0, r.status, r.err);
		cr_expect_str_eq(r.out, want, "%s: stdout %s", env0, r.out);
		cr_expect_str_eq(r.err, bad[i].err, "%s: stderr %s", env0, r.err);
		run_free(&r);
	}
}

/* A thousand goroutines that each went 200 KB deep and exited leave no
   memory committed a few sysmon periods later (the program waits for it). */
Test(stack, deep_pages_are_released_after_exit)
{
	int procs[] = { 1, 4 };
	for (int i = 0; i < 2; i++) {
		const char *args[] = { "release", NULL };
		struct run r = run_prog("stack_deep", args, NULL, procs[i], 2 * LIMIT);
		expect_exit(r, 0, procs[i]);
		cr_expect_str_eq(r.out, "released\n", "GOMAXPROCS=%d", procs[i]);
		run_free(&r);
	}
}

/* One million parked goroutines in at most 5 KiB each (page tables
   included) and within vm.max_map_count (4.3 GB, a few seconds), with the
   goroutines' thread control blocks shared with their M and their own
   (they sit in the top page of the stack, touched anyway). */
Test(stack, parked_goroutines_within_memory_and_map_budget)
{
	const char *args[] = { "parked", "1000000", NULL };
	const char *modes[] = { "GODEBUG=gotls=0", "GODEBUG=gotls=1" };
	for (int m = 0; m < 2; m++) {
		const char *env[] = { modes[m], NULL };
		struct run r = run_prog("stack_deep", args, env, 2, 2 * LIMIT);
		expect_exit(r, 0, 2);
		cr_expect_str_eq(r.out, "parked 1000000\n", "%s", modes[m]);
		run_free(&r);
	}
}

/* The path of kernels without MADV_GUARD_INSTALL (Debian 12's 6.1), forced
   on any kernel: guards by mprotect within the max_map_count budget. An
   overflow is still caught and named, and 100,000 parked goroutines still
   fit the memory and map budgets, past the point where guards run out. */
Test(stack, mprotect_fallback_catches_overflow_and_holds_many)
{
	const char *env[] = { "GODEBUG=stackfallback=1", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("stack_overflow", NULL, env, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s", test_procs[i], r.status, r.err);
		expect_err_prefix(r, "runtime: goroutine 2 stack exceeds 262144-byte limit\n");
		expect_err(r, "fatal error: stack overflow\n\ngoroutine 2 [running]:\nrecurse(");
		run_free(&r);
	}
	const char *args[] = { "parked", "100000", "splits", NULL };
	struct run r = run_prog("stack_deep", args, env, 2, 2 * LIMIT);
	expect_exit(r, 0, 2);
	cr_expect_str_eq(r.out, "parked 100000\narenas split by guards: 1\n");
	run_free(&r);
}

Test(fatal, goexit_from_main_with_nothing_left)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("goexit_deadlock", NULL, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2);
		expect_out(r, "other ran\n");
		cr_expect(!strstr(r.out, "not reached"));
		expect_err_prefix(r, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
		run_free(&r);
	}
}

Test(fatal, go_of_nil_func_value)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("go_nil", NULL, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s", test_procs[i], r.status, r.err);
		expect_out(r, "starting\n");
		cr_expect(!strstr(r.out, "go returned"));
		expect_err_prefix(r, "fatal error: go of nil func value\n\ngoroutine 1 [running]:\n");
		expect_err(r, "main(");
		run_free(&r);
	}
}

Test(fatal, thread_creation_failure)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("newosproc_fail", NULL, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s", test_procs[i], r.status, r.err);
		expect_out(r, "limited\n");
		cr_expect(!strstr(r.out, "not reached"));
		/* The new M's thread, or what it needs first (the M itself, its
		   signal stack): whichever mapping the limit refuses first. */
		if (strstr(r.err, "runtime: out of memory: cannot allocate "))
			expect_err(r, "-byte block\nfatal error: out of memory\n\ngoroutine ");
		else
			expect_err(r, " already; errno=11)\n"
			              "runtime: may need to increase max user processes (ulimit -u)\n"
			              "fatal error: newosproc\n\ngoroutine ");
		expect_err(r, "\ngoroutine 1 [");
		/* Once only, though several Ms may fail at the same moment. */
		const char *first = strstr(r.err, "fatal error: ");
		cr_expect(first && !strstr(first + 1, "fatal error: "), "two reports:\n%s", r.err);
		expect_err(r, "\ngoroutine 2 [");
		expect_err(r, "blocker(");
		run_free(&r);
	}
}

Test(fatal, out_of_memory_in_the_runtime)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("oom_select", NULL, NULL, test_procs[i], LIMIT);
		cr_expect_eq(r.status, 2, "GOMAXPROCS=%d status %d\n%s", test_procs[i], r.status, r.err);
		expect_out(r, "limited\n");
		cr_expect(!strstr(r.out, "not reached"));
		expect_err_prefix(r, "runtime: out of memory: cannot allocate ");
		expect_err(r, "-byte block\nfatal error: out of memory\n\ngoroutine 1 [running]:\ngort_select(");
		expect_err(r, "\nmain(");
		run_free(&r);
	}
}

Test(trace, boottrace_prints_every_step)
{
	const char *env[] = { "GODEBUG=boottrace=1", NULL };
	const char *args[] = { "x", NULL };
	struct run r = run_prog("boot_args", args, env, 2, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "status %d\n%s", r.status, r.err);
	const char *steps[] = { "initial stack: sp=0x", "initial stack: argv[1]=x", "initial stack: auxv AT_PAGESZ=0x1000",
		                "__libc_start_main: musl initialised; thread pointer 0x", "m0/g0: m0=0x",
		                "osinit: ncpu=", "schedinit: gomaxprocs=2", "newproc: main goroutine",
		                "mstart: m0 enters the scheduler", "runtime.main: goroutine 1" };
	/* Each there, in the order they happen, and every line of stderr
	   one of the trace's. */
	const char *at = r.err;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		const char *p = strstr(at, steps[i]);
		cr_expect(p, "stderr lacks \"%s\" after \"%s\":\n%s", steps[i], i ? steps[i - 1] : "", r.err);
		if (p)
			at = p;
	}
	for (const char *l = r.err; *l; l = strchr(l, '\n') + 1) {
		cr_expect(!strncmp(l, "boot ", 5), "not a trace line: %.*s", (int)strcspn(l, "\n"), l);
		if (!strchr(l, '\n'))
			break;
	}
	expect_out(r, "argv[1]=x\n");
	run_free(&r);
}

/* The "SCHED Nms:" lines of stderr: how many, and the least gap between
   two in a row. Every line must be one of them, or scheddetail's (which
   start with a space). */
static int schedlines(const char *err, long *mingap)
{
	int n = 0;
	long last = -1;
	*mingap = -1;
	for (const char *l = err; *l; l = strchr(l, '\n') + 1) {
		long ms;
		if (sscanf(l, "SCHED %ldms:", &ms) == 1) {
			if (last >= 0 && (*mingap < 0 || ms - last < *mingap))
				*mingap = ms - last;
			last = ms;
			n++;
		} else
			cr_expect(l[0] == ' ', "not a trace line: %.*s", (int)strcspn(l, "\n"), l);
		if (!strchr(l, '\n'))
			break;
	}
	return n;
}

Test(trace, schedtrace_in_go_format)
{
	/* busy_trace runs 300 ms: with a line every 40 ms, several lines
	   and none closer than 40 ms to the one before, give or take the
	   time between sysmon's clock reading and the trace's own. */
	const char *env[] = { "GODEBUG=schedtrace=40", NULL };
	struct run r = run_prog("busy_trace", NULL, env, 2, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "status %d\n%s", r.status, r.err);
	cr_expect_str_eq(r.out, "ok 1\n");
	long gap;
	int n = schedlines(r.err, &gap);
	cr_expect(n >= 3 && gap >= 20, "%d SCHED lines, least gap %ld ms:\n%s", n, gap, r.err);
	expect_err(r, "SCHED ");
	expect_err(r, "ms: gomaxprocs=2 idleprocs=");
	expect_err(r, " threads=");
	expect_err(r, " spinningthreads=");
	expect_err(r, " idlethreads=");
	expect_err(r, " runqueue=");
	run_free(&r);

	const char *env2[] = { "GODEBUG=schedtrace=40,scheddetail=1", NULL };
	r = run_prog("busy_trace", NULL, env2, 2, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "scheddetail: status %d\n%s", r.status, r.err);
	cr_expect_str_eq(r.out, "ok 1\n");
	n = schedlines(r.err, &gap);
	cr_expect(n >= 3 && gap >= 20, "%d SCHED lines, least gap %ld ms:\n%s", n, gap, r.err);
	expect_err(r, "  P0: status=");
	expect_err(r, "  M0: p=");
	expect_err(r, "  G1: status=");
	run_free(&r);
}

Test(ordinary, exit_status_and_flush)
{
	for (int i = 0; i < 3; i++) {
		const char *a1[] = { "noflush", NULL };
		struct run r = run_prog("ordinary", a1, NULL, test_procs[i], LIMIT);
		expect_exit(r, 3, test_procs[i]);
		cr_expect_str_eq(r.out, "unterminated line");
		run_free(&r);
		const char *a2[] = { "exit", NULL };
		r = run_prog("ordinary", a2, NULL, test_procs[i], LIMIT);
		expect_exit(r, 4, test_procs[i]);
		cr_expect_str_eq(r.out, "via exit");
		run_free(&r);
	}
}

/* Killed by the signal, as a C program is, with nothing said on stderr
   (the runtime's crash report is for signals it raised itself). */
Test(ordinary, signals_keep_their_default_actions)
{
	static const struct {
		const char *mode;
		int status;
		const char *out;
	} cases[] = { { "raise", 128 + 15, "about to raise\n" },
		      { "abort", 128 + 6, "" },
		      { "segv", 128 + 11, "" },
		      { "killsegv", 128 + 11, "" } };
	for (int i = 0; i < 3; i++)
		for (int c = 0; c < 4; c++) {
			const char *a[] = { cases[c].mode, NULL };
			struct run r = run_prog("ordinary", a, NULL, test_procs[i], LIMIT);
			cr_expect_eq(r.status, cases[c].status, "%s GOMAXPROCS=%d: status %d\n%s", cases[c].mode,
			             test_procs[i], r.status, r.err);
			cr_expect_str_eq(r.out, cases[c].out, "%s: stdout %s", cases[c].mode, r.out);
			cr_expect_str_empty(r.err, "%s GOMAXPROCS=%d: stderr %s", cases[c].mode, test_procs[i], r.err);
			run_free(&r);
		}
}

Test(ordinary, fork_exec_popen_system)
{
	const char *a[] = { "procs", NULL };
	const char *want[] = { "from exec\nchild exit 5\npopen read: from popen\npclose 0\n", "system 6\n", NULL };
	run_ok("ordinary", a, want, LIMIT);
}

Test(ordinary, waits_are_cut_short_by_handlers_as_in_c)
{
	const char *a[] = { "waits", NULL };
	const char *want[] = { "pipe read: EINTR\nsocket recv: EINTR\npoll: EINTR\n"
			       "nanosleep: EINTR, remainder over 4 s: 1\nSA_RESTART read: 1 'b', alarms 5\n",
			       NULL };
	run_ok("ordinary", a, want, LIMIT);
}

Test(ordinary, files_locks_and_mmap)
{
	/* No descriptor of the runtime's own is open: the first one is 3. */
	const char *a[] = { "files", NULL };
	const char *want[] = { "first fd 3\nflock 0\nread back mapped\n", NULL };
	run_ok("ordinary", a, want, LIMIT);
}

Test(ordinary, own_allocator_replaces_malloc)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("own_malloc", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "sum=7000 own malloc used: 1\n");
		run_free(&r);
	}
}

Test(ordinary, program_threads_beside_goroutines)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("pthread_mix", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "shared=4000 bad=0 goroutines=50\n");
		run_free(&r);
	}
}

Test(sched, go_fails_with_enomem_when_memory_runs_out)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("spawn_enomem", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		expect_out(r, "go failed: Out of memory, after more than 100: 1\n");
		expect_out(r, " ended\n");
		run_free(&r);
	}
}

Test(sched, yield_storm_with_preemption)
{
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 3; i++) {
			struct run r = run_prog("sched_yield_stress", NULL, NULL, test_procs[i], LIMIT);
			expect_exit(r, 0, test_procs[i]);
			cr_expect_str_eq(r.out, "ok 1\n");
			run_free(&r);
		}
}

Test(boot, program_may_use_the_runtimes_internal_names)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("user_names", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		cr_expect_str_eq(r.out, "goroutine ran\n2 3 f 3 4 4 5 6 7 8 9\n");
		run_free(&r);
	}
}

Test(fatal, waiting_on_a_programs_own_thread_is_no_deadlock)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("pthread_wakes", NULL, NULL, test_procs[i], LIMIT);
		expect_exit(r, 0, test_procs[i]);
		cr_expect_str_eq(r.out, "woken by a pthread, ok=0\n");
		run_free(&r);
	}
}

/* ---- Go 1.19's runtime/crash_test.go (tests/prog/crash_gotest.c) ----
   Each scenario under every GOMAXPROCS, with Go's checks on the output
   (Go's tests read stdout and stderr together; here the fatal error's
   part must be on stderr) and gort(7)'s exit status 2. */

static struct run run_crash(const char *name, int procs)
{
	const char *args[] = { name, NULL };
	struct run r = run_prog("crash_gotest", args, NULL, procs, LIMIT);
	cr_expect(!r.timedout, "%s GOMAXPROCS=%d timed out\n%s%s", name, procs, r.out, r.err);
	cr_expect(!strstr(r.out, "not reached"), "%s: went on after the error:\n%s", name, r.out);
	return r;
}

#define expect_status(r, name, procs, want)                                                                     \
	cr_expect_eq((r).status, (want), "%s GOMAXPROCS=%d status %d\n%s%s", (name), (procs), (r).status, (r).out, \
	             (r).err)

/* TestSimpleDeadlock and TestInitDeadlock: select {} in main, and in a
   constructor (Go's init): the output starts with the deadlock message. */
Test(fatal, go_TestSimpleDeadlock_and_InitDeadlock)
{
	const char *names[] = { "SimpleDeadlock", "InitDeadlock" };
	const char *where[] = { "\nSimpleDeadlock(", "\ninit(" };
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 3; i++) {
			struct run r = run_crash(names[k], test_procs[i]);
			expect_status(r, names[k], test_procs[i], 2);
			cr_expect_str_empty(r.out, "%s: %s", names[k], r.out);
			expect_err_prefix(r, "fatal error: all goroutines are asleep - deadlock!\n\n"
			                     "goroutine 1 [select (no cases)]:\n");
			expect_err(r, where[k]);
			run_free(&r);
		}
}

/* TestGoexitDeadlock and TestGoexitCrash (testprog's GoexitExit): main
   calls Goexit once its goroutines have ended, or while one still sleeps. */
Test(fatal, go_TestGoexitDeadlock_and_GoexitCrash)
{
	const char *names[] = { "GoexitDeadlock", "GoexitExit" };
	const char *out[] = { "", "t1\nt2\nt3\nt4\n" };
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 3; i++) {
			struct run r = run_crash(names[k], test_procs[i]);
			expect_status(r, names[k], test_procs[i], 2);
			cr_expect_str_eq(r.out, out[k], "%s stdout: %s", names[k], r.out);
			expect_err(r, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
			run_free(&r);
		}
}

/* TestStackOverflow: 64 KiB frames without end in main. Go's first line
   names no goroutine ("runtime: goroutine stack exceeds 1474560-byte
   limit"); gort names it, and main's limit is its thread's. Its
   twin runs in a goroutine of Go's SetMaxStack size (StackOverflowGoroutine):
   frames four times the guard must still meet it, not the stack below. */
Test(stack, go_TestStackOverflow)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_crash("StackOverflowGoroutine", test_procs[i]);
		expect_status(r, "StackOverflowGoroutine", test_procs[i], 2);
		expect_err_prefix(r, "runtime: goroutine 2 stack exceeds 1474560-byte limit\n");
		expect_err(r, "\nruntime: set GORTSTACK (e.g. GORTSTACK=8m) or call gort_stacksize() for bigger goroutine stacks\n");
		expect_err(r, "fatal error: stack overflow");
		expect_err(r, "\n\ngoroutine 2 [running]:\nf64k(");
		run_free(&r);
	}
	for (int i = 0; i < 3; i++) {
		struct run r = run_crash("StackOverflow", test_procs[i]);
		expect_status(r, "StackOverflow", test_procs[i], 2);
		expect_err_prefix(r, "runtime: goroutine 1 stack exceeds ");
		const char *nl = strchr(r.err, '\n');
		cr_expect(nl && nl - r.err > 11 && strncmp(nl - 11, "-byte limit", 11) == 0, "first line:\n%s", r.err);
		expect_err(r, "fatal error: stack overflow");
		/* information about the current SP and stack bounds */
		expect_err(r, "runtime: sp=");
		expect_err(r, "stack=[");
		/* main's stack is RLIMIT_STACK's size: the remedy is ulimit. */
		expect_err(r, "]\nruntime: raise RLIMIT_STACK (e.g. ulimit -s ");
		expect_err(r, "\n\ngoroutine 1 [running]:\nf64k(");
		run_free(&r);
	}
}

/* TestMainGoroutineID: a panic in main is goroutine 1's. */
Test(fatal, go_TestMainGoroutineID)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_crash("MainGoroutineID", test_procs[i]);
		expect_status(r, "MainGoroutineID", test_procs[i], 2);
		expect_err_prefix(r, "panic: close of nil channel\n\ngoroutine 1 [running]:\n");
		run_free(&r);
	}
}

/* TestNoHelperGoroutines: with the runtime's timers, poller and sysmon
   up, a panic's traceback shows goroutine 1 and no other: Go's
   `goroutine [0-9]+ \[` matches once, as "goroutine 1 [". */
Test(fatal, go_TestNoHelperGoroutines)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_crash("NoHelperGoroutines", test_procs[i]);
		expect_status(r, "NoHelperGoroutines", test_procs[i], 2);
		expect_out(r, "panicking\n");
		int n = 0;
		const char *first = NULL;
		for (const char *p = r.err; (p = strstr(p, "goroutine ")) != NULL; p++) {
			const char *q = p + 10;
			if (*q < '0' || *q > '9')
				continue;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q[0] != ' ' || q[1] != '[')
				continue;
			if (!first)
				first = p;
			n++;
		}
		cr_expect(n == 1 && strncmp(first, "goroutine 1 [", 13) == 0, "want to see only goroutine 1, see:\n%s",
		          r.err);
		run_free(&r);
	}
}

/* TestNetpollDeadlock: a constructor dials through the network poller
   before main; the program then ends normally, its output ending "done". */
Test(boot, go_TestNetpollDeadlock)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_crash("NetpollDeadlock", test_procs[i]);
		expect_status(r, "NetpollDeadlock", test_procs[i], 0);
		size_t n = strlen(r.out);
		cr_expect(n >= 5 && strcmp(r.out + n - 5, "done\n") == 0, "output does not end with \"done\\n\":\n%s",
		          r.out);
		expect_out(r, "dialing\n");
		cr_expect_str_empty(r.err, "stderr:\n%s", r.err);
		run_free(&r);
	}
}

/* The preemption handler comes with the first go(), and leaves alone a
   SIGURG handler the program installed before. */
Test(sched, a_sigurg_handler_of_the_programs_own_stays)
{
	struct run r = run_prog("urg_own", NULL, NULL, 1, LIMIT);
	expect_exit(r, 0, 1);
	cr_expect_str_eq(r.out, "own SIGURG handler ran\n");
	run_free(&r);
}

/* sysmon interrupts a long-running goroutine only when something else
   wants its P: alone, it gets no SIGURG. The control run, with a goroutine
   waiting, shows the count would see them. */
Test(sched, a_busy_goroutine_alone_gets_no_preemption_signals)
{
	const char *alone[] = { "strace", "-f", "-qq", "-e", "trace=none", "-e", "signal=SIGURG",
		                build_path("tests/prog/busy_alone"), NULL };
	const char *env[] = { "GOMAXPROCS=1", NULL };
	struct run r = run_cmd(alone, env, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "status %d\n%s", r.status, r.err);
	cr_expect_str_eq(r.out, "spun\n");
	cr_expect(!strstr(r.err, "SIGURG"), "signals to a goroutine alone:\n%s", r.err);
	run_free(&r);
	const char *waited[] = { "strace", "-f", "-qq", "-e", "trace=none", "-e", "signal=SIGURG",
		                 build_path("tests/prog/busy_alone"), "x", NULL };
	r = run_cmd(waited, env, LIMIT);
	cr_expect(r.status == 0 && !r.timedout, "status %d\n%s", r.status, r.err);
	cr_expect(strstr(r.err, "SIGURG"), "no signal though a goroutine waited:\n%s", r.err);
	run_free(&r);
}
