/*
 * progs_gdb.c: gdb's `info goroutines` and `goroutine N bt` (the script
 * every program carries, runtime/gort-gdb.py) on tests/prog/gdb_parked.c,
 * whose goroutines park in a channel receive, a sleep, a mutex, a pipe
 * read and a select: on the program run under gdb, on gdb -p, and on core
 * files (gdb's gcore and the kernel's), under GOMAXPROCS=1, 2 and 4.
 *
 * gdb waits for the parked state itself: it stops main at checkpoint()
 * until the runtime's allgs shows the five goroutines waiting (the program
 * is built with -g, so the test reads allgs through DWARF, not through the
 * script under test).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define LIMIT 120.0

static const char waitloop[] =
	"set pagination off\n"
	"set confirm off\n"
	"break checkpoint\n"
	"%s\n"
	"python\n"
	"%s"
	"for i in range(100000):\n"
	"    if parked() >= 5:\n"
	"        break\n"
	"    gdb.execute('continue')\n"
	"else:\n"
	"    raise gdb.GdbError('the goroutines never parked')\n"
	"gdb.write('== parked\\n')\n"
	"end\n"
	"info goroutines\n"
	"goroutine all bt\n"
	"echo == goroutine 1\\n\n"
	"goroutine 1 bt\n"
	"%s\n";

/* What each goroutine waits for, and the test's functions its stack holds. */
/* parked(): how many goroutines wait. With -g, read through DWARF: not
   through the script under test. */
static const char parkeddwarf[] =
	"def parked():\n"
	"    n = 0\n"
	"    g = gdb.parse_and_eval('allgs')\n"
	"    while int(g) != 0:\n"
	"        if int(g['atomicstatus']) == 4:\n"
	"            n += 1\n"
	"        g = g['alllink']\n"
	"    return n\n";
/* Without -g there are no types: the script's own reading of allgs. */
static const char parkedscript[] =
	"def parked():\n"
	"    return len([g for g in allgs() if g.status == GWAITING])\n";

static const struct {
	const char *reason, *fn, *entry;
} parked[] = {
	{ "chan receive", "receiver", "run_receiver" },
	{ "sleep", "sleeper", "run_sleeper" },
	{ "sync.Mutex.Lock", "locker", "run_locker" },
	{ "IO wait", "piperead", "run_piperead" },
	{ "select", "selector", "run_selector" },
};

static char tmpdir[64];
static bool debug = true;  /* the program has DWARF (-g) */

static void mktmp(void)
{
	strcpy(tmpdir, "/tmp/gort-gdb-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp");
}

static void rmtmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

static const char *writecmds(const char *name, const char *before, const char *after)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fprintf(f, waitloop, before, debug ? parkeddwarf : parkedscript, after);
	fclose(f);
	return path;
}

/* gdb cannot trace at all here: say so and skip, rather than fail. */
static void skipifnoptrace(const struct run *r)
{
	if (strstr(r->err, "ptrace: Operation not permitted") ||
	    strstr(r->err, "Could not trace the inferior process") ||
	    strstr(r->err, "Could not attach to process"))
		cr_skip_test("gdb cannot trace processes here (ptrace not permitted; "
		             "see /proc/sys/kernel/yama/ptrace_scope): %s", r->err);
}

/* The line of s that holds both a and b, or NULL. */
static bool lineholds(const char *s, const char *a, const char *b)
{
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *line = strndup(s, n);
		bool ok = strstr(line, a) && strstr(line, b);
		free(line);
		if (ok)
			return true;
		s += n + (e != NULL);
	}
	return false;
}

/* info goroutines names each goroutine's wait reason and its function. */
static void expect_info(const char *what, int procs, const char *out)
{
	for (size_t i = 0; i < sizeof parked / sizeof parked[0]; i++) {
		char where[64];
		snprintf(where, sizeof where, debug ? "%s () at tests/prog/gdb_parked.c:" : "%s ()", parked[i].fn);
		cr_expect(lineholds(out, parked[i].reason, where),
		          "%s, GOMAXPROCS=%d: info goroutines has no line with \"%s\" and \"%s\":\n%s", what,
		          procs, parked[i].reason, where, out);
	}
}

/* goroutine all bt: for each goroutine, a section "goroutine N [reason]:"
   whose frames include the function that parked, its caller and
   gostartfn, the first frame. */
