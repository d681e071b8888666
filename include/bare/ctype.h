/* Bare mode (gortcc -nolibc) has no C library: this stands in for its header to say so. */
#error "<ctype.h>: gortcc -nolibc: bare mode has no C library; use gort_printf and gort_write from <gort.h>"
