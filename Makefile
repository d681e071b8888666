# gort: one non-recursive Makefile. Variables can be overridden on the command line.
#
#   make          build lib/libgort.a, lib/crt0.o, bin/gortcc (+ lib/gort.specs, lib/linker.ld,
#                 lib/kernel: the kernel's own headers, <linux/...> and <asm/...>)
#   make demo     install what is missing, build, compile samples/hello.c with gortcc, run it
#   make test     install what is missing, build, run every test (and make doccheck)
#   make doccheck the docs and comments cite only files and functions that exist
#   make bench    the same workloads in Go and in gort C, side by side
#   make install PREFIX=/dir
#   make uninstall PREFIX=/dir

PREFIX ?= /usr/local
HOSTCC ?= gcc
MUSLCC ?= musl-gcc
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl
MUSL_INCDIR ?= /usr/include/x86_64-linux-musl
# The Linux UAPI headers (Debian's linux-libc-dev): libc-neutral, so gortcc
# offers them after musl's own, as Alpine's musl toolchain does; glibc's
# headers beside them in /usr/include stay out of sight.
KERNEL_INCDIR ?= /usr/include
KERNEL_ARCHINCDIR ?= /usr/include/x86_64-linux-gnu
KERNEL_HDRDIRS := linux asm-generic misc mtd rdma sound video xen
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Werror
# Frame pointers for tracebacks; local-exec TLS because the runtime is always
# linked into the executable; no stack protector on code that switches stacks.
# No unwind tables: tracebacks walk frame pointers and nothing unwinds through
# the runtime (with -g, gdb gets .debug_frame instead); it keeps every
# program's binary 3 KiB smaller.
RTFLAGS := $(WARN) $(CFLAGS) -D_GNU_SOURCE -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-ftls-model=local-exec -fno-stack-protector -ffunction-sections -fdata-sections \
	-Iruntime -Iinclude -idirafter build/vginc
GORTCC := bin/gortcc
# valgrind's client requests (<valgrind/valgrind.h>, <valgrind/memcheck.h>):
# header-only, and libc-neutral like the kernel's; build/vginc holds a link to
# that one directory, so glibc's headers beside it stay out of the runtime's
# sight.
VALGRIND_INCDIR ?= /usr/include/valgrind

