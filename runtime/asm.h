/*
 * asm.h: structure offsets the assembly uses. Checked against runtime.h by
 * _Static_assert in proc.c; change both together.
 */
#ifndef GORT_ASM_H
#define GORT_ASM_H

#define G_SCHED_SP 0   /* offsetof(struct g, sched.sp) */
#define G_TLS 24       /* offsetof(struct g, tls) */
#define G_STACKHI 80   /* offsetof(struct g, stackhi) */
#define G_M 8          /* offsetof(struct g, m) */
#define G_FN 96        /* offsetof(struct g, fn) */
#define G_ARG 104      /* offsetof(struct g, arg) */
#define M_G0 0         /* offsetof(struct m, g0) */
#define M_FPSTATE 8    /* offsetof(struct m, fpstate) */

/* The x87 control word and MXCSR a new goroutine starts with, as the
   8-byte word mcall stores (CW in bytes 0-1, MXCSR in bytes 4-7). */
#define FPSTATE_DEFAULT 0x00001f800000037f

#endif
