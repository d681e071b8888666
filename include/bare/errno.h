/*
 * errno.h in bare mode (gortcc -nolibc), gort's own: errno is the calling
 * goroutine's, where gort's calls report their errors (gort_errno in
 * <gort.h>), and the error numbers are the kernel's.
 */
#ifndef GORT_BARE_ERRNO_H
#define GORT_BARE_ERRNO_H

#include <asm/errno.h>

#ifdef __cplusplus
extern "C"
#endif
int *gort_errno(void);

#define errno (*gort_errno())

#endif
