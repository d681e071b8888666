/*
 * gdbscript.c: a program built with -g carries gort-gdb.py in its
 * .debug_gdb_scripts section, as Go's binaries name runtime-gdb.py, so that
 * gdb loads it with the program (docs/debugging.md).
 *
 * gdb reads the section as NUL-terminated entries; an entry whose first
 * byte is 4 holds a Python script inline, its name on the first line. It
 * is inline rather than a path so that nothing has to be installed where
 * gdb looks. Ahead of the script's text go the offsets of the fields it
 * reads, from the compiler: the script then works on a program stripped
 * of its DWARF (no types) and cannot disagree with runtime.h.
 *
 * The section is not allocated: it costs the program no memory. It is a
 * debug section: libgort.a, the archive of builds without -g, is stripped
 * of it with the DWARF (13 KiB would be an eighth of a small program).
 */
#include "runtime.h"

/* Never called: the function exists for its asm operands, the constants
   printed into the section. --gc-sections drops its code. */
__attribute__((used)) static void gdbscript(void)
{
	__asm__(".pushsection .debug_gdb_scripts, \"MS\", @progbits, 1\n"
	        ".byte 4\n"
	        ".ascii \"gort-gdb.py\\n\"\n"
	        ".ascii \"G_SCHED_SP = %c0\\nG_M = %c1\\nG_ATOMICSTATUS = %c2\\n\"\n"
	        ".ascii \"G_WAITREASON = %c3\\nG_GOID = %c4\\n\"\n"
	        ".ascii \"G_FN = %c5\\nG_ALLLINK = %c6\\nG_GOPC = %c7\\n\"\n"
	        ".ascii \"M_CURG = %c8\\nM_ID = %c9\\nM_ALLLINK = %c10\\nM_TID = %c11\\n\"\n"
	        ".ascii \"GRUNNABLE = %c12\\nGRUNNING = %c13\\nGSYSCALL = %c14\\n\"\n"
	        ".ascii \"GWAITING = %c15\\nGDEAD = %c16\\nGPREEMPTED = %c17\\n\"\n"
	        ".ascii \"WAITREASONCOUNT = %c18\\n\"\n"
	        ".incbin \"runtime/gort-gdb.py\"\n"
	        ".byte 0\n"
	        ".popsection"
	        :
	        : "i"(offsetof(struct g, sched.sp)), "i"(offsetof(struct g, m)),
	          "i"(offsetof(struct g, atomicstatus)), "i"(offsetof(struct g, waitreason)),
	          "i"(offsetof(struct g, goid)), "i"(offsetof(struct g, fn)), "i"(offsetof(struct g, alllink)),
	          "i"(offsetof(struct g, gopc)), "i"(offsetof(struct m, curg)),
	          "i"(offsetof(struct m, id)), "i"(offsetof(struct m, alllink)),
	          "i"(offsetof(struct m, tid)), "i"(Grunnable), "i"(Grunning), "i"(Gsyscall),
	          "i"(Gwaiting), "i"(Gdead), "i"(Gpreempted), "i"(waitReasonCount));
}
