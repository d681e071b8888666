/*
 * start_init.c: the program's constructors run on goroutine 1
 * (overrides musl 1.2.3's weak __libc_start_init in src/env/__libc_start_main.c).
 *
 * musl calls __libc_start_init from __libc_start_main, before "main" (for
 * us, the runtime's entry). We make it do nothing, and runtime_main runs
 * _init and .init_array later, once the scheduler is up, so a constructor
 * may start goroutines, as Go runs package init inside runtime.main.
 */
#include "../runtime/runtime.h"

extern void _init(void) __attribute__((weak));
extern void (*const __init_array_start[])(void) __attribute__((weak));
extern void (*const __init_array_end[])(void) __attribute__((weak));

void __libc_start_init(void)
{
	boottrace("__libc_start_init", "program constructors deferred to goroutine 1");
}

void gort_runinit(void)
{
	if (_init)
		_init();
	for (void (*const *f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
}
