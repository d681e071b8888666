/*
 * symtab.c: function names for tracebacks, from the executable's own ELF
 * symbol table (/proc/self/exe), read only when a traceback is printed.
 * A stripped binary has none: tracebacks then show addresses alone. A
 * binary built with -g also has DWARF line tables, which dwarfline.c turns
 * into file:line.
 *
 * The table is mapped when it can be. When it cannot, which is exactly when
 * the process is out of memory or address space and about to print
 * `fatal error: out of memory` or `newosproc`, it is read piece by piece
 * into static buffers: slower, but the traceback still names its frames
 * (without file:line, whose table needs memory).
 */
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dwarfline.h"
#include "runtime.h"

static int loaded;   /* 0 not tried, 1 mapped, 2 read with pread, -1 unavailable */
static const Elf64_Sym *syms;  /* mapped: the symbols and their names */
static const char *strs;
static size_t nsyms;
static int fd = -1;            /* read with pread: the file and where things are */
static off_t symoff, stroff;
static size_t strsize;

static bool readat(void *buf, size_t len, off_t off)
{
	return rawsyscall6(SYS_pread64, fd, (long)buf, (long)len, off, 0, 0) == (long)len;
}

/* Find the symbol table's section header and its string table's. */
static bool findtab(Elf64_Shdr *sym, Elf64_Shdr *str, off_t size)
{
	Elf64_Ehdr eh;
	if (!readat(&eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shoff + (size_t)eh.e_shnum * sizeof(Elf64_Shdr) > (size_t)size)
		return false;
	for (int i = 0; i < eh.e_shnum; i++) {
		if (!readat(sym, sizeof *sym, (off_t)(eh.e_shoff + (size_t)i * sizeof *sym)))
			return false;
		if (sym->sh_type != SHT_SYMTAB || sym->sh_link >= eh.e_shnum)
			continue;
		if (!readat(str, sizeof *str, (off_t)(eh.e_shoff + (size_t)sym->sh_link * sizeof *str)))
			return false;
		return sym->sh_offset + sym->sh_size <= (size_t)size &&
		       str->sh_offset + str->sh_size <= (size_t)size;
	}
	return false;
}

/* The mapped section called name, if the file has it uncompressed. */
static const uint8_t *section(const char *base, size_t size, const char *name, size_t *len)
{
	const Elf64_Ehdr *eh = (const void *)base;
	const Elf64_Shdr *sh = (const void *)(base + eh->e_shoff);
	if (eh->e_shoff > size || eh->e_shstrndx >= eh->e_shnum)
		return 0;
	const Elf64_Shdr *names = &sh[eh->e_shstrndx];
	if (names->sh_offset > size || names->sh_size > size - names->sh_offset)
		return 0;
	size_t n = strlen(name);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= names->sh_size || names->sh_size - sh[i].sh_name <= n ||
		    memcmp(base + names->sh_offset + sh[i].sh_name, name, n + 1) != 0)
			continue;
		if (sh[i].sh_type == SHT_NOBITS || (sh[i].sh_flags & SHF_COMPRESSED) ||
		    sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			return 0;
		*len = sh[i].sh_size;
		return (const uint8_t *)base + sh[i].sh_offset;
	}
	return 0;
}

static void loadlines(const char *base, size_t size)
{
	struct dwarfsects sc = { 0 };
	sc.line = section(base, size, ".debug_line", &sc.nline);
	sc.linestr = section(base, size, ".debug_line_str", &sc.nlinestr);
	sc.str = section(base, size, ".debug_str", &sc.nstr);
	sc.info = section(base, size, ".debug_info", &sc.ninfo);
	sc.abbrev = section(base, size, ".debug_abbrev", &sc.nabbrev);
	if (sc.line)
		linetabinit(&sc);
}

static void load(void)
{
	loaded = -1;
	/* Raw system calls: the runtime's own use of the wrappers would link
	   them into every program. */
	fd = (int)rawsyscall6(SYS_open, (long)"/proc/self/exe", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		return;
	struct stat st;
	Elf64_Shdr sym, str;
	if (rawsyscall6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 || !findtab(&sym, &str, st.st_size)) {
		rawsyscall6(SYS_close, fd, 0, 0, 0, 0, 0);
		return;
	}
	nsyms = sym.sh_size / sizeof(Elf64_Sym);
	const char *base = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base != MAP_FAILED) {
		rawsyscall6(SYS_close, fd, 0, 0, 0, 0, 0);
		syms = (const void *)(base + sym.sh_offset);
		strs = base + str.sh_offset;
		loaded = 1;
		loadlines(base, (size_t)st.st_size);   /* findtab checked the headers' bounds */
		return;
	}
	symoff = (off_t)sym.sh_offset;
	stroff = (off_t)str.sh_offset;
	strsize = str.sh_size;
	loaded = 2;
}

/* Is s a better match for pc than best (NULL: none yet)? A symbol with a
   size contains pc or not; one without (assembly) is the nearest below. */
static bool better(const Elf64_Sym *s, uintptr_t pc, const Elf64_Sym *best, bool *exact)
{
	if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_value == 0 || s->st_value > pc)
		return false;
	if (s->st_size && pc < s->st_value + s->st_size) {
		*exact = true;
		return true;
	}
	return !s->st_size && (!best || s->st_value > best->st_value);
}

/* The function containing pc: its name and start, or NULL. The name stays
   valid until the next call. */
const char *funcname(uintptr_t pc, uintptr_t *start) __attribute__((visibility("hidden")));
const char *funcname(uintptr_t pc, uintptr_t *start)
{
	static Elf64_Sym chunk[128] bigbss, found;
	static char name[256];
	if (!loaded)
		load();
	if (loaded < 0)
		return 0;
	const Elf64_Sym *best = 0;
	bool exact = false;
	if (loaded == 1) {
		for (size_t i = 0; i < nsyms && !exact; i++)
			if (better(&syms[i], pc, best, &exact))
				best = &syms[i];
		if (!best)
			return 0;
		*start = best->st_value;
		return strs + best->st_name;
	}
	for (size_t i = 0; i < nsyms && !exact; i += 128) {
		size_t n = nsyms - i < 128 ? nsyms - i : 128;
		if (!readat(chunk, n * sizeof *chunk, symoff + (off_t)(i * sizeof *chunk)))
			return 0;
		for (size_t j = 0; j < n && !exact; j++)
			if (better(&chunk[j], pc, best, &exact)) {
				found = chunk[j];
				best = &found;
			}
	}
	if (!best || best->st_name >= strsize)
		return 0;
	long r = rawsyscall6(SYS_pread64, fd, (long)name, sizeof name - 1, stroff + (off_t)best->st_name, 0, 0);
	if (r <= 0)
		return 0;
	name[r] = 0;
	*start = best->st_value;
	return name;
}

/* The source file and line of pc, when the binary has line tables (-g),
   or NULL. The string stays valid. */
hidden const char *funcfileline(uintptr_t pc, int *line)
{
	if (!loaded)
		load();
	if (loaded != 1)
		return 0;
	return pcfileline(pc, line);
}