static void expect_bt(const char *what, int procs, const char *out)
{
	for (size_t i = 0; i < sizeof parked / sizeof parked[0]; i++) {
		char head[64], fn[64], entry[64];
		snprintf(head, sizeof head, "[%s]:\n", parked[i].reason);
		snprintf(fn, sizeof fn, debug ? " in %s () at tests/prog/gdb_parked.c:" : " in %s ()", parked[i].fn);
		snprintf(entry, sizeof entry, " in %s (", parked[i].entry);
		bool found = false;
		for (const char *s = strstr(out, "\ngoroutine "); s && !found; s = strstr(s + 1, "\ngoroutine ")) {
			const char *end = strstr(s + 1, "\ngoroutine ");
			if (!end)
				end = strstr(s, "\n== ");
			char *sec = strndup(s, end ? (size_t)(end - s) : strlen(s));
			char *h = strchr(sec + 1, '\n');
			found = h && strstr(sec, head) && strstr(sec, head) < h + 1 && strstr(sec, fn) &&
			        strstr(sec, entry) && strstr(sec, " in gostartfn ()");
			free(sec);
		}
		cr_expect(found, "%s, GOMAXPROCS=%d: goroutine all bt has no [%s] stack with %s, %s and gostartfn:\n%s",
		          what, procs, parked[i].reason, parked[i].fn, parked[i].entry, out);
	}
}

static void expect_gdb_ok(const char *what, int procs, const struct run *r)
{
	cr_expect(!r->timedout && strstr(r->out, "== parked\n"), "%s, GOMAXPROCS=%d: gdb%s:\n%s\nstderr:\n%s", what,
	          procs, r->timedout ? " timed out" : " did not see the goroutines park", r->out, r->err);
	cr_expect(!strstr(r->err, "Python Exception") && !strstr(r->err, "Traceback"),
	          "%s, GOMAXPROCS=%d: the script failed:\n%s", what, procs, r->err);
}

