/*
 * harness.h: run a whole program built with gortcc and capture what it did.
 *
 * Programs live in tests/prog/NAME.c and are built by the Makefile into
 * build/tests/prog/NAME before the Criterion runner starts. The tests
 * assert on stdout, stderr and the exit status, usually once for each of
 * GOMAXPROCS=1, 2 and 4 (see test_procs).
 *
 * Every program starts from a clean environment: PATH, HOME and TMPDIR
 * from the caller, LC_ALL=C, then what the test passes. GOMAXPROCS,
 * GORTSTACK, GODEBUG or GOTRACEBACK exported in the shell running make
 * test do not reach the programs, so a test sets each one it depends on.
 */
#ifndef GORT_TEST_HARNESS_H
#define GORT_TEST_HARNESS_H

#include <stdbool.h>

struct run {
	int status;   /* exit status, or 128 + signal number when killed */
	bool timedout;/* killed after the time limit */
	char *out;    /* stdout, NUL-terminated, malloc'd */
	char *err;    /* stderr, likewise */
	double secs;  /* wall-clock time of the run */
};

/* Run build/tests/prog/NAME with argv args (NULL-terminated, may be NULL),
   extra environment entries env ("K=V", NULL-terminated, may be NULL),
   GOMAXPROCS set to procs when procs > 0, for at most limit_secs. */
struct run run_prog(const char *name, const char *const *args,
                    const char *const *env, int procs, double limit_secs);

/* Run a path rather than a test program (gortcc, samples), with the same
   clean environment plus env. */
struct run run_cmd(const char *const *argv, const char *const *env,
                   double limit_secs);

void run_free(struct run *r);

/* Build tests/prog/NAME.c with bin/gortcc, the flags the Makefile gives
   the test programs and the extra flags (NULL-terminated, e.g. -nolibc)
   into build/tests/prog-VARIANT/NAME, unless that binary is newer than the
   source, gortcc and every runtime archive in lib/. Tests may build the
   same program at once: each writes its own file and renames it. Returns
   the compiler's run (status 0: built, or already up to date). */
struct run build_prog(const char *variant, const char *name, const char *const *flags);

/* run_prog for a program build_prog made. */
struct run run_variant(const char *variant, const char *name, const char *const *args,
                       const char *const *env, int procs, double limit_secs);

/* Path of a build artefact below the build directory (build/ by default,
   GORT_BUILD overrides): e.g. build_path("bin/gortcc"). Static buffer. */
const char *build_path(const char *rel);

/* GOMAXPROCS values every whole-program test is run under. */
extern const int test_procs[3];

/* Run name with args under every GOMAXPROCS of test_procs, each for at
   most limit_secs, and expect (Criterion) no time-out, status 0, an empty
   stderr and each of the strings in want (NULL-terminated) on stdout. */
void run_ok(const char *name, const char *const *args, const char *const *want, double limit_secs);

#endif
