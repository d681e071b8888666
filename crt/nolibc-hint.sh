#!/bin/sh
# nolibc-hint: ld runs this (--error-handling-script, gortcc -nolibc) with
# "undefined-symbol NAME" for each symbol a bare-mode link cannot find. A
# name the C library defines gets the reason: bare mode has none.
[ "$1" = undefined-symbol ] || exit 0
libc=${GORT_MUSLLIB:-/usr/lib/x86_64-linux-musl}/libc.a
if [ -f "$libc" ] && ! nm -g --defined-only "$libc" 2>/dev/null | grep -q " [A-Z] $2\$"; then
	exit 0
fi
echo "gortcc -nolibc: $2 is the C library's, and bare mode has no C library:" \
	"use gort_printf and gort_write from <gort.h>, or build without -nolibc" >&2
exit 0
