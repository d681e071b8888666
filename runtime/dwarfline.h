/*
 * dwarfline.h: file:line from the executable's DWARF line tables
 * (dwarfline.c), for symtab.c.
 */
#ifndef GORT_DWARFLINE_H
#define GORT_DWARFLINE_H

#include <stddef.h>
#include <stdint.h>

/* The executable's debug sections, as mapped; a missing one is NULL. */
struct dwarfsects {
	const uint8_t *line, *linestr, *str, *info, *abbrev;
	size_t nline, nlinestr, nstr, ninfo, nabbrev;
};

/* Build the table of rows once; without memory for it there is none. */
__attribute__((visibility("hidden"))) void linetabinit(const struct dwarfsects *sc);

/* The file and line pc comes from, or NULL when the table has none. */
__attribute__((visibility("hidden"))) const char *pcfileline(uintptr_t pc, int *line);

#endif
