/*
 * progs_fileline.c: file:line in tracebacks (runtime/dwarfline.c). One
 * deadlock program, tests/prog/trace_fileline.c, built four ways by the
 * Makefile: with -g (DWARF 5, gcc's default), with -gdwarf-4, without -g
 * (names and offsets) and stripped (addresses, which addr2line turns back
 * into lines with the unstripped binary).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define LIMIT 60.0
#define SRC "tests/prog/trace_fileline.c"

static const char *deadlock = "fatal error: all goroutines are asleep - deadlock!\n";

/* The line of the source that carries "MARK: what". */
static int markline(const char *what)
{
	FILE *f = fopen(SRC, "r");
	cr_assert(f, "cannot open %s", SRC);
	char buf[512], want[128];
	snprintf(want, sizeof want, "MARK: %s", what);
	for (int n = 1; fgets(buf, sizeof buf, f); n++)
		if (strstr(buf, want)) {
			fclose(f);
			return n;
		}
	fclose(f);
	cr_assert_fail("no \"%s\" in %s", want, SRC);
	return 0;
}

/* The position line under head ("name(...)\n\t" or "created by name\n\t"),
   without its tab, in a static buffer; "" when head is absent. */
static const char *posline(const char *err, const char *head)
{
	static char line[512];
	const char *p = strstr(err, head);
	line[0] = 0;
	if (!p)
		return line;
	p += strlen(head);
	size_t n = strcspn(p, "\n");
	if (n >= sizeof line)
		n = sizeof line - 1;
	memcpy(line, p, n);
	line[n] = 0;
	return line;
}

/* The frame under head is at SRC:line, by its absolute path, with an
   offset: "/.../tests/prog/trace_fileline.c:LINE +0x...". */
static void expect_at(const struct run *r, int procs, const char *head, int line)
{
	const char *pos = posline(r->err, head);
	char want[128];
	snprintf(want, sizeof want, "/" SRC ":%d +0x", line);
	const char *at = strstr(pos, want);
	cr_expect(pos[0] == '/' && at,
	          "GOMAXPROCS=%d: \"%s\" is at \"%s\", want \"...%s\"\n%s", procs, head, pos, want, r->err);
}

static void expect_deadlock(const struct run *r, const char *name, int procs)
{
	cr_expect(!r->timedout, "%s GOMAXPROCS=%d timed out", name, procs);
	cr_expect_eq(r->status, 2, "%s GOMAXPROCS=%d status %d\n%s", name, procs, r->status, r->err);
	cr_expect(strstr(r->err, deadlock), "%s GOMAXPROCS=%d:\n%s", name, procs, r->err);
	cr_expect(strstr(r->err, "goroutine 1 [chan receive]:\n"), "%s GOMAXPROCS=%d:\n%s", name, procs, r->err);
	cr_expect(!strstr(r->out, "not reached"), "%s went on:\n%s", name, r->out);
}

/* Built with -g (DWARF 5) or -gdwarf-4: every frame of the program and of
   the runtime names its file and line, and so does "created by". */
static void expect_lines(const char *name)
{
	int blocks = markline("waitfor blocks"), calls = markline("worker calls");
	int gol = markline("go worker"), mainl = markline("main blocks");
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog(name, NULL, NULL, test_procs[i], LIMIT);
		expect_deadlock(&r, name, test_procs[i]);
		expect_at(&r, test_procs[i], "\nwaitfor(...)\n\t", blocks);
		expect_at(&r, test_procs[i], "\nworker(...)\n\t", calls);
		expect_at(&r, test_procs[i], "\ncreated by main\n\t", gol);
		expect_at(&r, test_procs[i], "\nmain(...)\n\t", mainl);
		const char *rt = posline(r.err, "\ngort_chan_recv(...)\n\t");
		cr_expect(rt[0] == '/' && strstr(rt, "/runtime/chan.c:") && strstr(rt, " +0x") && !strstr(rt, "pc="),
		          "%s GOMAXPROCS=%d: runtime frame at \"%s\"\n%s", name, test_procs[i], rt, r.err);
		run_free(&r);
	}
}

Test(fileline, deadlock_names_file_and_line_with_dwarf5)
{
	expect_lines("trace_fileline");
}

Test(fileline, deadlock_names_file_and_line_with_dwarf4)
{
	expect_lines("trace_fileline-dwarf4");
}

/* Without -g: names, offsets and pcs, as before line tables. */
Test(fileline, without_debug_info_names_and_offsets)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("trace_fileline-nodebug", NULL, NULL, test_procs[i], LIMIT);
		expect_deadlock(&r, "trace_fileline-nodebug", test_procs[i]);
		const char *heads[] = { "\nwaitfor(...)\n\t", "\nworker(...)\n\t", "\ncreated by main\n\t", "\nmain(...)\n\t" };
		for (int j = 0; j < 4; j++) {
			const char *pos = posline(r.err, heads[j]);
			cr_expect(!strncmp(pos, "+0x", 3) && strstr(pos, " pc=0x"),
			          "GOMAXPROCS=%d: \"%s\" is at \"%s\"\n%s", test_procs[i], heads[j], pos, r.err);
		}
		cr_expect(!strstr(r.err, ".c:"), "a line without line tables:\n%s", r.err);
		run_free(&r);
	}
}

/* Stripped: addresses alone; addr2line on the unstripped binary turns the
   waiting frame's return address, less one, back into its line. */
Test(fileline, stripped_binary_prints_pcs_for_addr2line)
{
	char want[128];
	snprintf(want, sizeof want, "%s:%d", SRC, markline("waitfor blocks"));
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog("trace_fileline-stripped", NULL, NULL, test_procs[i], LIMIT);
		expect_deadlock(&r, "trace_fileline-stripped", test_procs[i]);
		cr_expect(!strstr(r.err, "waitfor") && !strstr(r.err, ".c:"), "names in a stripped binary:\n%s", r.err);
		cr_expect(strstr(r.err, "\ncreated by ?\n\tpc=0x"), "%s", r.err);
		/* goroutine 2's frames: gort_chan_recv (which the program called;
		   the runtime's frames below it are not shown), then waitfor. */
		const char *p = strstr(r.err, "goroutine 2 [chan receive]:\n");
		cr_assert(p, "%s", r.err);
		for (int f = 0; f < 2 && p; f++)
			p = strstr(p + 1, "?(...)\n\tpc=0x");
		cr_assert(p, "%s", r.err);
		unsigned long pc = strtoul(p + strlen("?(...)\n\tpc="), NULL, 16);
		char addr[32];
		snprintf(addr, sizeof addr, "%#lx", pc - 1);
		const char *argv[] = { "addr2line", "-f", "-e", build_path("tests/prog/trace_fileline"), addr, NULL };
		struct run a = run_cmd(argv, NULL, LIMIT);
		cr_expect(!strncmp(a.out, "waitfor\n", 8) && strstr(a.out, want),
		          "addr2line %s: \"%s\", want waitfor at %s\n%s", addr, a.out, want, a.err);
		run_free(&a);
		run_free(&r);
	}
}
