/*
 * sema.h: runtime semaphores keyed by address (Go's sema.go), under
 * gort_mutex and gort_waitgroup.
 */
#ifndef GORT_SEMA_H
#define GORT_SEMA_H

#include "runtime.h"

/* Wait until *addr > 0, then decrement it. lifo: queue at the front of
   the waiters on addr (gort_mutex's waiters that waited before, as in Go's
   SemacquireMutex). reason is the goroutine's wait reason. Off the
   scheduler (a thread the program made) the thread sleeps instead. */
hidden void semacquire1(uint32_t *addr, bool lifo, uint8_t reason);

/* Increment *addr and wake one waiter, if any. handoff: give the count
   straight to the woken waiter and yield to it (mutex starvation mode).
   Without handoff, *addr is not touched after the increment; with it, only
   before the waiter is woken. So the memory may be freed by the waiter as
   soon as it returns. */
hidden void semrelease1(uint32_t *addr, bool handoff);

#endif
