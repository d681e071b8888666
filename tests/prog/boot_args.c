/* argv, envp (three-argument main) and the exit status reach main intact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	int found = 0;
	for (char **e = envp; *e; e++)
		if (strcmp(*e, "GORT_TEST_VAR=hello world") == 0)
			found = 1;
	printf("envp has var: %d, getenv: %s\n", found, getenv("GORT_TEST_VAR"));
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
	return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
