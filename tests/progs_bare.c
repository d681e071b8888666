/*
 * progs_bare.c: the programs that use only <gort.h>, gort_printf and the
 * compiler's freestanding headers (tests/prog/bare_*.c), run in both
 * modes: as every test program is built (gortcc) and built again with
 * gortcc -nolibc (the Makefile's build/tests/prog/bare/), each under
 * GOMAXPROCS=1, 2 and 4, with the same expected output. Then what only bare mode
 * promises: crt0's arch_prctl is the first system call, threads come from
 * clone, no symbol of musl is in the binary, a hello is small, and a
 * program that reaches for the C library is told there is none.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define LIMIT 120.0

static struct run runmode(bool bare, const char *name, const char *const *args, int procs)
{
	char rel[256];
	snprintf(rel, sizeof rel, "%s%s", bare ? "bare/" : "", name);
	return run_prog(rel, args, NULL, procs, LIMIT);
}

/* Where the Makefile put name's bare build. */
static const char *barepath(const char *name)
{
	static char rel[256];
	snprintf(rel, sizeof rel, "tests/prog/bare/%s", name);
	return build_path(rel);
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
	expect_run(true, "bare_print", "conv", conv_out);
}

Test(default_mode, printf_longer_than_its_buffer)
{
	expect_long(false);
}

Test(bare_mode, printf_longer_than_its_buffer)
{
	expect_long(true);
}

Test(default_mode, printf_lines_of_concurrent_goroutines_stay_whole)
{
	expect_concurrent(false);
}

Test(bare_mode, printf_lines_of_concurrent_goroutines_stay_whole)
{
	expect_concurrent(true);
}

Test(default_mode, write_and_its_errno)
{
	expect_run(false, "bare_print", "write", write_out);
}

Test(bare_mode, write_and_its_errno)
{
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
	"sleepers: all woke=1 early=0\n"
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
	expect_run(true, "bare_chan", NULL, chan_out);
}

Test(default_mode, select)
{
	expect_run(false, "bare_select", NULL, select_out);
}

Test(bare_mode, select)
{
	expect_run(true, "bare_select", NULL, select_out);
}

Test(default_mode, mutex_and_waitgroup)
{
	expect_run(false, "bare_sync", NULL, sync_out);
}

Test(bare_mode, mutex_and_waitgroup)
{
	expect_run(true, "bare_sync", NULL, sync_out);
}

Test(default_mode, timers_and_sleep)
{
	expect_run(false, "bare_time", NULL, time_out);
}

Test(bare_mode, timers_and_sleep)
{
	expect_run(true, "bare_time", NULL, time_out);
}

Test(default_mode, scheduler)
{
	expect_run1(false, "bare_sched", NULL, sched_out, true);
}

Test(bare_mode, scheduler)
{
	expect_run1(true, "bare_sched", NULL, sched_out, true);
}

static const char tls_out[] =
	"main: tinit=7 tzero=0 aligned=1\n"
	"locked goroutines: bad=0; main after: tinit=7 tzero=0\n";

Test(default_mode, the_programs_own_thread_locals)
{
	expect_run(false, "bare_tls", NULL, tls_out);
}

Test(bare_mode, the_programs_own_thread_locals)
{
	expect_run(true, "bare_tls", NULL, tls_out);
}

/* At GOMAXPROCS=1 main can finish only if the spinning goroutine is
   stopped by the preemption signal. */
static void expect_preempted(bool bare)
{
	const char *args[] = { "spin", NULL };
	struct run r = runmode(bare, "bare_fatal", args, 1);
	cr_expect(r.status == 0 && !r.timedout, "%s: status %d%s\n%s", modename(bare), r.status,
	          r.timedout ? " (timed out)" : "", r.err);
	cr_expect_str_eq(r.out, "before\nmain returns\n", "%s: stdout:\n%s", modename(bare), r.out);
	run_free(&r);
}

Test(default_mode, a_spinning_goroutine_is_preempted)
{
	expect_preempted(false);
}

Test(bare_mode, a_spinning_goroutine_is_preempted)
{
	expect_preempted(true);
}

Test(bare_mode, boottrace_shows_crt0_laying_out_tls_and_schedtrace_runs)
{
	/* "parks" sleeps 50 ms in main: sysmon traces the scheduler every
	   millisecond meanwhile. */
	const char *env[] = { "GODEBUG=boottrace=1,schedtrace=1", NULL };
	const char *args[] = { "parks", NULL };
	struct run r = run_prog("bare/bare_time", args, env, 2, LIMIT);
	cr_expect_eq(r.status, 0, "status %d\n%s", r.status, r.err);
	const char *want[] = { "crt0: TLS laid out on the initial stack: PT_TLS image 0x", "crt0: arch_prctl(ARCH_SET_FS, 0x",
	                       ") = 0 for m0, the first system call; no C library\n",
	                       "tcbsetup: thread control block per M (bare mode)\n", "SCHED " };
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		cr_expect(strstr(r.err, want[i]), "stderr lacks \"%s\":\n%s", want[i], r.err);
	run_free(&r);
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
	fatals(true);
}

