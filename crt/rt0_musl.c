/*
 * rt0_musl.c: the default mode's libcstart. musl initialises itself
 * through its public entry __libc_start_main, given rt0_musl_main in place
 * of main: it lays out m0's thread control block and static TLS and has
 * crt0 bind it (crt/start.S's __set_thread_area, the arch_prctl call),
 * sets the stack protector canary and environ, then calls
 * __libc_start_init (libc-shim/start_init.c defers the program's
 * constructors) and rt0_musl_main on the same initial stack.
 */
#include <stdint.h>

#include "runtime.h"

/* musl's startup entry (src/env/__libc_start_main.c), a public symbol. */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*ldso)(void));

/* crt/start.S's __set_thread_area: the thread pointer musl asked it to bind. */
extern uintptr_t gort_settls_tp;

static int rt0_musl_main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	boottrace("crt0", "__set_thread_area: arch_prctl(ARCH_SET_FS, %#lx) for m0's thread control block",
	          (unsigned long)gort_settls_tp);
	boottrace("__libc_start_main", "musl initialised; thread pointer %#lx", (unsigned long)gettp());
	rt0_main();
}

void libcstart(int argc, char **argv, char **envp)
{
	(void)envp;
	__libc_start_main(rt0_musl_main, argc, argv, 0, 0, 0);
	__builtin_unreachable();
}
