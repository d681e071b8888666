/*
 * progs_bare.c: the programs that use only <gort.h>, gort_printf and the
 * compiler's freestanding headers (tests/prog/bare_*.c), run in both
 * modes: as every test program is built (gortcc) and built again with
 * gortcc -nolibc (build/tests/prog-nolibc/), each under GOMAXPROCS=1, 2
 * and 4, with the same expected output. Then what only bare mode
 * promises: crt0's arch_prctl is the first system call, threads come from
 * clone, no symbol of musl is in the binary, a hello is small, and a
 * program that reaches for the C library is told there is none.
 *
 * Until gortcc -nolibc exists (lib/libgort-bare.a, which it links), the
 * bare_mode tests are skipped, saying so.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define LIMIT 120.0

static const char *const nolibc[] = { "-nolibc", NULL };

/* gortcc -nolibc links lib/libgort-bare.a: bare mode exists once it does. */
static bool havebare(void)
{
	return access("lib/libgort-bare.a", F_OK) == 0;
}

/* Build name for bare mode, or skip the test while there is none. */
static void needbare(const char *name)
{
	if (!havebare())
		cr_skip_test("bare mode not tested: gortcc -nolibc does not exist yet (no lib/libgort-bare.a)");
	struct run r = build_prog("nolibc", name, nolibc);
	cr_assert(r.status == 0 && !r.timedout, "gortcc -nolibc %s failed (%d):\n%s%s", name, r.status, r.out,
	          r.err);
	run_free(&r);
}

static struct run runmode(bool bare, const char *name, const char *const *args, int procs)
{
	if (bare)
		return run_variant("nolibc", name, args, NULL, procs, LIMIT);
	return run_prog(name, args, NULL, procs, LIMIT);
}

static const char *modename(bool bare)
{
	return bare ? "gortcc -nolibc" : "gortcc";
}

/* name with arg (NULL: none) under every GOMAXPROCS: status 0, nothing on
   stderr, and stdout exactly want; with procsline, then
   "gomaxprocs=N\n". */
static void expect_run1(bool bare, const char *name, const char *arg, const char *want, bool procsline)
{
	const char *args[] = { arg, NULL };
	for (int i = 0; i < 3; i++) {
		static char w[16384];
		snprintf(w, sizeof w, "%s", want);
		if (procsline)
			snprintf(w + strlen(w), sizeof w - strlen(w), "gomaxprocs=%d\n", test_procs[i]);
		struct run r = runmode(bare, name, args, test_procs[i]);
		cr_expect(!r.timedout, "%s %s, %s, GOMAXPROCS=%d: timed out", name, arg ? arg : "", modename(bare),
		          test_procs[i]);
		cr_expect_eq(r.status, 0, "%s %s, %s, GOMAXPROCS=%d: status %d\n%s%s", name, arg ? arg : "",
		             modename(bare), test_procs[i], r.status, r.out, r.err);
		cr_expect_str_empty(r.err, "%s, %s, GOMAXPROCS=%d: stderr:\n%s", name, modename(bare), test_procs[i],
		                    r.err);
		cr_expect_str_eq(r.out, w, "%s %s, %s, GOMAXPROCS=%d: stdout:\n%s\nwanted:\n%s", name, arg ? arg : "",
		                 modename(bare), test_procs[i], r.out, w);
		run_free(&r);
	}
}

static void expect_run(bool bare, const char *name, const char *arg, const char *want)
{
	expect_run1(bare, name, arg, want, false);
}

/* ---- gort_printf, gort_write ---- */

static const char conv_out[] =
	"d: 0 -1 2147483647 -2147483648 42\n"
	"l: -9223372036854775808 9223372036854775807 -7\n"
	"ll: -9223372036854775808 9223372036854775807 -1\n"
	"u: 0 4294967295 18446744073709551615 18446744073709551615 18446744073709551615\n"
	"x: 0 deadbeef ffffffffffffffff 123456789abcdef ff ABC\n"
	"zd: -5 9223372036854775807\n"
	"h: -2 -1 65535 200\n"
	"s: [abc] [(null)] [abc] [   ab] [ab   ] []\n"
	"c: go! [  x] [y  ]\n"
	"p: 0x0 0x1234 0xffffffffffffffff\n"
	"%: 100% %d\n"
	"width: [   42] [42   ] [-0042] [+7] [ 7] [005] [   9] [9   ] [0x1f] [0]\n"
	"bad: %!q|%\n"
	"12345\n"
	"returned 6\n"
	"empty returned 0\n";

