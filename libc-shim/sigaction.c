/*
 * sigaction.c: sigaction and signal, in place of musl's sigaction (a weak
 * alias of __sigaction in src/signal/sigaction.c, which does the work
 * here) and of src/signal/signal.c (signal, bsd_signal, __sysv_signal).
 *
 * The runtime reports some signals itself (runtime/signal.c): the faults
 * (stack overflow, and once a goroutine exists a crash report), and from
 * the first go() SIGQUIT (a goroutine dump), SIGFPE and SIGILL. Its
 * handler is their default action, as Go's is in a Go program: a program
 * that asks sees SIG_DFL, one that sets SIG_DFL gets the runtime's report
 * back, and any other disposition is the program's, as with musl.
 */
#include <signal.h>
#include <string.h>

#include "shim.h"

int __sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old);

hidden int rtsigaction(int sig, const struct sigaction *sa, struct sigaction *old)
{
	return __sigaction(sig, sa, old);
}

int sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old)
{
	/* The runtime's preemption handler comes with the first go(). */
	if (sig == SIGURG && sa)
		sigurgprogram();
	if (!sigreported(sig))
		return __sigaction(sig, sa, old);
	bool was = sigruntime(sig);
	int r = 0;
	if (sa && sa->sa_handler == SIG_DFL) {
		if (old && !was)
			r = __sigaction(sig, 0, old);
		if (!was)
			siginstall(sig);
	} else {
		if (sa)
			sigrelease(sig);
		r = __sigaction(sig, sa, old);
	}
	if (r == 0 && old && was) {
		memset(old, 0, sizeof *old);
		old->sa_handler = SIG_DFL;
	}
	return r;
}

void (*signal(int sig, void (*func)(int)))(int)
{
	struct sigaction sa = { .sa_handler = func, .sa_flags = SA_RESTART }, old;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

void (*bsd_signal(int sig, void (*func)(int)))(int) __attribute__((alias("signal")));
void (*__sysv_signal(int sig, void (*func)(int)))(int) __attribute__((alias("signal")));
