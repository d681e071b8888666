/*
 * vdso_linux.c: the kernel's clock without a system call, found without
 * the C library (Go's vdso_linux.go).
 *
 * The kernel maps a small ELF shared object, the vDSO, into every process
 * and passes its address in the auxiliary vector (AT_SYSINFO_EHDR); its
 * __vdso_clock_gettime reads the clocks from a page the kernel keeps up to
 * date. In default mode musl finds it; bare mode has no musl, so vdsoinit
 * looks it up as Go does: through the dynamic section to the symbol table,
 * by the ELF hash table (DT_HASH, else DT_GNU_HASH), keeping only a
 * defined global function of version LINUX_2.6. The image is the kernel's
 * and trusted past its header; anything unexpected in the header or the
 * dynamic section leaves the symbol unset, and vdsoclockgettime makes the
 * system call instead.
 */
#include <elf.h>
#include <sys/syscall.h>
#include <time.h>

#include "runtime.h"

/* __vdso_clock_gettime, or NULL: written by vdsoinit on m0 before any
   other M exists, read-only after. */
int (*vdsoClockgettimeSym)(int clockid, struct timespec *ts);

/* What vdsoinit found in the image's dynamic section. */
struct vdsoinfo {
	uintptr_t load;              /* added to the image's addresses */
	const Elf64_Sym *sym;
	const char *str;
	const uint32_t *hash;        /* DT_HASH, or NULL */
	const uint32_t *gnuhash;     /* DT_GNU_HASH, or NULL */
	const Elf64_Versym *versym;  /* NULL: symbols are not versioned */
	const Elf64_Verdef *verdef;
	int version;                 /* LINUX_2.6's index; -1 none */
};

/* Bare mode links no strcmp. */
static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The index of version name among the image's definitions, or -1. */
static int findversion(const struct vdsoinfo *v, const char *name)
{
	const Elf64_Verdef *d = v->verdef;
	while (d) {
		const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
		if (!(d->vd_flags & VER_FLG_BASE) && streq(v->str + aux->vda_name, name))
			return d->vd_ndx & 0x7fff;
		d = d->vd_next ? (const void *)((const char *)d + d->vd_next) : NULL;
	}
	return -1;
}

/* Symbol i is the defined global function name, of the right version. */
static bool symmatch(const struct vdsoinfo *v, uint32_t i, const char *name)
{
	const Elf64_Sym *s = &v->sym[i];
	int bind = ELF64_ST_BIND(s->st_info);
	if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || (bind != STB_GLOBAL && bind != STB_WEAK) ||
	    s->st_shndx == SHN_UNDEF || !streq(v->str + s->st_name, name))
		return false;
	return !v->versym || (v->versym[i] & 0x7fff) == v->version;
}

/* name's address in the image, or 0: through the SysV hash table (the
   ELF specification's), else the GNU one (djb's hash, chains that end
   with an odd hash). */
static uintptr_t lookup(const struct vdsoinfo *v, const char *name)
{
	const unsigned char *p;
	uint32_t i = 0, h;
	if (v->hash) {
		uint32_t nbucket = v->hash[0];
		const uint32_t *bucket = v->hash + 2, *chain = bucket + nbucket;
		for (h = 0, p = (const void *)name; *p; p++) {
			h = (h << 4) + *p;
			h = (h ^ ((h >> 24) & 0xf0)) & 0x0fffffff;
		}
		for (i = nbucket ? bucket[h % nbucket] : 0; i != 0; i = chain[i])
			if (symmatch(v, i, name))
				break;
	} else if (v->gnuhash) {
		uint32_t nbucket = v->gnuhash[0], symoffset = v->gnuhash[1], bloomsize = v->gnuhash[2];
		const uint32_t *bucket = v->gnuhash + 4 + 2 * bloomsize, *chain = bucket + nbucket - symoffset;
		for (h = 5381, p = (const void *)name; *p; p++)
			h = h * 33 + *p;
		for (i = nbucket ? bucket[h % nbucket] : 0; i != 0; i++) {
			if ((chain[i] | 1) == (h | 1) && symmatch(v, i, name))
				break;
			if (chain[i] & 1) {
				i = 0;
				break;
			}
		}
	}
	return i ? v->load + v->sym[i].st_value : 0;
}

void vdsoinit(uintptr_t sysinfo_ehdr)
{
	vdsoClockgettimeSym = NULL;
	const Elf64_Ehdr *eh = (const void *)sysinfo_ehdr;
	if (!eh || eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
	    eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr))
		return;
	struct vdsoinfo v = { .version = -1 };
	const Elf64_Phdr *ph = (const void *)(sysinfo_ehdr + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	bool loaded = false;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !loaded) {
			v.load = sysinfo_ehdr + ph[i].p_offset - ph[i].p_vaddr;
			loaded = true;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)(sysinfo_ehdr + ph[i].p_offset);
		}
	}
	if (!loaded || !dyn)
		return;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *a = (const void *)(v.load + dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_SYMTAB: v.sym = a; break;
		case DT_STRTAB: v.str = a; break;
		case DT_HASH: v.hash = a; break;
		case DT_GNU_HASH: v.gnuhash = a; break;
		case DT_VERSYM: v.versym = a; break;
		case DT_VERDEF: v.verdef = a; break;
		}
	}
	if (!v.sym || !v.str || (!v.hash && !v.gnuhash))
		return;
	if (v.versym && v.verdef)
		v.version = findversion(&v, "LINUX_2.6");
	else
		v.versym = NULL;
	vdsoClockgettimeSym = (int (*)(int, struct timespec *))lookup(&v, "__vdso_clock_gettime");
}

/* clock_gettime: 0, or the negated errno (both the vDSO's and the system
   call's convention). */
int vdsoclockgettime(int clockid, struct timespec *ts)
{
	if (vdsoClockgettimeSym)
		return vdsoClockgettimeSym(clockid, ts);
	return (int)rawsyscall6(SYS_clock_gettime, clockid, (long)ts, 0, 0, 0, 0);
}