/* ---- what only bare mode promises ---- */

/* The compiler's freestanding headers, and nothing of a C library's:
   what gortcc -nolibc offers a program besides include/bare and gort.h
   (the kernel's headers, for errno.h's numbers, come last). */
static const char *gccinclude(void)
{
	static char dir[4096];
	const char *argv[] = { "gcc", "-print-file-name=include", NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(dir, sizeof dir, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	run_free(&r);
	return dir;
}

static const char *const want_hint = "bare mode has no C library; use gort_printf and gort_write from <gort.h>";
static const char *const link_hint =
	"gortcc -nolibc: puts is the C library's, and bare mode has no C library: use gort_printf and gort_write";

/* Compile src with include/bare and gort.h as gortcc -nolibc offers them,
   through gcc itself: the headers are tested while there is no bare
   runtime to link. */
static struct run compile_bare(const char *src)
{
	const char *argv[] = { "gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-nostdinc",
	                       "-isystem", "include/bare", "-isystem", "include", "-isystem", gccinclude(),
	                       "-idirafter", "lib/kernel", "-DGORT_NOLIBC", "-fsyntax-only", src, NULL };
	return run_cmd(argv, NULL, LIMIT);
}

Test(nolibc_headers, the_bare_programs_compile_with_no_c_library)
{
	const char *progs[] = { "bare_print", "bare_chan", "bare_select", "bare_sync", "bare_time", "bare_sched",
	                        "bare_fatal", "bare_hello", "bare_tls" };
	for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
		char src[256];
		snprintf(src, sizeof src, "tests/prog/%s.c", progs[i]);
		struct run r = compile_bare(src);
		cr_expect_eq(r.status, 0, "%s with bare mode's headers:\n%s", src, r.err);
		run_free(&r);
	}
}

/* A program with the C library's headers, and one with a call of the C
   library's declared by hand. */
static char tmpdir[] = "/tmp/gort-bare-XXXXXX";

static const char *tmpfile_with(const char *name, const char *text)
{
	static char path[256];
	if (strstr(tmpdir, "XXXXXX"))
		cr_assert(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void rmtmp(void)
{
	if (!strstr(tmpdir, "XXXXXX")) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		cr_expect_eq(system(cmd), 0);
	}
}

static const char stdio_prog[] = "#include <gort.h>\n#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n";
static const char puts_prog[] = "#include <gort.h>\nint puts(const char *);\nint mine(void);\n"
                                "int main(void) { puts(\"hi\"); return mine(); }\n";

Test(nolibc_headers, the_c_librarys_headers_say_there_is_none, .fini = rmtmp)
{
	const char *hdrs[] = { "stdio.h", "stdlib.h", "string.h", "unistd.h", "pthread.h", "sys/types.h" };
	for (size_t i = 0; i < sizeof hdrs / sizeof *hdrs; i++) {
		char text[128];
		snprintf(text, sizeof text, "#include <gort.h>\n#include <%s>\n", hdrs[i]);
		struct run r = compile_bare(tmpfile_with("h.c", text));
		cr_expect_neq(r.status, 0, "<%s> compiled in bare mode", hdrs[i]);
		cr_expect(strstr(r.err, want_hint), "<%s>: no hint:\n%s", hdrs[i], r.err);
		run_free(&r);
	}
}

Test(nolibc_headers, a_link_missing_a_c_library_function_says_so, .fini = rmtmp)
{
	/* ld with gortcc -nolibc's script, on a link with no C library. */
	const char *src = tmpfile_with("l.c", puts_prog);
	char out[300];
	snprintf(out, sizeof out, "%s/l", tmpdir);
	const char *argv[] = { "gcc", "-Iinclude", "-nostdlib", "-static", "-Wl,--error-handling-script=lib/nolibc-hint",
	                       "-Wl,-e,main", "-o", out, src, NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, link_hint), "no hint for puts:\n%s", r.err);
	/* The program's own missing function is not the C library's. */
	cr_expect(!strstr(r.err, "mine is the C library's"), "%s", r.err);
	cr_expect(strstr(r.err, "undefined reference to `mine'"), "%s", r.err);
	run_free(&r);
}

Test(bare_mode, stdio_h_and_a_c_library_call_are_errors, .fini = rmtmp)
{
	const char *src = tmpfile_with("s.c", stdio_prog);
	char out[300];
	snprintf(out, sizeof out, "%s/s", tmpdir);
	const char *cc[] = { "bin/gortcc", "-nolibc", "-O2", "-o", out, src, NULL };
	struct run r = run_cmd(cc, NULL, LIMIT);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, want_hint), "<stdio.h>: no hint:\n%s", r.err);
	run_free(&r);
	src = tmpfile_with("p.c", puts_prog);
	const char *ld[] = { "bin/gortcc", "-nolibc", "-O2", "-o", out, src, NULL };
	r = run_cmd(ld, NULL, LIMIT);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, link_hint), "puts: no hint:\n%s", r.err);
	run_free(&r);
}

