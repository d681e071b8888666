/* main's goroutine has a C main thread's stack: 4 MiB of recursion fits.
   With `unlimited`, the program sets RLIMIT_STACK to unlimited and runs
   itself again, as `ulimit -s unlimited` would: then 50 MiB of recursion,
   more than the default 8 MiB, fits too. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static long down(int n)
{
	volatile char pad[1024];
	pad[0] = 1;
	return n == 0 ? 0 : down(n - 1) + pad[0];
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "unlimited") == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		if (setrlimit(RLIMIT_STACK, &rl) != 0) {
			perror("setrlimit");
			return 1;
		}
		char *args[] = { argv[0], "deep", NULL };
		execv("/proc/self/exe", args);
		perror("execv");
		return 1;
	}
	int n = argc > 1 && strcmp(argv[1], "deep") == 0 ? 50000 : 4000;
	printf("depth %ld\n", down(n));
	return 0;
}
