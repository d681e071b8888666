/*
 * sema.h: runtime semaphores keyed by address (Go's sema.go), under
 * gort_mutex and gort_waitgroup.
 */
#ifndef GORT_SEMA_H
#define GORT_SEMA_H

#include "runtime.h"

/* Wait until *addr > 0, then decrement it. lifo: queue at the front (a
   waiter that was woken and lost the race goes back first, as in Go's
   SemacquireMutex). reason is the goroutine's wait reason. */
hidden void semacquire1(uint32_t *addr, bool lifo, const char *reason);

/* Increment *addr and wake one waiter, if any. handoff: give the count
   straight to the woken waiter and yield to it (mutex starvation mode).
   Without handoff, *addr is not touched after the increment, so the
   memory may be freed by the waiter as soon as it returns. */
hidden void semrelease1(uint32_t *addr, bool handoff);

#endif
