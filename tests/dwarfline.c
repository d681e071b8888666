/*
 * Unit tests of runtime/dwarfline.c: its rows agree with addr2line's on a
 * real binary (this test, DWARF 5, and the DWARF 4 build of
 * tests/prog/trace_fileline.c), and truncated or corrupt sections, read up
 * to a guard page, neither crash it nor make it read past their end.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarfline.h"

static char *image;
static size_t imagesize;

static void readimage(const char *path)
{
	int fd = open(path, O_RDONLY);
	cr_assert(fd >= 0, "cannot open %s", path);
	struct stat st;
	cr_assert(fstat(fd, &st) == 0);
	imagesize = (size_t)st.st_size;
	image = malloc(imagesize);
	cr_assert(image && pread(fd, image, imagesize, 0) == (ssize_t)imagesize);
	close(fd);
}

static const Elf64_Shdr *shdr(const char *name)
{
	const Elf64_Ehdr *eh = (const void *)image;
	const Elf64_Shdr *sh = (const void *)(image + eh->e_shoff);
	const char *names = image + sh[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

static const uint8_t *sect(const char *name, size_t *n)
{
	const Elf64_Shdr *sh = shdr(name);
	*n = sh ? sh->sh_size : 0;
	return sh ? (const uint8_t *)image + sh->sh_offset : NULL;
}

static struct dwarfsects sects(void)
{
	struct dwarfsects sc;
	sc.line = sect(".debug_line", &sc.nline);
	sc.linestr = sect(".debug_line_str", &sc.nlinestr);
	sc.str = sect(".debug_str", &sc.nstr);
	sc.info = sect(".debug_info", &sc.ninfo);
	sc.abbrev = sect(".debug_abbrev", &sc.nabbrev);
	return sc;
}

static const char *dwarf4prog(void)
{
	static char path[512];
	const char *b = getenv("GORT_BUILD");
	snprintf(path, sizeof path, "%s/tests/prog/trace_fileline-dwarf4", b ? b : "build");
	return path;
}

/* Look up three addresses in every function of path's symbol table and
   compare with what addr2line says of them. */
static void agree(const char *path)
{
	readimage(path);
	struct dwarfsects sc = sects();
	cr_assert(sc.line, "%s has no .debug_line", path);
	linetabinit(&sc);

	const Elf64_Shdr *symh = shdr(".symtab");
	cr_assert(symh);
	const Elf64_Sym *syms = (const void *)(image + symh->sh_offset);
	size_t nsyms = symh->sh_size / sizeof *syms, npc = 0;
	uintptr_t *pcs = malloc(3 * nsyms * sizeof *pcs);
	char tmp[] = "/tmp/gort-dwarfline-XXXXXX";
	int fd = mkstemp(tmp);
	cr_assert(fd >= 0 && pcs);
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < nsyms; i++) {
		if (ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC || !syms[i].st_value || !syms[i].st_size)
			continue;
		uintptr_t at[3] = { syms[i].st_value, syms[i].st_value + syms[i].st_size / 2,
		                    syms[i].st_value + syms[i].st_size - 1 };
		for (int j = 0; j < 3; j++) {
			pcs[npc++] = at[j];
			fprintf(f, "%#lx\n", (unsigned long)at[j]);
		}
	}
	fclose(f);
	cr_assert(npc > 150, "only %zu addresses", npc);

	char cmd[1200];
	snprintf(cmd, sizeof cmd, "addr2line -e '%s' < %s", path, tmp);
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	char want[1024], got[1024];
	size_t nlines = 0, bad = 0;
	for (size_t i = 0; i < npc && fgets(want, sizeof want, p); i++) {
		want[strcspn(want, " \n")] = 0;   /* drop " (discriminator N)" */
		int line = 0;
		const char *file = pcfileline(pcs[i], &line);
		if (file)
			snprintf(got, sizeof got, "%s:%d", file, line);
		else
			strcpy(got, "??");
		if (!file && (!strncmp(want, "??:", 3) || strstr(want, ":0") || strstr(want, ":?")))
			continue;
		nlines += file != NULL;
		if (strcmp(got, want)) {
			if (bad < 10)
				cr_log_error("%s %#lx: ours %s, addr2line %s", path, (unsigned long)pcs[i], got, want);
			bad++;
		}
	}
	pclose(p);
	unlink(tmp);
	cr_expect(nlines > 100, "only %zu lines found", nlines);
	cr_expect(bad == 0, "%zu of %zu addresses disagree with addr2line", bad, npc);
	free(pcs);
	free(image);
}

Test(dwarfline, agrees_with_addr2line_on_dwarf5)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	cr_assert(n > 0);
	self[n] = 0;
	agree(self);
}