/* gdb on a core file of prog. */
static void checkcore(const char *what, int procs, const char *prog, const char *core)
{
	const char *argv[] = { "gdb", "-batch", "-nx", "-iex", "add-auto-load-safe-path /",
		                   "-ex", "info goroutines", "-ex", "goroutine all bt", "-ex", "echo == end\\n",
		                   prog, core, NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	expect_info(what, procs, r.out);
	expect_bt(what, procs, r.out);
	run_free(&r);
}

/* prog run under gdb, then gdb on the core file gcore made of it. */
static void live(const char *prog, int procs)
{
	char procsenv[32], after[160], gcore[96];
	snprintf(procsenv, sizeof procsenv, "GOMAXPROCS=%d", procs);
	snprintf(gcore, sizeof gcore, "%s/gcore", tmpdir);
	snprintf(after, sizeof after, "gcore %s\nkill\n", gcore);
	const char *cmds = writecmds("live.gdb", "run > /dev/null", after);
	const char *argv[] = { "gdb", "-batch", "-nx", "-iex", "add-auto-load-safe-path /", "-x", cmds, prog, NULL };
	const char *env[] = { procsenv, NULL };
	struct run r = run_cmd(argv, env, LIMIT);
	skipifnoptrace(&r);
	expect_gdb_ok("live", procs, &r);
	expect_info("live", procs, r.out);
	expect_bt("live", procs, r.out);
	/* main runs at checkpoint, on a thread: its own frames, from 0. */
	const char *g1 = strstr(r.out, "== goroutine 1\n#0  ");
	cr_expect(g1 && lineholds(g1 + 15, "#0  ", "checkpoint ()") && strstr(g1, "#1  ") &&
	          strstr(g1, " in main ()"),
	          "live, GOMAXPROCS=%d: goroutine 1 bt:\n%s", procs, r.out);
	cr_expect(lineholds(r.out, "* 1 ", "running"), "live, GOMAXPROCS=%d: main not marked current:\n%s", procs,
	          r.out);
	/* gcore cannot copy stacks with guard regions (Linux 6.13): the
	   script must then say so, not show garbage. */
	if (strstr(r.err, "Memory read failed for corefile section")) {
		const char *cargv[] = { "gdb", "-batch", "-nx", "-iex", "add-auto-load-safe-path /",
			                    "-ex", "goroutine all bt", prog, gcore, NULL };
		struct run c = run_cmd(cargv, NULL, LIMIT);
		cr_expect(strstr(c.err, "its stack is not in this core file"),
		          "gcore, GOMAXPROCS=%d: no word of the missing stacks:\n%s\n%s", procs, c.out, c.err);
		run_free(&c);
	} else {
		checkcore("gcore", procs, prog, gcore);
	}
	run_free(&r);
}

Test(gdb, info_goroutines_and_goroutine_bt_live_and_gcore)
{
	for (int i = 0; i < 3; i++) {
		mktmp();
		live(build_path("tests/prog/gdb_parked"), test_procs[i]);
		rmtmp();
	}
}

/* A -g program stripped of its DWARF but not of the script has no types:
   the script reads the runtime's structures by the offsets it carries, and
   gdb's unwinding of the runtime's frames follows their frame pointers. */
Test(gdb, without_debug_info)
{
	for (int i = 0; i < 2; i++) {
		char prog[96], cmd[512];
		mktmp();
		snprintf(prog, sizeof prog, "%s/nodebug", tmpdir);
		snprintf(cmd, sizeof cmd,
		         "bin/gortcc -g -O2 -o %s tests/prog/gdb_parked.c && "
		         "strip --strip-debug --keep-section=.debug_gdb_scripts %s && "
		         "! readelf -S %s | grep -q debug_info", prog, prog, prog);
		const char *cc[] = { "sh", "-c", cmd, NULL };
		struct run c = run_cmd(cc, NULL, LIMIT);
		cr_assert(c.status == 0, "%s: %s", cmd, c.err);
		run_free(&c);
		debug = false;
		live(prog, test_procs[i]);
		debug = true;
		rmtmp();
	}
}

/* Start the program in tmpdir, where the kernel writes its core. */
static pid_t start(int procs)
{
	char *prog = realpath(build_path("tests/prog/gdb_parked"), NULL);
	cr_assert(prog, "no tests/prog/gdb_parked");
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork");
	if (pid == 0) {
		char procsenv[32];
		snprintf(procsenv, sizeof procsenv, "%d", procs);
		setenv("GOMAXPROCS", procsenv, 1);
		setenv("GOTRACEBACK", "crash", 1);
		struct rlimit rl;
		if (getrlimit(RLIMIT_CORE, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_CORE, &rl);
		}
		int fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0 || chdir(tmpdir) < 0)
			_exit(127);
		execl(prog, "gdb_parked", (char *)0);
		_exit(127);
	}
	free(prog);
	return pid;
}

/* Where the kernel put the core of pid, if in tmpdir (core_pattern
   "core" or "core.%p"-like); NULL when it went elsewhere. */
static const char *corefile(pid_t pid)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/core", tmpdir);
	if (access(path, R_OK) == 0)
		return path;
	snprintf(path, sizeof path, "%s/core.%d", tmpdir, (int)pid);
	if (access(path, R_OK) == 0)
		return path;
	return NULL;
}

Test(gdb, goroutines_on_gdb_p_and_kernel_core)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		char pidarg[32];
		mktmp();
		pid_t pid = start(procs);
		snprintf(pidarg, sizeof pidarg, "%d", (int)pid);
		const char *cmds = writecmds("attach.gdb", "", "detach\n");
		const char *argv[] = { "gdb", "-batch", "-nx", "-iex", "add-auto-load-safe-path /", "-x", cmds,
			                   "-p", pidarg, build_path("tests/prog/gdb_parked"), NULL };
		struct run r = run_cmd(argv, NULL, LIMIT);
		if (strstr(r.err, "ptrace: Operation not permitted")) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			rmtmp();
			skipifnoptrace(&r);
		}
		expect_gdb_ok("gdb -p", procs, &r);
		expect_info("gdb -p", procs, r.out);
		expect_bt("gdb -p", procs, r.out);
		run_free(&r);

		/* Still parked after gdb left: a core from the kernel. */
		int status;
		kill(pid, SIGABRT);
		cr_assert(waitpid(pid, &status, 0) == pid, "waitpid");
		cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %#x", status);
		const char *core = corefile(pid);
		if (core)
			checkcore("kernel core", procs, build_path("tests/prog/gdb_parked"), core);
		else
			cr_log_warn("no kernel core file in the program's directory (see "
			            "/proc/sys/kernel/core_pattern and ulimit -c): not checked");
		rmtmp();
	}
}
