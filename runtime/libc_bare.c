/*
 * libc_bare.c: in bare mode (gortcc -nolibc), the few C library functions
 * the shared runtime calls, written here: the string functions, and the
 * system calls as thin wrappers that set errno (the calling goroutine's,
 * g->errno_). They keep the C library's names so that the scheduler,
 * channel, timer, stack and poller sources are the same in both modes;
 * the link makes them local to the runtime (the Makefile's bare keep
 * list), so a program cannot call them, except the four that gcc may
 * emit calls to in any code, even freestanding: memcpy, memmove, memset
 * and memcmp.
 *
 * Built with -fno-tree-loop-distribute-patterns (the Makefile), or gcc
 * would turn the loops below into calls to themselves.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

/* Before m0's g0 is bound (setg), errno has nowhere else to go. */
static int errno0;

int *__errno_location(void)
{
	g *gp = getg();
	return gp ? &gp->errno_ : &errno0;
}

/* A kernel result in the C convention: -1 and errno. */
static long sysret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	void *r = d;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return r;
}

void *memmove(void *d, const void *s, size_t n)
{
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(d, s, n);
	/* d overlaps the end of s: copy backwards. */
	void *r = d;
	const char *se = (const char *)s + n - 1;
	char *de = (char *)d + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(de), "+S"(se), "+c"(n) : : "memory");
	return r;
}

void *memset(void *d, int c, size_t n)
{
	void *r = d;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return r;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return 0;
	}
}

int strcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n && *a && *a == *b; n--, a++, b++)
		;
	return n ? *(const unsigned char *)a - *(const unsigned char *)b : 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = rawsyscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)sysret(rawsyscall6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)sysret(rawsyscall6(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0));
}

int madvise(void *addr, size_t len, int advice)
{
	return (int)sysret(rawsyscall6(SYS_madvise, (long)addr, (long)len, advice, 0, 0, 0));
}

int getrlimit(int res, struct rlimit *rl)
{
	return (int)sysret(rawsyscall6(SYS_prlimit64, 0, res, 0, (long)rl, 0, 0));
}

pid_t getpid(void)
{
	return (pid_t)rawsyscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/* No atexit, no stdio: the process ends here. */
_Noreturn void exit(int code)
{
	for (;;)
		rawsyscall6(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

int epoll_create1(int flags)
{
	return (int)sysret(rawsyscall6(SYS_epoll_create1, flags, 0, 0, 0, 0, 0));
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	return (int)sysret(rawsyscall6(SYS_epoll_ctl, epfd, op, fd, (long)ev, 0, 0));
}

int epoll_wait(int epfd, struct epoll_event *ev, int n, int ms)
{
	return (int)sysret(rawsyscall6(SYS_epoll_wait, epfd, (long)ev, n, ms, 0, 0));
}

int eventfd(unsigned int count, int flags)
{
	return (int)sysret(rawsyscall6(SYS_eventfd2, count, flags, 0, 0, 0, 0));
}

int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	return (int)sysret(rawsyscall6(SYS_sigaltstack, (long)ss, (long)old, 0, 0, 0, 0));
}

int sigfillset(sigset_t *set)
{
	memset(set, 0xff, sizeof *set);
	return 0;
}
