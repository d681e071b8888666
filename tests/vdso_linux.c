/*
 * Unit tests of runtime/vdso_linux.c: __vdso_clock_gettime is found in
 * this process's vDSO (getauxval(AT_SYSINFO_EHDR)) and tells the time
 * clock_gettime tells; in a copy of the image it is found at the same
 * offset; a copy with a damaged header, no dynamic section or another
 * version name, and no image at all, leave it unset, and the system call
 * answers instead.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

#include "runtime.h"

static int64_t ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* vdsoclockgettime's reading lies between two of clock_gettime's. */
static void agrees(int clock)
{
	struct timespec a, v, b;
	clock_gettime(clock, &a);
	cr_assert_eq(vdsoclockgettime(clock, &v), 0);
	clock_gettime(clock, &b);
	cr_expect(ns(a) <= ns(v) && ns(v) <= ns(b), "clock %d: %lld not in [%lld, %lld]", clock, (long long)ns(v),
	          (long long)ns(a), (long long)ns(b));
}

static uintptr_t realvdso(void)
{
	uintptr_t e = getauxval(AT_SYSINFO_EHDR);
	cr_assert(e, "no vDSO in this process");
	return e;
}

/* A copy of the image: as much as its segments span. */
static char *copyvdso(size_t *size)
{
	const Elf64_Ehdr *eh = (const void *)realvdso();
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	size_t n = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_offset + ph[i].p_filesz > n)
			n = ph[i].p_offset + ph[i].p_filesz;
	char *c = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);
	cr_assert(c);
	memcpy(c, eh, n);
	*size = n;
	return c;
}

Test(vdso, finds_clock_gettime_in_the_real_vdso)
{
	vdsoinit(realvdso());
	cr_assert(vdsoClockgettimeSym, "__vdso_clock_gettime not found");
	agrees(CLOCK_MONOTONIC);
	agrees(CLOCK_REALTIME);
	agrees(CLOCK_BOOTTIME);
	/* An unknown clock: the kernel's EINVAL, negated. */
	struct timespec ts;
	cr_expect_eq(vdsoclockgettime(-100, &ts), -EINVAL);
}

Test(vdso, finds_it_at_the_same_offset_in_a_copy)
{
	uintptr_t real = realvdso();
	vdsoinit(real);
	uintptr_t off = (uintptr_t)vdsoClockgettimeSym - real;
	size_t n;
	char *c = copyvdso(&n);
	vdsoinit((uintptr_t)c);
	cr_expect_eq((uintptr_t)vdsoClockgettimeSym, (uintptr_t)c + off);
	free(c);
}

Test(vdso, no_image_falls_back_to_the_system_call)
{
	vdsoinit(0);
	cr_expect_null(vdsoClockgettimeSym);
	agrees(CLOCK_MONOTONIC);
	agrees(CLOCK_REALTIME);
	struct timespec ts;
	cr_expect_eq(vdsoclockgettime(-100, &ts), -EINVAL);
}

Test(vdso, a_damaged_image_falls_back_to_the_system_call)
{
	size_t n;
	char *c = copyvdso(&n);
	/* Not an ELF image. */
	c[1] = 'X';
	vdsoinit((uintptr_t)c);
	cr_expect_null(vdsoClockgettimeSym, "found in an image without ELF's magic");
	c[1] = 'E';
	/* No dynamic section. */
	Elf64_Ehdr *eh = (void *)c;
	Elf64_Phdr *ph = (void *)(c + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			ph[i].p_type = PT_NULL;
	vdsoinit((uintptr_t)c);
	cr_expect_null(vdsoClockgettimeSym, "found without a dynamic section");
	free(c);
	/* Symbols of another version than LINUX_2.6. */
	c = copyvdso(&n);
	char *v = memmem(c, n, "LINUX_2.6", 10);
	cr_assert(v, "the image names no LINUX_2.6");
	v[8] = '7';
	vdsoinit((uintptr_t)c);
	cr_expect_null(vdsoClockgettimeSym, "found though of version LINUX_2.7");
	agrees(CLOCK_MONOTONIC);
	free(c);
}

/* The copy with one dynamic tag renamed to DT_DEBUG, which vdsoinit
   ignores. */
static char *withouttag(Elf64_Sxword tag)
{
	size_t n;
	char *c = copyvdso(&n);
	Elf64_Ehdr *eh = (void *)c;
	Elf64_Phdr *ph = (void *)(c + eh->e_phoff);
	int found = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			for (Elf64_Dyn *d = (void *)(c + ph[i].p_offset); d->d_tag != DT_NULL; d++)
				if (d->d_tag == tag)
					d->d_tag = DT_DEBUG, found = 1;
	if (!found)
		cr_log_warn("the vDSO has no dynamic tag %#lx", (long)tag);
	return c;
}

Test(vdso, finds_it_through_either_hash_table)
{
	uintptr_t real = realvdso();
	vdsoinit(real);
	uintptr_t off = (uintptr_t)vdsoClockgettimeSym - real;
	char *c = withouttag(DT_HASH);
	vdsoinit((uintptr_t)c);
	cr_expect_eq((uintptr_t)vdsoClockgettimeSym, (uintptr_t)c + off, "not found by DT_GNU_HASH");
	free(c);
	c = withouttag(DT_GNU_HASH);
	vdsoinit((uintptr_t)c);
	cr_expect_eq((uintptr_t)vdsoClockgettimeSym, (uintptr_t)c + off, "not found by DT_HASH");
	free(c);
	/* Neither: not found. */
	c = withouttag(DT_HASH);
	Elf64_Ehdr *eh = (void *)c;
	Elf64_Phdr *ph = (void *)(c + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			for (Elf64_Dyn *d = (void *)(c + ph[i].p_offset); d->d_tag != DT_NULL; d++)
				if (d->d_tag == DT_GNU_HASH)
					d->d_tag = DT_DEBUG;
	vdsoinit((uintptr_t)c);
	cr_expect_null(vdsoClockgettimeSym, "found without a hash table");
	free(c);
}
