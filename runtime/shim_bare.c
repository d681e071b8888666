/*
 * shim_bare.c: in bare mode (gortcc -nolibc), what libc-shim/ gives the
 * runtime in the default mode (libcshim.h), with no C library to adapt:
 * goroutines share their M's TLS block (tls_bare.c; g->tls is 0, so the
 * switch never loads a thread pointer), there is no stdio to flush, and
 * the program's constructors run on goroutine 1 as in the default mode.
 */
#include "runtime.h"

uintptr_t gort_tcbreserve;
bool tcbon;

void tcbsetup(void)
{
	boottrace("tcbsetup", "thread control block per M (bare mode)");
}

uintptr_t tcbinit(g *gp)
{
	(void)gp;
	throw("tcbinit: bare mode has no block per goroutine");
}

void tcbexit(g *gp)
{
	(void)gp;
}

/* A goroutine's thread id to the C library: there is none. */
int tcbtidnext(void)
{
	return 0;
}

void dopanic_flush(void)
{
}

/* No fork without a C library: nothing to watch. */
void shim_watchfork(void)
{
}

extern void (*const __init_array_start[])(void) __attribute__((weak));
extern void (*const __init_array_end[])(void) __attribute__((weak));

void gort_runinit(void)
{
	for (void (*const *f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
}