static const char write_out[] = "raw write\nwrite returned 10, bad fd -1 EBADF=1\nzero bytes 0\n";

/* The long line: the alphabet over and over, 10,000 bytes. */
static void expect_long(bool bare)
{
	static char want[10100];
	for (int i = 0; i < 10000; i++)
		want[i] = (char)('a' + i % 26);
	strcpy(want + 10000, "\nlong returned 10001\n");
	expect_run(bare, "bare_print", "long", want);
}

/* Every line of the concurrent printers whole: "pN", N's letter 3000
   times, a number; each printer's 100 lines. */
static void expect_concurrent(bool bare)
{
	const char *args[] = { "concurrent", NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = runmode(bare, "bare_print", args, test_procs[i]);
		cr_expect_eq(r.status, 0, "%s GOMAXPROCS=%d status %d\n%s", modename(bare), test_procs[i], r.status, r.err);
		int lines[8] = { 0 }, bad = 0;
		char *p = r.out;
		for (char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = 0;
			if (!strcmp(p, "printers done"))
				continue;
			int id = p[0] == 'p' && p[1] >= '0' && p[1] <= '7' && p[2] == ' ' ? p[1] - '0' : -1;
			size_t n = strspn(p + 3, (char[]){ (char)('A' + (id < 0 ? 0 : id)), 0 });
			if (id < 0 || n != 3000 || p[3003] != ' ' || strspn(p + 3004, "0123456789") != strlen(p + 3004)) {
				if (bad++ < 3)
					cr_log_error("%s GOMAXPROCS=%d: a broken line: %.60s...", modename(bare), test_procs[i], p);
				continue;
			}
			lines[id]++;
		}
		cr_expect_eq(bad, 0, "%s GOMAXPROCS=%d: %d lines cut by other printers", modename(bare), test_procs[i], bad);
		for (int k = 0; k < 8; k++)
			cr_expect_eq(lines[k], 100, "%s GOMAXPROCS=%d: printer %d has %d whole lines", modename(bare),
			             test_procs[i], k, lines[k]);
		run_free(&r);
	}
}

Test(default_mode, printf_conversions_and_edge_values)
{
	expect_run(false, "bare_print", "conv", conv_out);
}

Test(bare_mode, printf_conversions_and_edge_values)
{
	needbare("bare_print");
	expect_run(true, "bare_print", "conv", conv_out);
}

Test(default_mode, printf_longer_than_its_buffer)
{
	expect_long(false);
}

Test(bare_mode, printf_longer_than_its_buffer)
{
	needbare("bare_print");
	expect_long(true);
}

Test(default_mode, printf_lines_of_concurrent_goroutines_stay_whole)
{
	expect_concurrent(false);
}

Test(bare_mode, printf_lines_of_concurrent_goroutines_stay_whole)
{
	needbare("bare_print");
	expect_concurrent(true);
}

Test(default_mode, write_and_its_errno)
{
	expect_run(false, "bare_print", "write", write_out);
}

Test(bare_mode, write_and_its_errno)
{
	needbare("bare_print");
	expect_run(true, "bare_print", "write", write_out);
}

/* ---- channels, select, sync, timers, the scheduler ---- */

static const char chan_out[] =
	"buffered: sum=10 fifo=1 len=0\n"
	"unbuffered: got=1000 inorder=1 after-close v=0\n"
	"close: drained 1 1 then ok=0 v=0\n"
	"close: 10 receivers woken\n"
	"sizes: big=50 good=1 zero=100\n"
	"many: total=800020000 want=800020000\n";

static const char select_out[] =
	"default: -1 -1\n"
	"timeout: 20 timed out, early=0\n"
	"random: both chosen often: 1\n"
	"send: 100 sent; closed: case 1 ok=0 v=0\n"
	"pingpong: 10000\n";

static const char sync_out[] =
	"mutex: counter=160000 overlap=0 state=0\n"
	"trylock: free=1 held=0\n"
	"waitgroup: 300 done in 3 rounds, state=0\n";