# dwarfline.c reads DWARF line tables, which only a -g build has, and
# vgheap.c shows memcheck the heap: the runtime for builds without -g
# (libgort.a) has dwarfline_none.c and vgheap_none.c instead, to stay small.
RT_SRCS := $(filter-out runtime/dwarfline%.c libc-shim/vgheap%.c %_bare.c,$(wildcard runtime/*.c) \
	$(wildcard libc-shim/*.c) $(wildcard crt/*.c))
RT_ASM := $(filter-out %_bare.S,$(wildcard asm/*.S))
RT_OBJS := $(RT_SRCS:%.c=build/obj/%.o) $(RT_ASM:%.S=build/obj/%.o)
HDRS := $(wildcard runtime/*.h) $(wildcard libc-shim/*.h) include/gort.h

# Bare mode (gortcc -nolibc, docs/bootstrap.md): the same runtime objects
# without libc-shim/, with the *_bare files in place of the *_musl ones.
BARE_SRCS := $(filter-out runtime/dwarfline%.c %_musl.c,$(wildcard runtime/*.c) $(wildcard crt/*.c))
BARE_OBJS := $(BARE_SRCS:%.c=build/obj/%.o) $(patsubst %.S,build/obj/%.o,$(wildcard asm/*.S))
BARE_LIBS := lib/libgort-bare.a lib/libgort-bare-debug.a lib/crt0-bare.o lib/gort-bare.specs

LIBS := lib/libgort.a lib/libgort-debug.a lib/crt0.o lib/gort.specs lib/linker.ld $(BARE_LIBS)
# The checking runtime (runtime/lockrank.c): the -g runtime built with
# -DGORT_LOCKRANK, in lib/lockrank/ with links to the rest of lib/;
# gortcc links it when GORT_LOCKRANK=1. Not installed.
LOCKRANK_OBJS := $(RT_OBJS:build/obj/%=build/lockrank/obj/%) build/lockrank/obj/runtime/dwarfline.o \
	build/lockrank/obj/libc-shim/vgheap.o
LOCKRANK_LIB := lib/lockrank/libgort.a
PROG_SRCS := $(wildcard tests/prog/*.c)
PROGS := $(PROG_SRCS:tests/prog/%.c=build/tests/prog/%)
# tests/prog/bare_*.c: built in both modes, and in bare mode (gortcc
# -nolibc) as build/tests/prog/bare/NAME.
BARE_PROGS := $(patsubst tests/prog/%.c,build/tests/prog/bare/%,$(wildcard tests/prog/bare_*.c))
SAMPLE_SRCS := $(wildcard samples/*.c)
SAMPLES := $(SAMPLE_SRCS:samples/%.c=build/samples/%)

# Criterion tests: tests/progs_*.c drive whole programs through the harness;
# every other tests/*.c is a unit test of runtime pieces built with the host
# compiler (see tests/unit_support.c for what stands in for the rest).
CRIT_PROG_SRCS := $(wildcard tests/progs_*.c)
CRIT_UNIT_SRCS := $(filter-out tests/harness.c tests/unit_support.c $(CRIT_PROG_SRCS),$(wildcard tests/*.c))
UNIT_RT := runtime/runq.c runtime/lock_futex.c runtime/os_linux.c runtime/stack.c runtime/mem.c runtime/dwarfline.c \
	runtime/valgrind.c runtime/vdso_linux.c tests/unit_support.c
CRIT_BINS := $(CRIT_UNIT_SRCS:tests/%.c=build/tests/unit_%) $(CRIT_PROG_SRCS:tests/%.c=build/tests/%)

all: $(LIBS) lib/nolibc-hint lib/kernel lib/include $(GORTCC)

build/obj/%.o: %.c $(HDRS) | build/vginc
	@mkdir -p $(dir $@)
	$(MUSLCC) $(RTFLAGS) -c $< -o $@

# The gdb script is assembled into the section that carries it.
build/obj/runtime/gdbscript.o: runtime/gort-gdb.py

build/obj/%.o: %.S runtime/asm.h
	@mkdir -p $(dir $@)
	$(MUSLCC) $(RTFLAGS) -c $< -o $@

build/lockrank/obj/%.o: %.c $(HDRS) | build/vginc
	@mkdir -p $(dir $@)
	$(MUSLCC) $(RTFLAGS) -DGORT_LOCKRANK -c $< -o $@

build/lockrank/obj/runtime/gdbscript.o: runtime/gort-gdb.py

build/lockrank/obj/%.o: %.S runtime/asm.h
	@mkdir -p $(dir $@)
	$(MUSLCC) $(RTFLAGS) -DGORT_LOCKRANK -c $< -o $@

build/lockrank/gort-all.o: $(LOCKRANK_OBJS)
	ld -r -o $@ $^

build/lockrank/gort.o: build/lockrank/gort-all.o build/gort.keep
	objcopy --keep-global-symbols=build/gort.keep $< $@

# Both names, so that gortcc finds it with -g and without.
$(LOCKRANK_LIB): build/lockrank/gort.o $(LIBS) lib/kernel lib/include
	@mkdir -p lib/lockrank
	rm -f $@ lib/lockrank/libgort-debug.a
	ar rcs $@ $<
	ln -sfn libgort.a lib/lockrank/libgort-debug.a
	for f in crt0.o gort.specs linker.ld kernel include; do ln -sfn ../$$f lib/lockrank/$$f; done

# The runtime is one relocatable object whose only global symbols are the
# public API (gort_*), the musl symbols it overrides (any name musl's
# libc.a defines too), the __wrap_ functions gort.specs's --wrap names, and
# rt0_go for crt0.o: the rest is made local, so a
# program may have its own lock(), fatal() or schedule(). Local symbols stay
# in the symbol table for tracebacks.
build/gort.keep: $(RT_OBJS) build/gort-all.o
	{ echo rt0_go; \
	  nm -g --defined-only build/gort-all.o | awk 'NF == 3 { print $$3 }' | sort -u > $@.ours; \
	  nm -g --defined-only $(MUSL_LIBDIR)/libc.a 2>/dev/null | awk 'NF == 3 { print $$3 }' | sort -u > $@.musl; \
	  grep -E '^(gort_|__wrap_)' $@.ours; comm -12 $@.ours $@.musl; } > $@
	rm -f $@.ours $@.musl

build/gort-all.o: $(RT_OBJS) build/obj/runtime/dwarfline.o build/obj/libc-shim/vgheap.o
	ld -r -o $@ $^

build/nolines/gort-all.o: $(RT_OBJS) build/obj/runtime/dwarfline_none.o build/obj/libc-shim/vgheap_none.o
	@mkdir -p $(dir $@)
	ld -r -o $@ $^

build/gort.o: build/gort-all.o build/gort.keep
	objcopy --keep-global-symbols=build/gort.keep $< $@

# Without -g the runtime keeps only the symbols of its functions, which
# tracebacks name; those of its static data go (about 3 KiB of every
# binary), as gdb has the -g runtime's.
build/nolines/gort.datasyms build/bare/nolines/gort.datasyms: %/gort.datasyms: %/gort-all.o
	nm --defined-only $< | awk '$$2 ~ /^[bdrs]$$/ && $$3 !~ /^\./ { print $$3 }' | sort -u > $@

build/nolines/gort.o: build/nolines/gort-all.o build/gort.keep build/nolines/gort.datasyms
	objcopy --strip-debug --strip-symbols=build/nolines/gort.datasyms --keep-global-symbols=build/gort.keep $< $@

# Two archives: gortcc links the one without DWARF (and without the line
# table reader) unless the program is built with -g, so that a plain build
# stays small. The gdb script (runtime/gdbscript.c) is a debug section
# too: only -g links carry it.
lib/libgort-debug.a: build/gort.o
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

lib/libgort.a: build/nolines/gort.o
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

# The bare runtime keeps global only the public API, what crt0-bare.o
# calls, and the four string functions gcc may emit calls to
# (runtime/libc_bare.c); its malloc, mmap, read... stay the runtime's.
build/bare/gort.keep:
	@mkdir -p $(dir $@)
	printf '%s\n' rt0_go rt0_tlssize rt0_tlsinit memcpy memmove memset memcmp > $@

build/bare/gort-all.o: $(BARE_OBJS) build/obj/runtime/dwarfline.o
	@mkdir -p $(dir $@)
	ld -r -o $@ $^

build/bare/nolines/gort-all.o: $(BARE_OBJS) build/obj/runtime/dwarfline_none.o
	@mkdir -p $(dir $@)
	ld -r -o $@ $^

# What the bare runtime defines under a name musl's libc.a has too (its
# malloc, read, strlen, __errno_location...) is renamed bare_NAME: a bare
# binary's symbol table, tracebacks and gdb then never name a C library
# function, since none is linked.
build/bare/gort.syms: build/bare/gort-all.o
	nm --defined-only $< | awk 'NF == 3 { print $$3 }' | sort -u > $@.ours
	nm -g --defined-only $(MUSL_LIBDIR)/libc.a 2>/dev/null | awk 'NF == 3 { print $$3 }' | sort -u > $@.musl
	comm -12 $@.ours $@.musl | grep -vxE 'memcpy|memmove|memset|memcmp' | awk '{ print $$1, "bare_" $$1 }' > $@
	rm -f $@.ours $@.musl

build/bare/gort.o: build/bare/gort-all.o build/bare/gort.keep build/bare/gort.syms
	objcopy --redefine-syms=build/bare/gort.syms --keep-global-symbols=build/bare/gort.keep \
		--wildcard --keep-global-symbol='gort_*' $< $@

build/bare/nolines/gort.o: build/bare/nolines/gort-all.o build/bare/gort.keep build/bare/gort.syms \
		build/bare/nolines/gort.datasyms
	objcopy --strip-debug --strip-symbols=build/bare/nolines/gort.datasyms --redefine-syms=build/bare/gort.syms \
		--keep-global-symbols=build/bare/gort.keep \
		--wildcard --keep-global-symbol='gort_*' $< $@

lib/libgort-bare-debug.a: build/bare/gort.o
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

lib/libgort-bare.a: build/bare/nolines/gort.o
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

lib/crt0-bare.o: crt/start_bare.S
	@mkdir -p lib
	$(MUSLCC) $(RTFLAGS) -c $< -o $@

lib/gort-bare.specs: crt/gort-bare.specs
	@mkdir -p lib
	cp $< $@

# libc_bare.c's loops must stay loops, not calls to memset and memcpy.
build/obj/runtime/libc_bare.o: RTFLAGS += -fno-tree-loop-distribute-patterns

lib/crt0.o: crt/start.S
	@mkdir -p lib
	$(MUSLCC) $(RTFLAGS) -c $< -o $@

lib/gort.specs: crt/gort.specs
	@mkdir -p lib
	cp $< $@

lib/linker.ld: linker.ld
	@mkdir -p lib
	cp $< $@

# ld runs it for gortcc -nolibc when a link misses a symbol.
lib/nolibc-hint: crt/nolibc-hint.sh
	@mkdir -p lib
	cp $< $@
	chmod 755 $@

build/tests/prog/%: tests/prog/%.c $(wildcard tests/prog/*.h) $(LIBS) $(GORTCC)
	@mkdir -p $(dir $@)
	$(GORTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $<

build/tests/prog/bare/%: tests/prog/%.c $(wildcard tests/prog/*.h) $(LIBS) lib/nolibc-hint $(GORTCC)
	@mkdir -p $(dir $@)
	$(GORTCC) -nolibc $(WARN) $(CFLAGS) -o $@ $<

# The file:line test's program also without -g, stripped, and with DWARF 4
# (tests/progs_fileline.c).
FILELINE_VARIANTS := $(addprefix build/tests/prog/trace_fileline-,nodebug stripped dwarf4)

build/tests/prog/trace_fileline-nodebug: tests/prog/trace_fileline.c $(LIBS) $(GORTCC)
	@mkdir -p $(dir $@)
	$(GORTCC) $(WARN) -O2 -D_GNU_SOURCE -o $@ $<

build/tests/prog/trace_fileline-stripped: build/tests/prog/trace_fileline
	strip -o $@ $<

build/tests/prog/trace_fileline-dwarf4: tests/prog/trace_fileline.c $(LIBS) $(GORTCC)
	@mkdir -p $(dir $@)
	$(GORTCC) $(WARN) $(CFLAGS) -gdwarf-4 -D_GNU_SOURCE -o $@ $<

# The whole-program tests once more, against the checking runtime.
build/lockrank/tests/prog/%: tests/prog/%.c $(wildcard tests/prog/*.h) $(LOCKRANK_LIB) $(GORTCC)
	@mkdir -p $(dir $@)
	GORT_LOCKRANK=1 $(GORTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $<

build/lockrank/samples/%: samples/%.c $(LOCKRANK_LIB) $(GORTCC)
	@mkdir -p $(dir $@)
	GORT_LOCKRANK=1 $(GORTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $<

build/samples/%: samples/%.c $(LIBS) $(GORTCC)
	@mkdir -p $(dir $@)
	$(GORTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $<

build/tests/unit_%: tests/%.c $(UNIT_RT) $(HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -Iruntime -Iinclude -o $@ $< $(UNIT_RT) -lcriterion -lpthread

build/tests/progs_%: tests/progs_%.c tests/harness.c tests/harness.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -Itests -o $@ $< tests/harness.c -lcriterion

build/vginc:
	@[ -f $(VALGRIND_INCDIR)/valgrind.h ] || { echo "no $(VALGRIND_INCDIR)/valgrind.h: run make setup (valgrind)" >&2; exit 1; }
	@mkdir -p $@.tmp && ln -sfn $(VALGRIND_INCDIR) $@.tmp/valgrind && rm -rf $@ && mv $@.tmp $@

# <gort/gort.h> in the tree: lib/include/gort is include/.
lib/include:
	@mkdir -p $@.tmp && ln -sfn ../../include $@.tmp/gort && rm -rf $@ && mv $@.tmp $@

# Links, not copies: the headers stay those of the machine's kernel package.
lib/kernel:
	@mkdir -p $@.tmp
	@for d in $(KERNEL_HDRDIRS); do \
		[ -d $(KERNEL_INCDIR)/$$d ] && ln -sfn $(KERNEL_INCDIR)/$$d $@.tmp/$$d; \
	done; \
	[ -d $(KERNEL_ARCHINCDIR)/asm ] && ln -sfn $(KERNEL_ARCHINCDIR)/asm $@.tmp/asm; \
	[ -e $@.tmp/linux ] || echo "warning: no kernel headers in $(KERNEL_INCDIR)/linux (linux-libc-dev)" >&2
	@rm -rf $@ && mv $@.tmp $@

# Installs what a fresh Debian 12 machine lacks (as root, or through sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
setup:
	@need=""; \
	command -v musl-gcc >/dev/null || need="$$need musl-tools"; \
	[ -f /usr/include/criterion/criterion.h ] || need="$$need libcriterion-dev"; \
	command -v gcc >/dev/null || need="$$need gcc"; \
	command -v gdb >/dev/null || need="$$need gdb"; \
	command -v strace >/dev/null || need="$$need strace"; \
	command -v g++ >/dev/null || need="$$need g++"; \
	command -v pkg-config >/dev/null || need="$$need pkgconf"; \
	command -v man >/dev/null || need="$$need man-db"; \
	command -v nroff >/dev/null || need="$$need groff-base"; \
	[ -d /usr/include/linux ] || need="$$need linux-libc-dev"; \
	command -v valgrind >/dev/null && [ -f /usr/include/valgrind/valgrind.h ] || need="$$need valgrind"; \
	if [ -n "$$need" ]; then \
		echo "installing:$$need"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$need >/dev/null; \
	fi

demo: setup all build/samples/hello
	./build/samples/hello

samples: $(SAMPLES)

# The docs and comments cite only files and functions that exist.
doccheck:
	./tests/doccheck.sh

# The scheduler's, channels', I/O's and threads' whole-program tests also
# run against the checking runtime (GORT_BUILD=build/lockrank).
LOCKRANK_SUITES := $(addprefix build/tests/progs_,boot chan sync io thread)
LOCKRANK_PROGS := $(PROG_SRCS:tests/prog/%.c=build/lockrank/tests/prog/%) $(SAMPLES:build/%=build/lockrank/%)

# The test binaries start from a clean environment, as the programs they
# run do (tests/harness.h): an exported GOMAXPROCS, GORTSTACK or GODEBUG
# must not change what is tested.
CLEANENV = env -i PATH="$$PATH" HOME="$$HOME" $${TMPDIR:+TMPDIR="$$TMPDIR"}

check: all $(PROGS) $(BARE_PROGS) $(FILELINE_VARIANTS) $(SAMPLES) $(CRIT_BINS) $(LOCKRANK_PROGS)
	@fail=0; ./tests/doccheck.sh || fail=1; for t in $(CRIT_BINS); do \
		echo "== $$t"; s=$$(date +%s); $(CLEANENV) GORT_BUILD=build ./$$t --jobs 2 || fail=1; \
		echo "   ($$(( $$(date +%s) - s )) s)"; \
	done; \
	for t in $(LOCKRANK_SUITES); do \
		echo "== $$t (lock ranks checked)"; s=$$(date +%s); \
		$(CLEANENV) GORT_BUILD=build/lockrank ./$$t --jobs 2 || fail=1; \
		echo "   ($$(( $$(date +%s) - s )) s)"; \
	done; \
	echo; [ $$fail = 0 ] && echo "all test binaries passed" || { echo "some test binaries failed"; exit 1; }

test: setup
	$(MAKE) check

soak: setup all
	./tests/soak.sh

bench: setup all
	./bench/run.sh

# The installed tree: the manual pages (man/, in roff) and docs/ with it;
# gortcc finds the rest next to itself
# (PREFIX/lib/gort), so the tree may be moved; gort-prefix.specs, for
# pkg-config users who run cc itself, has PREFIX written in. The header is
# PREFIX/include/gort/gort.h; lib/gort/include/gort links to its directory
# so that gortcc finds <gort/gort.h> without offering the rest of
# PREFIX/include.
MAN1 := $(wildcard man/*.1)
MAN3 := $(wildcard man/*.3)
MAN7 := $(wildcard man/*.7)
DOCS := $(wildcard docs/*.md)
BARE_HDRS := $(wildcard include/bare/*.h) $(wildcard include/bare/sys/*.h)
INSTALLED := bin/gortcc include/gort/gort.h $(BARE_HDRS:include/%=include/gort/%) lib/gort/nolibc-hint \
	$(LIBS:lib/%=lib/gort/%) lib/gort/gort-prefix.specs \
	lib/gort/include/gort lib/pkgconfig/gort.pc \
	$(MAN1:man/%=share/man/man1/%) $(MAN3:man/%=share/man/man3/%) $(MAN7:man/%=share/man/man7/%) \
	$(DOCS:docs/%=share/doc/gort/%)
INSTALLED_DIRS := lib/gort/kernel lib/gort/include lib/gort include/gort/bare/sys include/gort/bare include/gort \
	share/doc/gort
D := $(DESTDIR)$(PREFIX)

install: all
	install -d $(D)/bin $(D)/lib/gort/include $(D)/include/gort $(D)/lib/pkgconfig \
		$(D)/share/man/man1 $(D)/share/man/man3 $(D)/share/man/man7 $(D)/share/doc/gort
	install -m 755 bin/gortcc $(D)/bin/gortcc
	install -m 644 $(LIBS) $(D)/lib/gort/
	install -m 644 include/gort.h $(D)/include/gort/gort.h
	install -d $(D)/include/gort/bare/sys
	install -m 644 $(wildcard include/bare/*.h) $(D)/include/gort/bare/
	install -m 644 $(wildcard include/bare/sys/*.h) $(D)/include/gort/bare/sys/
	install -m 755 lib/nolibc-hint $(D)/lib/gort/nolibc-hint
	ln -sfn ../../../include/gort $(D)/lib/gort/include/gort
	sed 's|%:getenv(GORT_LIBDIR \([^)]*\))|$(PREFIX)/lib/gort\1|g; s|%:getenv(GORT_INCDIR \([^)]*\))|$(PREFIX)/include/gort\1|g; s|%:getenv(GORT_MUSLINC \([^)]*\))|$(MUSL_INCDIR)\1|g; s|%:getenv(GORT_MUSLLIB \([^)]*\))|$(MUSL_LIBDIR)\1|g' \
		crt/gort.specs > $(D)/lib/gort/gort-prefix.specs
	sed 's|@PREFIX@|$(PREFIX)|g' crt/gort.pc.in > $(D)/lib/pkgconfig/gort.pc
	$(if $(MAN1),install -m 644 $(MAN1) $(D)/share/man/man1/)
	$(if $(MAN3),install -m 644 $(MAN3) $(D)/share/man/man3/)
	$(if $(MAN7),install -m 644 $(MAN7) $(D)/share/man/man7/)
	install -m 644 $(DOCS) $(D)/share/doc/gort/
	rm -rf $(D)/lib/gort/kernel
	cp -R -P lib/kernel $(D)/lib/gort/kernel

# Removes what install put there and nothing else: gort's own directories
# when empty, never PREFIX's shared ones (bin, share/man/man1...).
uninstall:
	rm -f $(addprefix $(D)/,$(INSTALLED))
	rm -rf $(D)/lib/gort/kernel
	rmdir $(addprefix $(D)/,$(INSTALLED_DIRS)) 2>/dev/null || true

clean:
	rm -rf build lib

.PHONY: all setup demo samples doccheck check test soak bench install uninstall clean
.SECONDARY:
