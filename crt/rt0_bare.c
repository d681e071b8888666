/*
 * rt0_bare.c: bare mode's libcstart (gortcc -nolibc). There is no C
 * library to bring up: crt/start_bare.S has laid out m0's TLS block and
 * bound it with arch_prctl before rt0_go ran, so this reports those steps
 * (GODEBUG=boottrace=1), finds the vDSO's clock, which musl would have
 * found, and goes on to rt0_main.
 */
#include <elf.h>
#include <stdint.h>

#include "runtime.h"
#include "bare.h"

void libcstart(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	uintptr_t tp = gettp();
	boottrace("crt0", "TLS laid out on the initial stack: PT_TLS image %#lx filesz=%zu memsz=%zu align=%zu below thread pointer %#lx",
	          (unsigned long)tlsimage, tlsfilesz, tlsmemsz, tlsalign, (unsigned long)tp);
	boottrace("crt0", "arch_prctl(ARCH_SET_FS, %#lx) = %ld for m0, the first system call; no C library",
	          (unsigned long)tp, gort_settls_ret);
	vdsoinit(sysauxv(AT_SYSINFO_EHDR));
	boottrace("vdso", "__vdso_clock_gettime at %p (AT_SYSINFO_EHDR %#lx)", (void *)vdsoClockgettimeSym,
	          sysauxv(AT_SYSINFO_EHDR));
	rt0_main();
}