/* The first system call after execve is crt0's arch_prctl(ARCH_SET_FS). */
Test(bare_mode, the_first_system_call_is_arch_prctl)
{
	const char *argv[] = { "strace", barepath("bare_hello"), NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "hello, world\n");
	const char *e = strstr(r.err, "execve(");
	const char *nl = e ? strchr(e, '\n') : 0;
	cr_expect(nl && !strncmp(nl + 1, "arch_prctl(ARCH_SET_FS, ", 24), "not first:\n%s", r.err);
	run_free(&r);
}

/* Ms are made by clone with Go's flags (os_linux.go's cloneFlags), not by
   a C library's pthread_create (clone3, or clone with the thread-exit
   flags CLONE_CHILD_CLEARTID and CLONE_DETACHED). */
Test(bare_mode, threads_come_from_clone)
{
	const char *argv[] = { "strace", "-f", "-qq", "-e", "trace=clone,clone3", barepath("bare_sched"), "many", NULL };
	const char *env[] = { "GOMAXPROCS=4", NULL };
	struct run r = run_cmd(argv, env, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	const char *flags[] = { "CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_SYSVSEM",
	                        "CLONE_THREAD" };
	int clones = 0;
	for (char *p = r.err; (p = strstr(p, "clone(")); p++) {
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
		clones++;
		for (int i = 0; i < 6; i++)
			cr_expect(strstr(line, flags[i]), "no %s: %s", flags[i], line);
		cr_expect(!strstr(line, "CLONE_CHILD_CLEARTID") && !strstr(line, "CLONE_DETACHED"),
		          "a C library's thread: %s", line);
	}
	cr_expect_geq(clones, 1, "no clone at GOMAXPROCS=4:\n%s", r.err);
	cr_expect(!strstr(r.err, "clone3("), "clone3 called:\n%s", r.err);
	run_free(&r);
}

/* Names of the defined symbols musl's libc.a has and path's symbol table
   has too (local ones included: musl's hidden internals become local in a
   static link), one a line; those a freestanding compiler may call are
   allowed (gcc's documentation: memcpy, memmove, memset, memcmp). */
static struct run muslsymbols(const char *path)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "nm -g --defined-only /usr/lib/x86_64-linux-musl/libc.a 2>/dev/null | awk 'NF == 3 { print $3 }' |"
	         " sort -u > %s/musl && nm --defined-only %s | awk 'NF == 3 { print $3 }' | sort -u |"
	         " comm -12 - %s/musl | grep -vxE 'memcpy|memmove|memset|memcmp'; true",
	         tmpdir, path, tmpdir);
	const char *argv[] = { "sh", "-c", cmd, NULL };
	return run_cmd(argv, NULL, LIMIT);
}

Test(nolibc_headers, the_musl_symbol_check_finds_musl_in_default_mode, .fini = rmtmp)
{
	/* What the bare-mode check would say of a default-mode binary. */
	tmpfile_with("x", "");
	struct run r = muslsymbols(build_path("tests/prog/bare_hello"));
	cr_expect(strstr(r.out, "__libc_start_main\n") && strstr(r.out, "\npthread_create\n"),
	          "musl's symbols not found in a default-mode binary:\n%s", r.out);
	run_free(&r);
}

Test(bare_mode, no_symbol_of_musl_in_the_binary, .fini = rmtmp)
{
	const char *progs[] = { "bare_hello", "bare_sched" };
	for (int i = 0; i < 2; i++) {
		tmpfile_with("x", "");
		struct run r = muslsymbols(barepath(progs[i]));
		cr_expect_str_empty(r.out, "%s: symbols musl defines:\n%s", progs[i], r.out);
		run_free(&r);
	}
}

/* The hello with gort_printf, built as users build (-O2, no -g), is at
   most 64 KiB. */
Test(bare_mode, hello_is_at_most_64_kib, .fini = rmtmp)
{
	char out[300];
	tmpfile_with("x", "");
	snprintf(out, sizeof out, "%s/hello", tmpdir);
	const char *cc[] = { "bin/gortcc", "-nolibc", "-O2", "-o", out, "tests/prog/bare_hello.c", NULL };
	struct run r = run_cmd(cc, NULL, LIMIT);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	struct stat st;
	cr_assert_eq(stat(out, &st), 0);
	cr_log_info("bare hello: %lld bytes", (long long)st.st_size);
	cr_expect_leq(st.st_size, 64 * 1024, "bare hello is %lld bytes", (long long)st.st_size);
	const char *run[] = { out, NULL };
	r = run_cmd(run, NULL, LIMIT);
	cr_expect_str_eq(r.out, "hello, world\n");
	run_free(&r);
}
