/* bare_out.h: output for bare-mode test programs (gortcc -nolibc), which
   have no stdio: a raw write(2) system call. */
#ifndef BARE_OUT_H
#define BARE_OUT_H

#include <stddef.h>
#include <stdint.h>

static inline long bare_write(int fd, const void *buf, size_t n)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(1L), "D"((long)fd), "S"(buf), "d"(n) : "rcx", "r11", "memory");
	return r;
}

static inline void out(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	bare_write(1, s, n);
}

static inline void outint(long v)
{
	char buf[24], *p = buf + sizeof buf;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	*--p = 0;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	out(p);
}

#endif
