/*
 * progs_gortcc.c: the compiler driver as users meet it: --version, separate
 * compilation, -I/-D/-L/-l, `make install PREFIX=` and CC=gortcc on an
 * ordinary Makefile project (tests/project).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char tmp[64];

static void mktmp(void)
{
	strcpy(tmp, "/tmp/gort-gortcc-XXXXXX");
	cr_assert(mkdtemp(tmp));
}

static void rmtmp(void)
{
	const char *argv[] = { "rm", "-rf", tmp, NULL };
	struct run r = run_cmd(argv, NULL, 60);
	run_free(&r);
}

TestSuite(gortcc, .init = mktmp, .fini = rmtmp);

/* The repository, where the test binary runs: from getcwd, not $PWD, which
   a clean environment (make check) does not have. */
static const char *cwd(void)
{
	static char buf[512];
	return getcwd(buf, sizeof buf) ? buf : ".";
}

Test(gortcc, version)
{
	const char *argv[] = { "bin/gortcc", "--version", NULL };
	struct run r = run_cmd(argv, NULL, 60);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "gortcc (gort)"), "%s", r.out);
	run_free(&r);
}

Test(gortcc, make_project_with_cc_gortcc)
{
	char cc[4200], out[200];
	cr_assert(getcwd(cc, 4096));
	strcat(cc, "/bin/gortcc");
	char ccvar[4300];
	snprintf(ccvar, sizeof ccvar, "CC=%s", cc);
	snprintf(out, sizeof out, "OUT=%s", tmp);
	const char *argv[] = { "make", "-s", "-C", "tests/project", ccvar, out, NULL };
	struct run r = run_cmd(argv, NULL, 120);
	cr_assert_eq(r.status, 0, "make failed:\n%s%s", r.out, r.err);
	run_free(&r);

	char app[200];
	snprintf(app, sizeof app, "%s/app", tmp);
	const char *run[] = { app, NULL };
	r = run_cmd(run, NULL, 60);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "hi from make: 385 38\n");
	run_free(&r);

	/* Static, and entered at gort's _start. */
	const char *file[] = { "sh", "-c", "readelf -hl \"$0\" | grep -c INTERP; readelf -s \"$0\" | grep -c ' rt0_go$'", app, NULL };
	r = run_cmd(file, NULL, 60);
	cr_expect_str_eq(r.out, "0\n1\n", "not static or no rt0_go: %s", r.out);
	run_free(&r);
}

Test(gortcc, install_prefix_is_self_contained)
{
	char prefix[200];
	snprintf(prefix, sizeof prefix, "PREFIX=%s/inst", tmp);
	const char *argv[] = { "make", "-s", "install", prefix, NULL };
	struct run r = run_cmd(argv, NULL, 120);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);

	char src[300], cmd[1000];
	snprintf(src, sizeof src, "%s/t.c", tmp);
	FILE *f = fopen(src, "w");
	cr_assert(f);
	fputs("#include <gort.h>\n#include <stdio.h>\n"
	      "int main(void) { printf(\"%d\\n\", gort_numgoroutine()); return 0; }\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cd %s && %s/inst/bin/gortcc -O2 -o t t.c && ./t", tmp, tmp);
	const char *sh[] = { "sh", "-c", cmd, NULL };
	r = run_cmd(sh, NULL, 120);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "1\n");
	run_free(&r);
}

/* A build without -g stays small: under 100 KiB for an empty program
   (93 KiB: the runtime takes its memory from the kernel, so musl's malloc
   is linked only by programs that call it); make bench's start-up
   workload holds the same target for hello. */
Test(gortcc, debug_build_keeps_runtime_dwarf)
{
	char cmd[2000];
	snprintf(cmd, sizeof cmd,
	         "printf 'int main(void){return 0;}\\n' > %s/m.c && bin/gortcc -O2 -o %s/small %s/m.c && "
	         "bin/gortcc -g -O2 -o %s/big %s/m.c && %s/small && %s/big && "
	         "test $(stat -c %%s %s/small) -lt 102400 && test $(stat -c %%s %s/big) -gt $(stat -c %%s %s/small)",
	         tmp, tmp, tmp, tmp, tmp, tmp, tmp, tmp, tmp, tmp);
	const char *sh[] = { "sh", "-c", cmd, NULL };
	struct run r = run_cmd(sh, NULL, 120);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
}

/* Programs that talk to the kernel directly (libuv, for one) include its
   UAPI headers; they come after musl's, and glibc's stay out of sight. */
Test(gortcc, kernel_headers_but_not_glibcs)
{
	char cmd[2000];
	snprintf(cmd, sizeof cmd,
	         "cd %s && printf '%%s\\n' '#include <time.h>' '#include <linux/errqueue.h>' "
	         "'#include <linux/futex.h>' '#include <asm/unistd.h>' '#include <stdio.h>' "
	         "'int main(void) { printf(\"%%d %%d\\n\", FUTEX_WAKE, __NR_futex); return 0; }' > k.c && "
	         "%s/bin/gortcc -O2 -o k k.c && ./k",
	         tmp, cwd());
	const char *sh[] = { "sh", "-c", cmd, NULL };
	struct run r = run_cmd(sh, NULL, 120);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "1 202\n");
	run_free(&r);

	snprintf(cmd, sizeof cmd,
	         "cd %s && echo '#include <gnu/libc-version.h>' > g.c && %s/bin/gortcc -c g.c",
	         tmp, cwd());
	r = run_cmd(sh, NULL, 120);
	cr_expect_neq(r.status, 0, "glibc's headers were found: %s", r.err);
	cr_expect(strstr(r.err, "gnu/libc-version.h"), "%s", r.err);
	run_free(&r);
}

/* Build systems in the style of Linux's kbuild (busybox) link each
   directory into one object with `cc -nostdlib -r` and may keep main in
   an archive: a partial link must stay relocatable, and main must be
   pulled out of the archive like any other needed symbol. */
Test(gortcc, partial_link_and_main_in_an_archive)
{
	char cmd[3000];
	const char *cc = cwd();
	snprintf(cmd, sizeof cmd,
	         "cd %s && printf '%%s\\n' '#include <stdio.h>' 'int two(void);' "
	         "'int main(void) { printf(\"%%d\\n\", two()); return 0; }' > m.c && "
	         "printf '%%s\\n' 'int one(void) { return 1; }' > a.c && "
	         "printf '%%s\\n' 'int one(void);' 'int two(void) { return one() + 1; }' > b.c && "
	         "%s/bin/gortcc -O2 -c m.c a.c b.c && "
	         "%s/bin/gortcc -nostdlib -r -o ab.o a.o b.o && "
	         "ar rcs libm1.a m.o && %s/bin/gortcc -o app ab.o -L. -lm1 && ./app",
	         tmp, cc, cc, cc);
	const char *sh[] = { "sh", "-c", cmd, NULL };
	struct run r = run_cmd(sh, NULL, 120);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "2\n");
	run_free(&r);
}

/* libtool builds shared libraries unless told otherwise: say why not. */
Test(gortcc, shared_is_refused_with_a_reason)
{
	char cmd[1000];
	snprintf(cmd, sizeof cmd, "cd %s && echo 'int f(void) { return 1; }' > s.c && %s/bin/gortcc -shared -o s.so s.c",
	         tmp, cwd());
	const char *sh[] = { "sh", "-c", cmd, NULL };
	struct run r = run_cmd(sh, NULL, 60);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "gortcc: -shared is not supported"), "%s", r.err);
	run_free(&r);
}
