/*
 * progs_crt.c: the process entry (crt/start.S, crt/rt0.c): m0's thread
 * pointer is bound by crt0's own arch_prctl call, once, and boottrace
 * shows it and names the auxv entries; a program that never starts a
 * goroutine makes few system calls (docs/bootstrap.md).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define LIMIT 120.0

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

Test(crt, crt0_holds_the_arch_prctl_call)
{
	const char *argv[] = { "objdump", "-d", build_path("../lib/crt0.o"), NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "<__set_thread_area>:"), "%s", r.out);
	cr_expect(strstr(r.out, "mov    $0x1002,%edi") && strstr(r.out, "syscall"), "%s", r.out);
	run_free(&r);
}

Test(crt, m0s_thread_pointer_is_set_once_by_crt0)
{
	/* A program whose goroutines share their M's block: after crt0's
	   call nothing sets %fs again on m0 or elsewhere but each new
	   thread's own (clone's CLONE_SETTLS). */
	const char *argv[] = { "strace", "-f", "-e", "trace=arch_prctl", build_path("tests/prog/chan_basic"), NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(count(r.err, "arch_prctl(ARCH_SET_FS"), 1, "%s", r.err);
	/* It is the first system call after execve. */
	const char *argv2[] = { "strace", build_path("tests/prog/chan_basic"), NULL };
	struct run r2 = run_cmd(argv2, NULL, LIMIT);
	const char *e = strstr(r2.err, "execve(");
	const char *nl = e ? strchr(e, '\n') : 0;
	cr_expect(nl && !strncmp(nl + 1, "arch_prctl(ARCH_SET_FS, ", 24), "%s", r2.err);
	run_free(&r2);
	run_free(&r);
}

Test(crt, boottrace_shows_crt0s_call_and_names_auxv)
{
	const char *env[] = { "GODEBUG=boottrace=1", NULL };
	struct run r = run_prog("chan_basic", NULL, env, 1, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	const char *tp = strstr(r.err, "crt0: __set_thread_area: arch_prctl(ARCH_SET_FS, 0x");
	cr_expect(tp, "%s", r.err);
	/* The address crt0 bound is the thread pointer musl then reports. */
	unsigned long a = 0, b = 0;
	const char *m = strstr(r.err, "__libc_start_main: musl initialised; thread pointer 0x");
	if (tp && m) {
		sscanf(tp + strlen("crt0: __set_thread_area: arch_prctl(ARCH_SET_FS, "), "%lx", &a);
		sscanf(m + strlen("__libc_start_main: musl initialised; thread pointer "), "%lx", &b);
	}
	cr_expect(a && a == b, "crt0 bound %#lx, musl reports %#lx", a, b);
	const char *names[] = { "auxv AT_PHDR=0x", "auxv AT_PAGESZ=0x1000", "auxv AT_RANDOM=0x",
		                "auxv AT_SYSINFO_EHDR=0x", "auxv AT_ENTRY=0x" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		cr_expect(strstr(r.err, names[i]), "stderr lacks %s:\n%s", names[i], r.err);
	run_free(&r);
}

/* The system calls of hello, from execve to exit_group: musl's own
   (arch_prctl, set_tid_address, ioctl and writev for stdout), and what
   the runtime needs before main (the CPU count, m0's thread id, the
   fault handlers and m0's signal stack, main's stack and its guard).
   Everything else waits for first use: the descriptor listing, the
   preemption handler, the clock, malloc (docs/bootstrap.md). A new
   call at start-up must raise the bound knowingly. */
Test(crt, hello_starts_with_few_system_calls)
{
	const char *argv[] = { "strace", "-f", build_path("tests/prog/boot_hello"), NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "hello, world\n");
	int calls = 0;
	for (const char *l = r.err; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		const char *c = l;
		while ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')
			c++;
		if (c > l && *c == '(')
			calls++;
	}
	/* 16 on Linux 6.13 and later; a kernel without guard regions puts
	   main's guard in with mprotect after madvise fails. */
	cr_expect(calls >= 10 && calls <= 17, "%d system calls:\n%s", calls, r.err);
	cr_expect(!strstr(r.err, "/proc/self/fd"), "%s", r.err);
	cr_expect(!strstr(r.err, "rt_sigaction(SIGURG"), "%s", r.err);
	cr_expect(!strstr(r.err, "brk("), "%s", r.err);
	cr_expect(!strstr(r.err, "mmap(NULL, 65536"), "%s", r.err);
	run_free(&r);
}
