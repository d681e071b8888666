/*
 * dwarfline_none.c: dwarfline.c's place in libgort.a, the runtime linked
 * into programs built without -g. They have no line tables to read, so
 * the reader would only make every small binary bigger.
 */
#include "dwarfline.h"

void linetabinit(const struct dwarfsects *sc)
{
	(void)sc;
}

const char *pcfileline(uintptr_t pc, int *line)
{
	(void)pc;
	(void)line;
	return 0;
}
