/*
 * progs_install.c: gort as an installed library: `make install PREFIX=`
 * into a temporary directory, then what a user does with it: gortcc
 * --help, <gort/gort.h> and <gort.h> through the installed gortcc, the
 * header under g++, a program with a go() of its own, plain cc through
 * pkg-config, and `make uninstall` leaving no file behind.
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
	strcpy(tmp, "/tmp/gort-install-XXXXXX");
	cr_assert(mkdtemp(tmp));
}

static void rmtmp(void)
{
	const char *argv[] = { "rm", "-rf", tmp, NULL };
	struct run r = run_cmd(argv, NULL, 60);
	run_free(&r);
}

TestSuite(install, .init = mktmp, .fini = rmtmp);

/* Runs cmd under sh in tmp (the tree's directory is $TREE); returns the run. */
static struct run sh(const char *cmd)
{
	char tree[4096], env[4200];
	cr_assert(getcwd(tree, sizeof tree));
	snprintf(env, sizeof env, "TREE=%s", tree);
	char full[8192];
	snprintf(full, sizeof full, "cd %s && %s", tmp, cmd);
	const char *argv[] = { "sh", "-c", full, NULL };
	const char *envp[] = { env, NULL };
	return run_cmd(argv, envp, 180);
}

static void install(void)
{
	struct run r = sh("MAKEFLAGS= MAKELEVEL= make -s -C \"$TREE\" install PREFIX=$PWD/inst");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
}

Test(install, gortcc_help_is_its_own)
{
	struct run r = sh("\"$TREE\"/bin/gortcc --help");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Usage: gortcc"), "%s", r.out);
	cr_expect(strstr(r.out, "GOMAXPROCS") && strstr(r.out, "GODEBUG") && strstr(r.out, "GORTSTACK"), "%s", r.out);
	cr_expect(strstr(r.out, "gort(7)"), "%s", r.out);
	cr_expect(!strstr(r.out, "Usage: gcc"), "%s", r.out);
	run_free(&r);
}

/* Both spellings through the installed gortcc, and the header under g++. */
Test(install, header_as_gort_slash_gort_h_and_cplusplus)
{
	install();
	struct run r = sh(
		"printf '%s\\n' '#include <gort/gort.h>' '#include <gort.h>' '#include <stdio.h>' "
		"'static void f(void *a) { gort_chan_send(a, &(int){ 7 }); }' "
		"'int main(void) { gort_chan *c = gort_chan_make(sizeof(int), 0); int v = 0;' "
		"'  go(f, c); gort_chan_recv(c, &v); printf(\"%d\\n\", v); return 0; }' > h.c && "
		"inst/bin/gortcc -Wall -Wextra -Werror -O2 -o h h.c && ./h");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "7\n");
	run_free(&r);

	r = sh("printf '%s\\n' '#include <gort/gort.h>' "
	       "'[[noreturn]] static void end() { gort_goexit(); }' "
	       "'static void f(void *) { gort_case c[1] = {}; c[0].dir = GORT_RECV; gort_select(c, 1, 0); end(); }' "
	       "'int main() { gort_mutex m = GORT_MUTEX_INIT; gort_mutex_lock(&m); gort_mutex_unlock(&m);' "
	       "'  gort_waitgroup wg = GORT_WAITGROUP_INIT; gort_wg_add(&wg, 1); return (int)go(f, nullptr); }' > h.cc && "
	       "g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -Iinst/include h.cc");
	cr_expect_eq(r.status, 0, "g++ rejects gort.h:\n%s%s", r.out, r.err);
	run_free(&r);
}

/* go is a macro over gort_go: a program may have a go() of its own in a
   file that does not include gort.h, or after #undef go in one that does;
   the library exports no go. */
Test(install, program_with_its_own_go_links)
{
	install();
	struct run r = sh(
		"printf '%s\\n' '#include <gort.h>' '#include <stdio.h>' 'int (go)(int);' "
		"'static void f(void *a) { gort_chan_send(a, 0); }' "
		"'int main(void) { gort_chan *c = gort_chan_make(0, 0); go(f, c); gort_chan_recv(c, 0);' "
		"'  printf(\"%d\\n\", (go)(2)); return 0; }' > m.c && "
		"printf '%s\\n' 'int go(int n) { return n * 21; }' > own.c && "
		"printf '%s\\n' '#include <gort.h>' '#undef go' 'static int go(void) { return 1; }' "
		"'int other(void) { return go() + (int)gort_go(0, 0); }' > undef.c && "
		"inst/bin/gortcc -Wall -Wextra -Werror -O2 -o m m.c own.c undef.c && ./m && "
		"nm -g --defined-only inst/lib/gort/libgort.a inst/lib/gort/libgort-debug.a | "
		"awk 'NF == 3 && $3 == \"go\"'");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "42\n", "the library still exports go, or the program's go was not called");
	run_free(&r);
}

/* For build systems that cannot set CC: plain cc with pkg-config's flags
   builds the very program gortcc builds. */
Test(install, pkg_config_builds_what_gortcc_builds)
{
	install();
	struct run r = sh(
		"printf '%s\\n' '#include <gort.h>' '#include <stdio.h>' "
		"'static void f(void *a) { gort_chan_send(a, &(long){ gort_goid() }); }' "
		"'int main(void) { gort_chan *c = gort_chan_make(sizeof(long), 1); long id;' "
		"'  go(f, c); gort_chan_recv(c, &id); printf(\"%ld\\n\", id); return 0; }' > p.c && "
		"export PKG_CONFIG_PATH=$PWD/inst/lib/pkgconfig && "
		"cc $(pkg-config --cflags --libs gort) -O2 -o p p.c && ./p && "
		"inst/bin/gortcc -O2 -o p2 p.c && cmp p p2 && "
		"readelf -hl p | grep -c INTERP; readelf -s p | grep -c ' rt0_go$'; "
		"cc $(pkg-config --cflags gort) -O2 -c p.c && cc -o p3 p.o $(pkg-config --libs gort) && ./p3");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "2\n0\n1\n2\n", "not gortcc's program:\n%s%s", r.out, r.err);
	run_free(&r);
}

Test(install, uninstall_leaves_no_file)
{
	install();
	struct run r = sh("test -f inst/bin/gortcc && test -f inst/include/gort/gort.h && "
	                  "test -f inst/lib/pkgconfig/gort.pc && "
	                  "MAKEFLAGS= MAKELEVEL= make -s -C \"$TREE\" uninstall PREFIX=$PWD/inst && find inst ! -type d");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "", "left behind:\n%s", r.out);
	run_free(&r);
}

/* gortcc(1), gort(7) and a page in section 3 for every function gort.h
   declares, each rendered by man without a warning. */
Test(install, man_pages_for_everything_render_clean)
{
	install();
	struct run r = sh(
		"cd inst/share/man && "
		"for f in $(grep -o 'gort_[a-z_]*(' ../../include/gort/gort.h | tr -d '(' | sort -u) go; do "
		"  test -f man3/$f.3 || echo \"no page for $f\"; done; "
		"test -f man1/gortcc.1 || echo 'no gortcc(1)'; test -f man7/gort.7 || echo 'no gort(7)'; "
		"for p in man1/* man3/* man7/*; do "
		"  MANROFFSEQ= MANWIDTH=80 man --warnings -l $p 2>&1 >/dev/null | sed \"s|^|$p: |\"; "
		"  MANWIDTH=80 man -l $p 2>/dev/null | grep -q '^NAME' || echo \"$p: no NAME\"; done");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "", "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_free(&r);
}
