/*
 * asm.h: structure offsets the assembly uses. Checked against runtime.h by
 * _Static_assert in proc.c; change both together.
 */
#ifndef GORT_ASM_H
#define GORT_ASM_H

#define G_SCHED_SP 0   /* offsetof(struct g, sched.sp) */
#define G_M 24         /* offsetof(struct g, m) */
#define M_G0 0         /* offsetof(struct m, g0) */
#define M_FPSTATE 8    /* offsetof(struct m, fpstate) */

/* Size of what the switch pushes: rbp rbx r12 r13 r14 r15 and the FP control word pair. */
#define SWITCH_FRAME 56

#endif
