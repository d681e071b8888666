/*
 * os_bare.c: bare mode's OS layer (gortcc -nolibc; runtime.h lists what
 * it gives, os_musl.c is the default mode's). Go's non-cgo path: an M is
 * a thread the runtime makes itself with clone, on a g0 stack it maps,
 * with a TLS block of its own (tls_bare.c); signal handlers are installed
 * with a raw rt_sigaction and return through gort_sigreturn; the clock is
 * the vDSO's.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "runtime.h"
#include "bare.h"

/* Go's cloneFlags: a thread of this process, sharing everything. */
enum {
	CLONE_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD |
	              CLONE_SETTLS,
	GUARD = 4096,
};

/* An M's memory, one mapping: a guard page, its g0 stack (M_STACK), and
   its TLS block at the top. Never given back: an M ends (exitThread) only
   with a locked goroutine that exited, and its stack is in use until the
   very system call that ends it. */
int newosproc(m *mp)
{
	size_t tls = (tlsblocksize + physpagesize - 1) & ~(physpagesize - 1);
	size_t size = GUARD + M_STACK + tls;
	long mem = rawsyscall6(SYS_mmap, 0, size, PROT_READ | PROT_WRITE,
	                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem < 0 && mem > -4096)
		return mem == -ENOMEM ? EAGAIN : (int)-mem;
	rawsyscall6(SYS_mprotect, mem, GUARD, PROT_NONE, 0, 0, 0);
	uintptr_t top = (uintptr_t)mem + GUARD + M_STACK;
	uintptr_t tp = rt0_tlsinit((void *)top);
	long r = gort_clone(CLONE_FLAGS, (void *)top, tp, mp);
	if (r < 0) {
		rawsyscall6(SYS_munmap, mem, size, 0, 0, 0, 0);
		return (int)-r;
	}
	return 0;
}

/* Only this thread ends (SYS_exit, not exit_group). */
void exitThread(void)
{
	for (;;)
		rawsyscall6(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The clock through the vDSO (vdso_linux.c, found by libcstart), or the
   system call where there is none (Go's nanotime1). */
int64_t nanotime(void)
{
	struct timespec ts;
	vdsoclockgettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The kernel's struct sigaction (the C library's is larger and ordered
   differently): every handler returns through gort_sigreturn. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
enum { SA_RESTORER_ = 0x04000000 };

int rtsigaction(int sig, const struct sigaction *sa, struct sigaction *old)
{
	struct ksigaction k, ko;
	if (sa) {
		k.handler = (void *)sa->sa_handler;
		k.flags = (unsigned long)sa->sa_flags | SA_RESTORER_;
		k.restorer = gort_sigreturn;
		memcpy(&k.mask, &sa->sa_mask, sizeof k.mask);
	}
	long r = rawsyscall6(SYS_rt_sigaction, sig, sa ? (long)&k : 0, old ? (long)&ko : 0, sizeof k.mask, 0, 0);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	if (old) {
		memset(old, 0, sizeof *old);
		old->sa_handler = (void (*)(int))ko.handler;
		old->sa_flags = (int)(ko.flags & ~(unsigned long)SA_RESTORER_);
		memcpy(&old->sa_mask, &ko.mask, sizeof ko.mask);
	}
	return 0;
}
