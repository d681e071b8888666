/* gort_printf's conversions, sizes, flags and edge values, an output
   longer than its buffer, whole lines from concurrent printers, and
   gort_write. Runs in both modes (bare.h). */
#include <errno.h>
#include <limits.h>

#include "bare.h"

/* Through variables, past the compiler's format checks. */
static const char *volatile nullstr = NULL;
static const char *volatile badfmt = "bad: %q|%";

static void conversions(void)
{
	gort_printf("d: %d %d %d %i %i\n", 0, -1, INT_MAX, INT_MIN, 42);
	gort_printf("l: %ld %ld %li\n", LONG_MIN, LONG_MAX, -7L);
	gort_printf("ll: %lld %lld %lli\n", (long long)INT64_MIN, LLONG_MAX, -1LL);
	gort_printf("u: %u %u %lu %llu %zu\n", 0u, UINT_MAX, ULONG_MAX, ULLONG_MAX, SIZE_MAX);
	gort_printf("x: %x %x %lx %llx %zx %X\n", 0u, 0xdeadbeefu, ULONG_MAX, 0x123456789abcdefULL, (size_t)255,
	            0xabcu);
	gort_printf("zd: %zd %zd\n", (ssize_t)-5, (ssize_t)(SIZE_MAX / 2));
	gort_printf("h: %hd %hhd %hu %hhu\n", (short)-2, (signed char)-1, (unsigned short)65535,
	            (unsigned char)200);
	gort_printf("s: [%s] [%s] [%.3s] [%5s] [%-5s] [%s]\n", "abc", nullstr, "abcdef", "ab", "ab", "");
	gort_printf("c: %c%c%c [%3c] [%-3c]\n", 'g', 'o', '!', 'x', 'y');
	gort_printf("p: %p %p %p\n", (void *)NULL, (void *)0x1234, (void *)UINTPTR_MAX);
	gort_printf("%%: 100%% %%d\n");
	gort_printf("width: [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%*d] [%-*d] [%#x] [%#x]\n", 42, 42,
	            -42, 7, 7, 5, 4, 9, 4, 9, 0x1fu, 0u);
	gort_printf(badfmt);
	gort_printf("\n");
	int n = gort_printf("12345\n");
	gort_printf("returned %d\n", n);
	n = gort_printf("%s", "");
	gort_printf("empty returned %d\n", n);
}

/* More than the buffer holds, in one call. */
static void longoutput(void)
{
	static char big[10001];
	for (int i = 0; i < 10000; i++)
		big[i] = (char)('a' + i % 26);
	int n = gort_printf("%s\n", big);
	gort_printf("long returned %d\n", n);
}

enum { PRINTERS = 8, LINES = 100, LINELEN = 3000 };

static gort_waitgroup wg;

/* Lines of LINELEN bytes, each one letter repeated: a line cut by
   another printer's shows. */
static void printer(void *arg)
{
	int id = (int)(intptr_t)arg;
	char line[LINELEN + 1];
	for (int i = 0; i < LINELEN; i++)
		line[i] = (char)('A' + id);
	line[LINELEN] = 0;
	for (int i = 0; i < LINES; i++) {
		gort_printf("p%d %s %d\n", id, line, i);
		if (i % 10 == 0)
			gort_yield();
	}
	gort_wg_done(&wg);
}

static void concurrent(void)
{
	gort_wg_add(&wg, PRINTERS);
	for (int i = 0; i < PRINTERS; i++)
		start(printer, (void *)(intptr_t)i);
	gort_wg_wait(&wg);
	gort_printf("printers done\n");
}

static void write_(void)
{
	ssize_t n = gort_write(1, "raw write\n", 10);
	errno = 0;
	ssize_t bad = gort_write(-1, "x", 1);
	int e = errno;
	gort_printf("write returned %zd, bad fd %zd EBADF=%d\n", n, bad, e == EBADF);
	gort_printf("zero bytes %zd\n", gort_write(1, "", 0));
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "conv"))
		conversions();
	if (mode(argc, argv, "long"))
		longoutput();
	if (mode(argc, argv, "concurrent"))
		concurrent();
	if (mode(argc, argv, "write"))
		write_();
	return 0;
}