Test(dwarfline, agrees_with_addr2line_on_dwarf4)
{
	agree(dwarf4prog());
}

/* A copy of n bytes of src that ends where an inaccessible page begins: a
   read past the end faults. */
static uint8_t *guarded(const uint8_t *src, size_t n)
{
	size_t pg = 4096, len = (n + pg - 1) / pg * pg + pg;
	uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(m != MAP_FAILED);
	cr_assert(mprotect(m + len - pg, pg, PROT_NONE) == 0);
	uint8_t *p = m + len - pg - n;
	memcpy(p, src, n);
	return p;
}

static void unguard(const uint8_t *p, size_t n)
{
	size_t pg = 4096, len = (n + pg - 1) / pg * pg + pg;
	munmap((void *)(p + n + pg - len), len);
}

/* Build from the line section cut to its first cut bytes, the others to
   their first othercut, with the bytes of the line section at the
   positions in flips inverted, and look some addresses up. */
static void mangled(const struct dwarfsects *orig, size_t cut, size_t othercut, const size_t *flips, int nflips)
{
	struct dwarfsects sc = *orig;
	const uint8_t **ptr[5] = { &sc.line, &sc.linestr, &sc.str, &sc.info, &sc.abbrev };
	size_t *len[5] = { &sc.nline, &sc.nlinestr, &sc.nstr, &sc.ninfo, &sc.nabbrev };
	int n = othercut == SIZE_MAX ? 1 : 5;   /* the whole of a section needs no guard */
	for (int i = 0; i < n; i++) {
		if (*len[i] > (i ? othercut : cut))
			*len[i] = i ? othercut : cut;
		*ptr[i] = guarded(*ptr[i], *len[i]);
	}
	for (int i = 0; i < nflips; i++)
		if (flips[i] < sc.nline)
			((uint8_t *)sc.line)[flips[i]] ^= 0xff;
	/* The first units claim to run to the cut, so that their headers and
	   programs are read up to the guard page. */
	if (!nflips) {
		uint32_t l;
		if (sc.nline >= 4 && (l = (uint32_t)(sc.nline - 4)) < 0xfffffff0)
			memcpy((uint8_t *)sc.line, &l, 4);
		/* Every other cut, the header also runs to it. */
		size_t h = sc.nline >= 6 && sc.line[4] == 5 ? 8 : 6;
		if (cut % 2 && sc.nline >= h + 4) {
			l = (uint32_t)(sc.nline - h - 4);
			memcpy((uint8_t *)sc.line + h, &l, 4);
		}
		if (othercut != SIZE_MAX && sc.ninfo >= 4 && (l = (uint32_t)(sc.ninfo - 4)) < 0xfffffff0)
			memcpy((uint8_t *)sc.info, &l, 4);
	}
	linetabinit(&sc);
	for (uintptr_t pc = 0x401000; pc < 0x420000; pc += 0x1001) {
		int line;
		const char *file = pcfileline(pc, &line);
		if (file)
			cr_assert(strlen(file) < 4096);
	}
	for (int i = 0; i < n; i++)
		unguard(*ptr[i], *len[i]);
}

static void survive(const char *path)
{
	readimage(path);
	struct dwarfsects sc = sects();
	cr_assert(sc.line && sc.info && sc.abbrev);
	for (size_t cut = 0; cut < 300; cut++)
		mangled(&sc, cut, cut, NULL, 0);
	/* Each unit on its own, cut anywhere in its header and a little past. */
	for (size_t off = 0; off + 4 <= sc.nline;) {
		uint32_t ulen;
		memcpy(&ulen, sc.line + off, 4);
		struct dwarfsects u = sc;
		u.line += off;
		u.nline -= off;
		size_t end = ulen + 4 < 400 ? ulen + 4 : 400;
		for (size_t cut = 0; cut <= end; cut++)
			mangled(&u, cut, SIZE_MAX, NULL, 0);
		off += ulen + 4;
	}
	srandom(1);
	for (int i = 0; i < 300; i++) {
		size_t flips[4];
		for (int j = 0; j < 4; j++)
			flips[j] = (size_t)random() % (i < 150 ? 400 : sc.nline);
		mangled(&sc, SIZE_MAX, SIZE_MAX, flips, 4);
	}
	free(image);
}

Test(dwarfline, survives_truncated_and_corrupt_tables_dwarf4)
{
	survive(dwarf4prog());
}

Test(dwarfline, survives_truncated_and_corrupt_tables_dwarf5)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	cr_assert(n > 0);
	self[n] = 0;
	survive(self);
}
