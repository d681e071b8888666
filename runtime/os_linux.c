/* os_linux.c: what the runtime asks of the kernel (Go's os_linux.go). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>

#include "runtime.h"

int32_t ncpu;
uintptr_t physpagesize;

long rawsyscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	unsigned long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return (long)ret;
}

/* musl caches its choice of clock_gettime on first use; a call made before
   __libc_start_main has parsed auxv would pin it to the slow system call. */
int64_t nanotime_raw(void)
{
	struct timespec ts;
	rawsyscall6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPUs the process may run on: the affinity mask, as Go's getproccount.
   The kernel returns the bytes of the mask it wrote. */
int32_t getproccount(void)
{
	uint64_t set[16] = { 0 };
	long r = rawsyscall6(SYS_sched_getaffinity, 0, sizeof set, (long)set, 0, 0, 0);
	int n = 0;
	for (long i = 0; r > 0 && i < r / 8; i++)
		n += __builtin_popcountll(set[i]);
	return n > 0 ? n : 1;
}

/* The auxiliary vector the kernel put after envp (rt0_go found it): read
   here rather than with the C library's getauxval, which bare mode lacks. */
unsigned long sysauxv(unsigned long type)
{
	for (unsigned long *a = auxv_; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

int gettid_(void)
{
	return (int)rawsyscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

void usleep_(int64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	rawsyscall6(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
}

void osyield(void)
{
	rawsyscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

void procyield(int n)
{
	while (n-- > 0)
		__asm__ volatile("pause");
}

/* Read by asm/switch.S: load a G's thread pointer with wrfsbase (the
   kernel enabled FSGSBASE: AT_HWCAP2 bit 1) rather than arch_prctl.
   valgrind does not emulate wrfsbase. Written once, in osinit. */
uint8_t gort_fsgsbase;

void osinit(void)
{
	valgrindinit();
	ncpu = getproccount();
	physpagesize = sysauxv(AT_PAGESZ);
	if (physpagesize == 0)
		physpagesize = 4096;
	gort_fsgsbase = (sysauxv(AT_HWCAP2) & 2) && !debug_nofsgsbase && !onvalgrind;
}

uintptr_t gettp(void)
{
	uintptr_t tp;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

void settp(uintptr_t tp)
{
	if (gort_fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(tp) : "memory");
	else
		rawsyscall6(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, (long)tp, 0, 0, 0, 0);
}

/* Call fn(n, arg), if given, for each numeric entry n of a /proc directory
   (threads, descriptors; among the descriptors is the close-on-exec one
   this reads the listing with). Raw system calls, as callers may hold
   runtime locks. Returns the number of entries, or -1. */
int procdir(const char *path, void (*fn)(long n, void *arg), void *arg)
{
	int fd = (int)rawsyscall6(SYS_open, (long)path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		return -1;
	char buf[4096];
	int count = 0;
	long k;
	while ((k = rawsyscall6(SYS_getdents64, fd, (long)buf, sizeof buf, 0, 0, 0)) > 0) {
		for (long off = 0; off < k;) {
			struct linux_dirent64 {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);
			off += d->reclen;
			long n = 0;
			const char *c = d->name;
			for (; *c >= '0' && *c <= '9'; c++)
				n = n * 10 + (*c - '0');
			if (*c || c == d->name)
				continue;
			count++;
			if (fn)
				fn(n, arg);
		}
	}
	rawsyscall6(SYS_close, fd, 0, 0, 0, 0, 0);
	return count;
}
