/*
 * symtab.c: function names for tracebacks, from the executable's own ELF
 * symbol table (/proc/self/exe), read only when a traceback is printed.
 * A stripped binary has none: tracebacks then show addresses alone.
 */
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

static const Elf64_Sym *syms;
static size_t nsyms;
static const char *strs;
static int loaded;   /* 0 not tried, 1 loaded, -1 unavailable */

static void load(void)
{
	loaded = -1;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return;
	}
	const char *base = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return;
	const Elf64_Ehdr *eh = (const void *)base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shoff == 0 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > (size_t)st.st_size)
		return;
	const Elf64_Shdr *sh = (const void *)(base + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		const Elf64_Shdr *str = &sh[sh[i].sh_link];
		if (sh[i].sh_offset + sh[i].sh_size > (size_t)st.st_size ||
		    str->sh_offset + str->sh_size > (size_t)st.st_size)
			return;
		syms = (const void *)(base + sh[i].sh_offset);
		nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
		strs = base + str->sh_offset;
		loaded = 1;
		return;
	}
}

/* The function containing pc: its name and start, or NULL. */
const char *funcname(uintptr_t pc, uintptr_t *start) __attribute__((visibility("hidden")));
const char *funcname(uintptr_t pc, uintptr_t *start)
{
	if (!loaded)
		load();
	if (loaded < 0)
		return 0;
	const Elf64_Sym *best = 0;
	for (size_t i = 0; i < nsyms; i++) {
		const Elf64_Sym *s = &syms[i];
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_value == 0 || s->st_value > pc)
			continue;
		if (s->st_size && pc < s->st_value + s->st_size) {
			best = s;
			break;
		}
		if (!s->st_size && (!best || s->st_value > best->st_value))
			best = s;
	}
	if (!best)
		return 0;
	*start = best->st_value;
	return strs + best->st_name;
}
