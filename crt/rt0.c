/*
 * rt0.c: from the kernel's initial stack to the scheduler (Go's rt0_go).
 *
 * _start hands us the initial stack. We decode argc, argv, envp and auxv,
 * then hand over to libcstart, which brings up the C library if the
 * program has one (rt0_musl.c: musl sets the thread pointer, static TLS,
 * the stack protector canary and environ) or reports what crt0 did without
 * one (rt0_bare.c, gortcc -nolibc), and calls rt0_main on the same initial
 * stack. rt0_main binds m0 and g0, calls osinit and schedinit, creates the
 * main goroutine and enters mstart, which never returns.
 */
#include <elf.h>
#include <stdint.h>

#include "runtime.h"

int argc_;
char **argv_;
char **envp_;
unsigned long *auxv_;

static int64_t boot_t0;

/* Names of the auxv entries a static program is given (<elf.h>). */
static const char *auxvname(unsigned long t)
{
	switch (t) {
	case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR";
	case AT_MINSIGSTKSZ: return "AT_MINSIGSTKSZ";
	case AT_HWCAP: return "AT_HWCAP";
	case AT_PAGESZ: return "AT_PAGESZ";
	case AT_CLKTCK: return "AT_CLKTCK";
	case AT_PHDR: return "AT_PHDR";
	case AT_PHENT: return "AT_PHENT";
	case AT_PHNUM: return "AT_PHNUM";
	case AT_BASE: return "AT_BASE";
	case AT_FLAGS: return "AT_FLAGS";
	case AT_ENTRY: return "AT_ENTRY";
	case AT_UID: return "AT_UID";
	case AT_EUID: return "AT_EUID";
	case AT_GID: return "AT_GID";
	case AT_EGID: return "AT_EGID";
	case AT_SECURE: return "AT_SECURE";
	case AT_RANDOM: return "AT_RANDOM";
	case AT_HWCAP2: return "AT_HWCAP2";
	case AT_EXECFN: return "AT_EXECFN";
	case AT_PLATFORM: return "AT_PLATFORM";
	case 27: return "AT_RSEQ_FEATURE_SIZE";
	case 28: return "AT_RSEQ_ALIGN";
	}
	return 0;
}

static void trace_stack(long *sp, int argc, char **argv, char **envp)
{
	int nenv = 0;
	while (envp[nenv])
		nenv++;
	boottrace("initial stack", "sp=%p argc=%d envc=%d", (void *)sp, argc, nenv);
	for (int i = 0; i < argc; i++)
		boottrace("initial stack", "argv[%d]=%s", i, argv[i]);
	Elf64_auxv_t *av = (Elf64_auxv_t *)(envp + nenv + 1);
	for (; av->a_type != AT_NULL; av++) {
		const char *name = auxvname((unsigned long)av->a_type);
		if (name)
			boottrace("initial stack", "auxv %s=%#lx", name, (unsigned long)av->a_un.a_val);
		else
			boottrace("initial stack", "auxv type=%lu value=%#lx", (unsigned long)av->a_type,
			          (unsigned long)av->a_un.a_val);
	}
}

void rt0_main(void)
{
	uintptr_t tp = gettp();
	/* m0 and g0 are static: g0 of m0 runs on the process's initial stack. */
	m0.g0 = &g0_m0;
	g0_m0.m = &m0;
	g0_m0.tls = tp;   /* g0 keeps the block made for m0 (tcb.c may give each goroutine its own) */
	setg(&g0_m0);
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	g0_m0.stackhi = sp + 256;
	boottrace("m0/g0", "m0=%p g0=%p g0 stack top=%#lx", (void *)&m0, (void *)&g0_m0,
	          (unsigned long)g0_m0.stackhi);

	/* The clock only for the trace: its first read looks the vDSO up. */
	int64_t t = debug_boottrace ? nanotime() : 0;
	osinit();
	boottrace("osinit", "ncpu=%d physpagesize=%lu (%ld ns)", ncpu, (unsigned long)physpagesize,
	          (long)(t ? nanotime() - t : 0));

	t = debug_boottrace ? nanotime() : 0;
	tcbsetup();
	schedinit();
	boottrace("schedinit", "gomaxprocs=%d stacksize=%zu (%ld ns)", gomaxprocs, stackdefault,
	          (long)(t ? nanotime() - t : 0));

	t = debug_boottrace ? nanotime() : 0;
	g *mg = newproc(runtime_main, NULL, (uintptr_t)__builtin_return_address(0));
	if (!mg)
		fatal("out of memory");
	boottrace("newproc", "main goroutine g=%p goid=%ld stack=[%#lx, %#lx) (%ld ns)", (void *)mg,
	          (long)mg->goid, (unsigned long)mg->stacklo, (unsigned long)mg->stackhi,
	          (long)(t ? nanotime() - t : 0));
	if (debug_boottrace)
		boottrace("mstart", "m0 enters the scheduler %ld ns after _start", (long)(nanotime_raw() - boot_t0));
	mstart();
}

void rt0_go(long *sp) __attribute__((noreturn, used));

void rt0_go(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	argc_ = argc;
	argv_ = argv;
	envp_ = envp;
	int nenv = 0;
	while (envp[nenv])
		nenv++;
	auxv_ = (unsigned long *)(envp + nenv + 1);
	/* GODEBUG is read here, before any C library is up, so the first steps
	   can be traced; boottrace writes with raw system calls. */
	parsedebugvars(envp);
	if (debug_boottrace) {
		boot_t0 = nanotime_raw();
		trace_stack(sp, argc, argv, envp);
	}
	libcstart(argc, argv, envp);
}
