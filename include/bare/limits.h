/*
 * limits.h in bare mode (gortcc -nolibc): the compiler's own. gcc's
 * limits.h goes on to the C library's unless told there is none, and
 * bare mode has none.
 */
#ifndef _LIBC_LIMITS_H_
#define _LIBC_LIMITS_H_
#endif
#include_next <limits.h>