static const char time_out[] =
	"order: 1 2 3 4 5 6 7 8\n"
	"early=0\n"
	"monotonic: back=0\n"
	"parks: others ran during the sleep: 1\n";

static const char sched_out[] =
	"many: sum=50005000 want=50005000\n"
	"tree: nodes=8191\n"
	"yield: turns=2000\n"
	"goid: main=1 other>main=1\n"
	"gomaxprocs: set 3 returned the old one=1 now=3 restored=1 numcpu>0=1\n";

Test(default_mode, channels)
{
	expect_run(false, "bare_chan", NULL, chan_out);
}

Test(bare_mode, channels)
{
	needbare("bare_chan");
	expect_run(true, "bare_chan", NULL, chan_out);
}

Test(default_mode, select)
{
	expect_run(false, "bare_select", NULL, select_out);
}

Test(bare_mode, select)
{
	needbare("bare_select");
	expect_run(true, "bare_select", NULL, select_out);
}

Test(default_mode, mutex_and_waitgroup)
{
	expect_run(false, "bare_sync", NULL, sync_out);
}

Test(bare_mode, mutex_and_waitgroup)
{
	needbare("bare_sync");
	expect_run(true, "bare_sync", NULL, sync_out);
}

Test(default_mode, timers_and_sleep)
{
	expect_run(false, "bare_time", NULL, time_out);
}

Test(bare_mode, timers_and_sleep)
{
	needbare("bare_time");
	expect_run(true, "bare_time", NULL, time_out);
}

Test(default_mode, scheduler)
{
	expect_run1(false, "bare_sched", NULL, sched_out, true);
}

Test(bare_mode, scheduler)
{
	needbare("bare_sched");
	expect_run1(true, "bare_sched", NULL, sched_out, true);
}

/* ---- fatal errors and the exit status ---- */

/* bare_fatal with mode under every GOMAXPROCS: "before" on stdout and
   nothing after it, status, stderr starting with first and holding
   then (NULL: anything), a goroutine's traceback if traceback. */
static void expect_fatal(bool bare, const char *mode, int status, const char *first, const char *then,
                         bool traceback)
{
	const char *args[] = { mode, NULL };
	for (int i = 0; i < 3; i++) {
		struct run r = runmode(bare, "bare_fatal", args, test_procs[i]);
		const char *m = modename(bare);
		cr_expect_eq(r.status, status, "%s, %s, GOMAXPROCS=%d: status %d\n%s", mode, m, test_procs[i], r.status,
		             r.err);
		cr_expect_str_eq(r.out, "before\n", "%s, %s: stdout:\n%s", mode, m, r.out);
		cr_expect(!strncmp(r.err, first, strlen(first)), "%s, %s, GOMAXPROCS=%d: stderr does not start with %s:\n%s",
		          mode, m, test_procs[i], first, r.err);
		if (!*first)
			cr_expect_str_empty(r.err, "%s, %s: stderr:\n%s", mode, m, r.err);
		if (then)
			cr_expect(strstr(r.err, then), "%s, %s: stderr lacks %s:\n%s", mode, m, then, r.err);
		if (traceback)
			cr_expect(strstr(r.err, "\ngoroutine "), "%s, %s: no traceback:\n%s", mode, m, r.err);
		run_free(&r);
	}
}

static void fatals(bool bare)
{
	expect_fatal(bare, "deadlock", 2, "fatal error: all goroutines are asleep - deadlock!\n", NULL, true);
	expect_fatal(bare, "panic", 2, "panic: close of closed channel\n", NULL, true);
	expect_fatal(bare, "overflow", 2, "runtime: goroutine 2 stack exceeds 262144-byte limit\n",
	             "fatal error: stack overflow\n\ngoroutine 2 [running]:\nrecurse(", true);
	expect_fatal(bare, "unlock", 2, "fatal error: sync: unlock of unlocked mutex\n", NULL, true);
	/* As in Go: no goroutine is left to trace. */
	expect_fatal(bare, "goexit", 2, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n", NULL,
	             false);
	expect_fatal(bare, "status", 3, "", NULL, false);
}

Test(default_mode, fatal_errors_and_exit_status)
{
	fatals(false);
}

Test(bare_mode, fatal_errors_and_exit_status)
{
	needbare("bare_fatal");
	fatals(true);
}
