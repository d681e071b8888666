/*
 * dwarfline.c: file:line for tracebacks, from the executable's DWARF line
 * table (.debug_line, versions 2 to 5, with .debug_line_str and .debug_str
 * for version 5's strings), the way Go's pclntab answers funcline.
 *
 * Line tables as compilers write them are programs for a state machine,
 * one per compilation unit, not something one can search. The first
 * traceback runs every program once to count its rows, once more to store
 * them in a table mapped with mmap, and sorts the table by address; every
 * lookup after that, even in a dump of thousands of goroutines, is a binary
 * search. Nothing here uses malloc or stdio: it runs while the process
 * dies, possibly in a signal handler.
 *
 * The data is the program's own, but it is read as if it were hostile: a
 * truncated or corrupt table must not crash a process that is already
 * crashing. Every read is checked against its section's end, and a unit
 * whose header makes no sense is skipped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "dwarfline.h"
#include "runtime.h"

/* One row of the table: the rows from pc up to the next row's pc come from
   line of file; line 0 marks the end of a sequence (no line known). */
struct linerow {
	uint64_t pc;
	uint32_t line;
	uint32_t file;
};

#define NOFILE UINT32_MAX

/* A bounded reader: every read past end sets bad and yields zeros. */
struct rd {
	const uint8_t *p, *end;
	bool bad;
};

/* Both passes run the same code: the counting pass has rows == NULL and
   only adds up nrows, nfiles and nbytes; the filling pass stores. */
struct build {
	struct linerow *rows;
	const char **files;
	char *bytes;
	size_t nrows, nfiles, nbytes;
	size_t maxrows, maxfiles, maxbytes;   /* what the counting pass found */
	size_t seqstart;                      /* first row of the open sequence */
	uint64_t seqpc;                       /* its first address */
	bool inseq;
};

/* The finished table, written once by the first traceback (which runs
   alone: the dying thread, or one SIGQUIT dump) and only read after. */
static const struct linerow *rows;
static const char *const *files;
static size_t nrows, nfiles;
static void *tabmem;   /* the mapping that holds them */
static size_t tabsize;

static void skip(struct rd *r, uint64_t n)
{
	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		r->p = r->end;
		return;
	}
	r->p += n;
}

/* n little-endian bytes, n <= 8. */
static uint64_t rdn(struct rd *r, int n)
{
	uint64_t v = 0;
	if (r->bad || n > r->end - r->p) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	for (int i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static uint64_t uleb(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		uint8_t b = (uint8_t)rdn(r, 1);
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80) || r->bad)
			return v;
	}
}

static int64_t sleb(struct rd *r)
{
	uint64_t v = 0;
	int shift = 0;
	uint8_t b;
	do {
		b = (uint8_t)rdn(r, 1);
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && !r->bad);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/* A NUL-terminated string at r, or NULL (and r bad) if it runs off the end. */
static const char *rdstr(struct rd *r)
{
	if (r->bad)
		return 0;
	const uint8_t *z = memchr(r->p, 0, (size_t)(r->end - r->p));
	if (!z) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	const char *s = (const char *)r->p;
	r->p = z + 1;
	return s;
}

/* The string at off in a string section, or NULL if it is not one. */
static const char *secstr(const uint8_t *sec, size_t n, uint64_t off)
{
	if (!sec || off >= n || !memchr(sec + off, 0, n - off))
		return 0;
	return (const char *)sec + off;
}

/* Read one attribute value in the given DW_FORM: a string into *s, a
   number into *v, anything else skipped. offsize is 8 in 64-bit DWARF, else
   4; refaddr is the size of a DW_FORM_ref_addr. False for a form unknown,
   since its size then is too. */
static bool rdform(struct rd *r, uint64_t form, int offsize, int addrsize, int refaddr,
                   const struct dwarfsects *sc, const char **s, uint64_t *v)
{
	*s = 0;
	*v = 0;
	switch (form) {
	case 0x08: /* DW_FORM_string */
		*s = rdstr(r);
		break;
	case 0x1f: /* DW_FORM_line_strp */
		*s = secstr(sc->linestr, sc->nlinestr, rdn(r, offsize));
		break;
	case 0x0e: /* DW_FORM_strp */
		*s = secstr(sc->str, sc->nstr, rdn(r, offsize));
		break;
	case 0x17: /* DW_FORM_sec_offset */
	case 0x1d: /* DW_FORM_strp_sup */
	case 0x1f01: /* DW_FORM_GNU_ref_alt */
	case 0x1f02: /* DW_FORM_GNU_strp_alt */
		*v = rdn(r, offsize);
		break;
	case 0x10: /* DW_FORM_ref_addr */
		*v = rdn(r, refaddr);
		break;
	case 0x01: /* DW_FORM_addr */
		*v = rdn(r, addrsize);
		break;
	/* The strx forms need .debug_str_offsets: such a name stays unknown. */
	case 0x0b: /* DW_FORM_data1 */
	case 0x0c: /* DW_FORM_flag */
	case 0x11: /* DW_FORM_ref1 */
	case 0x25: /* DW_FORM_strx1 */
	case 0x29: /* DW_FORM_addrx1 */
		*v = rdn(r, 1);
		break;
	case 0x05: /* DW_FORM_data2 */
	case 0x12: /* DW_FORM_ref2 */
	case 0x26: /* DW_FORM_strx2 */
	case 0x2a: /* DW_FORM_addrx2 */
		*v = rdn(r, 2);
		break;
	case 0x27: /* DW_FORM_strx3 */
	case 0x2b: /* DW_FORM_addrx3 */
		*v = rdn(r, 3);
		break;
	case 0x06: /* DW_FORM_data4 */
	case 0x13: /* DW_FORM_ref4 */
	case 0x1c: /* DW_FORM_ref_sup4 */
	case 0x28: /* DW_FORM_strx4 */
	case 0x2c: /* DW_FORM_addrx4 */
		*v = rdn(r, 4);
		break;
	case 0x07: /* DW_FORM_data8 */
	case 0x14: /* DW_FORM_ref8 */
	case 0x20: /* DW_FORM_ref_sig8 */
	case 0x24: /* DW_FORM_ref_sup8 */
		*v = rdn(r, 8);
		break;
	case 0x1e: /* DW_FORM_data16 (an MD5) */
		skip(r, 16);
		break;
	case 0x0f: /* DW_FORM_udata */
	case 0x15: /* DW_FORM_ref_udata */
	case 0x1a: /* DW_FORM_strx */
	case 0x1b: /* DW_FORM_addrx */
	case 0x22: /* DW_FORM_loclistx */
	case 0x23: /* DW_FORM_rnglistx */
	case 0x1f20: /* DW_FORM_GNU_addr_index */
	case 0x1f21: /* DW_FORM_GNU_str_index */
		*v = uleb(r);
		break;
	case 0x0d: /* DW_FORM_sdata */
		sleb(r);
		break;
	case 0x19: /* DW_FORM_flag_present */
	case 0x21: /* DW_FORM_implicit_const: the value is in the abbreviation */
		break;
	case 0x09: /* DW_FORM_block */
	case 0x18: /* DW_FORM_exprloc */
		skip(r, uleb(r));
		break;
	case 0x0a: /* DW_FORM_block1 */
		skip(r, rdn(r, 1));
		break;
	case 0x03: /* DW_FORM_block2 */
		skip(r, rdn(r, 2));
		break;
	case 0x04: /* DW_FORM_block4 */
		skip(r, rdn(r, 4));
		break;
	default:   /* DW_FORM_indirect too: not worth following here */
		r->bad = true;
		return false;
	}
	return !r->bad;
}

/* The compilation directory of the unit whose line table is at off in
   .debug_line, from its DW_TAG_compile_unit entry's DW_AT_comp_dir in
   .debug_info: version 4's line table does not hold it, and its files in
   directory 0 are relative to it. NULL if it cannot be found. */
static const char *compdir(const struct dwarfsects *sc, uint64_t off)
{
	struct rd all = { sc->info, sc->info + sc->ninfo, false };
	while (sc->info && all.p < all.end && !all.bad) {
		uint64_t len = rdn(&all, 4);
		int offsize = 4;
		if (len == 0xffffffff) {
			len = rdn(&all, 8);
			offsize = 8;
		} else if (len >= 0xfffffff0) {
			return 0;
		}
		if (all.bad || len > (uint64_t)(all.end - all.p))
			return 0;
		struct rd u = { all.p, all.p + len, false };
		all.p += len;
		int version = (int)rdn(&u, 2), addrsize;
		uint64_t abbrev;
		if (version < 2 || version > 5)
			continue;
		if (version < 5) {
			abbrev = rdn(&u, offsize);
			addrsize = (int)rdn(&u, 1);
		} else {
			int type = (int)rdn(&u, 1);
			addrsize = (int)rdn(&u, 1);
			abbrev = rdn(&u, offsize);
			if (type != 1 && type != 3)   /* only full and partial units */
				continue;
		}
		uint64_t code = uleb(&u);
		if (u.bad || addrsize > 8 || !sc->abbrev || abbrev >= sc->nabbrev || code == 0)
			continue;
		/* Find the entry's abbreviation: (code, tag, children, pairs). */
		struct rd a = { sc->abbrev + abbrev, sc->abbrev + sc->nabbrev, false };
		bool found = false;
		while (!found && !a.bad) {
			uint64_t c = uleb(&a);
			if (c == 0)
				break;
			uleb(&a);      /* tag */
			rdn(&a, 1);    /* children */
			found = c == code;
			for (uint64_t at = 1, fm = 1; !found && (at || fm) && !a.bad;) {
				at = uleb(&a), fm = uleb(&a);
				if (fm == 0x21)
					sleb(&a);
			}
		}
		if (!found || a.bad)
			continue;
		const char *dir = 0;
		uint64_t stmt = UINT64_MAX;
		for (;;) {
			uint64_t at = uleb(&a), fm = uleb(&a);
			if (a.bad || (at == 0 && fm == 0))
				break;
			if (fm == 0x21)
				sleb(&a);
			const char *str;
			uint64_t v;
			if (!rdform(&u, fm, offsize, addrsize, version == 2 ? addrsize : offsize, sc, &str, &v))
				break;
			if (at == 0x10) /* DW_AT_stmt_list */
				stmt = v;
			else if (at == 0x1b) /* DW_AT_comp_dir */
				dir = str;
		}
		if (stmt == off)
			return dir;
	}
	return 0;
}

/* A version 5 entry: fmt holds nfmt (content type, form) pairs. Gives its
   DW_LNCT_path and DW_LNCT_directory_index. */
static bool entry5(struct rd *r, struct rd fmt, int nfmt, bool is64, const struct dwarfsects *sc,
                   const char **path, uint64_t *dir)
{
	*path = 0;
	*dir = 0;
	for (int i = 0; i < nfmt; i++) {
		uint64_t type = uleb(&fmt), form = uleb(&fmt);
		const char *s;
		uint64_t v;
		if (fmt.bad || !rdform(r, form, is64 ? 8 : 4, 8, is64 ? 8 : 4, sc, &s, &v))
			return false;
		if (type == 1) /* DW_LNCT_path */
			*path = s;
		else if (type == 2) /* DW_LNCT_directory_index */
			*dir = v;
	}
	return true;
}

/* Store (or, counting, measure) the file's path: dir0, dir and name joined
   by slashes, the parts that are absent or made moot by an absolute part
   left out. */
static void addfile(struct build *b, const char *dir0, const char *dir, const char *name)
{
	const char *part[3] = { dir0, dir, name };
	int first = 0;
	for (int i = 0; i < 3; i++)
		if (part[i] && part[i][0] == '/')
			first = i;
	size_t len = 0;
	for (int i = first; i < 3; i++)
		if (part[i] && part[i][0])
			len += strlen(part[i]) + 1;
	if (!b->rows) {
		b->nfiles++;
		b->nbytes += len + 1;
		return;
	}
	if (b->nfiles >= b->maxfiles || b->nbytes + len + 1 > b->maxbytes) {
		b->nfiles++;   /* cannot happen: the passes agree; keep indexes in step */
		return;
	}
	char *s = b->bytes + b->nbytes, *p = s;
	for (int i = first; i < 3; i++) {
		if (!part[i] || !part[i][0])
			continue;
		if (p > s)
			*p++ = '/';
		size_t n = strlen(part[i]);
		memcpy(p, part[i], n);
		p += n;
	}
	*p = 0;
	b->files[b->nfiles++] = s;
	b->nbytes += len + 1;
}

static void addrow(struct build *b, uint64_t pc, uint32_t line, uint32_t file)
{
	if (!b->inseq) {
		b->inseq = true;
		b->seqstart = b->nrows;
		b->seqpc = pc;
	}
	if (!b->rows) {
		b->nrows++;
		return;
	}
	/* Several rows for one address (gcc's views): the last one holds. */
	if (b->nrows > b->seqstart && b->rows[b->nrows - 1].pc == pc) {
		b->rows[b->nrows - 1].line = line;
		b->rows[b->nrows - 1].file = file;
		return;
	}
	if (b->nrows >= b->maxrows)
		return;
	b->rows[b->nrows++] = (struct linerow){ pc, line, file };
}

/* End the open sequence at pc. A sequence at address 0 is a function the
   linker discarded (--gc-sections) and is dropped, and so is one that is
   not ended properly (drop == true). */
static void endseq(struct build *b, uint64_t pc, bool drop)
{
	if (!b->inseq)
		return;
	b->inseq = false;
	if (drop || b->seqpc == 0 || pc < b->seqpc) {
		b->nrows = b->seqstart;
		return;
	}
	if (!b->rows) {
		b->nrows++;
		return;
	}
	if (b->nrows > b->seqstart && b->rows[b->nrows - 1].pc == pc)
		b->nrows--;   /* an empty last row would hide the end */
	if (b->nrows < b->maxrows)
		b->rows[b->nrows++] = (struct linerow){ pc, 0, NOFILE };
}

/* Read one unit's header and file names, then run its line program. */
static void unit(struct build *b, struct rd *u, uint64_t off, bool is64, const struct dwarfsects *sc)
{
	int version = (int)rdn(u, 2);
	if (version < 2 || version > 5)
		return;
	if (version >= 5)
		rdn(u, 2);   /* address size, segment selector size */
	uint64_t hlen = rdn(u, is64 ? 8 : 4);
	if (u->bad || hlen > (uint64_t)(u->end - u->p))
		return;
	struct rd prog = { u->p + hlen, u->end, false };
	struct rd h = { u->p, u->p + hlen, false };
	unsigned mininst = (unsigned)rdn(&h, 1);
	if (version >= 4)
		rdn(&h, 1);   /* maximum operations per instruction: 1 but on VLIW */
	rdn(&h, 1);   /* default is_stmt: every row counts here */
	int linebase = (int8_t)rdn(&h, 1);
	unsigned linerange = (unsigned)rdn(&h, 1);
	unsigned opbase = (unsigned)rdn(&h, 1);
	if (h.bad || linerange == 0 || opbase == 0)
		return;
	const uint8_t *oplens = h.p;
	skip(&h, opbase - 1);
	if (h.bad)
		return;

	/* The file table. Row file numbers count from 1 before version 5 and
	   from 0 in it; base is the unit's first file in the global list. */
	size_t base = b->nfiles, nunit = 0;
	if (version < 5) {
		const char *dir0 = compdir(sc, off);
		if (dir0 && dir0[0] != '/')
			dir0 = 0;
		struct rd dirs = h;
		while (!h.bad && h.p < h.end && *h.p)
			rdstr(&h);
		skip(&h, 1);
		while (!h.bad && h.p < h.end && *h.p) {
			const char *name = rdstr(&h);
			uint64_t di = uleb(&h);
			uleb(&h);   /* modification time */
			uleb(&h);   /* length */
			if (h.bad)
				break;
			/* Directory 0 is the compilation directory, dir0. */
			const char *dir = 0;
			struct rd d = dirs;
			for (uint64_t i = 1; i <= di && !d.bad; i++) {
				dir = rdstr(&d);
				if (dir && !dir[0])
					dir = 0, d.bad = true;
			}
			addfile(b, dir0, d.bad ? 0 : dir, name);
			nunit++;
		}
	} else {
		int ndfmt = (int)rdn(&h, 1);
		struct rd dfmt = h;
		for (int i = 0; i < 2 * ndfmt; i++)
			uleb(&h);
		uint64_t ndirs = uleb(&h);
		struct rd dirs = h;
		const char *path;
		uint64_t di, fi;
		for (uint64_t i = 0; i < ndirs && !h.bad; i++)
			entry5(&h, dfmt, ndfmt, is64, sc, &path, &di);
		int nffmt = (int)rdn(&h, 1);
		struct rd ffmt = h;
		for (int i = 0; i < 2 * nffmt; i++)
			uleb(&h);
		uint64_t nf = uleb(&h);
		const char *dir0 = 0;
		struct rd d = dirs;
		if (ndirs > 0 && entry5(&d, dfmt, ndfmt, is64, sc, &dir0, &di) && dir0 && dir0[0] != '/')
			dir0 = 0;
		for (uint64_t i = 0; i < nf && !h.bad; i++) {
			if (!entry5(&h, ffmt, nffmt, is64, sc, &path, &fi))
				break;
			const char *dir = 0;
			d = dirs;
			for (uint64_t j = 0; j <= fi && fi < ndirs && !d.bad; j++)
				if (!entry5(&d, dfmt, ndfmt, is64, sc, &dir, &di))
					dir = 0;
			/* Directory 0 is the compilation directory itself. */
			addfile(b, fi ? dir0 : 0, dir, path);
			nunit++;
		}
	}

	/* The line program (DWARF 5, section 6.2.5). */
	uint64_t pc = 0;
	int64_t line = 1;
	uint64_t file = 1;
	struct rd *r = &prog;
	while (r->p < r->end && !r->bad) {
		unsigned op = (unsigned)rdn(r, 1);
		bool emit = false;
		if (op >= opbase) {
			unsigned adj = op - opbase;
			pc += (uint64_t)mininst * (adj / linerange);
			line += linebase + (int)(adj % linerange);
			emit = true;
		} else if (op == 0) {
			uint64_t len = uleb(r);
			if (r->bad || len == 0 || len > (uint64_t)(r->end - r->p))
				break;
			struct rd e = { r->p, r->p + len, false };
			r->p += len;
			switch (rdn(&e, 1)) {
			case 1: /* DW_LNE_end_sequence */
				endseq(b, pc, false);
				pc = 0, line = 1, file = 1;
				break;
			case 2: /* DW_LNE_set_address */
				pc = rdn(&e, (int)(len - 1 > 8 ? 8 : len - 1));
				break;
			}
		} else {
			switch (op) {
			case 1: /* DW_LNS_copy */
				emit = true;
				break;
			case 2: /* DW_LNS_advance_pc */
				pc += (uint64_t)mininst * uleb(r);
				break;
			case 3: /* DW_LNS_advance_line */
				line += sleb(r);
				break;
			case 4: /* DW_LNS_set_file */
				file = uleb(r);
				break;
			case 8: /* DW_LNS_const_add_pc */
				pc += (uint64_t)mininst * ((255 - opbase) / linerange);
				break;
			case 9: /* DW_LNS_fixed_advance_pc */
				pc += rdn(r, 2);
				break;
			default:   /* column, flags, isa, and opcodes of later versions */
				for (unsigned i = 0; i < oplens[op - 1]; i++)
					uleb(r);
			}
		}
		if (emit && !r->bad) {
			uint64_t fi = version < 5 ? file - 1 : file;
			uint32_t f = fi < nunit ? (uint32_t)(base + fi) : NOFILE;
			addrow(b, pc, line > 0 && line < UINT32_MAX ? (uint32_t)line : 0, f);
		}
	}
	endseq(b, pc, true);
}

static void parse(struct build *b, const struct dwarfsects *sc)
{
	struct rd all = { sc->line, sc->line + sc->nline, false };
	while (all.p < all.end && !all.bad) {
		uint64_t off = (uint64_t)(all.p - sc->line);
		uint64_t len = rdn(&all, 4);
		bool is64 = false;
		if (len == 0xffffffff) {
			len = rdn(&all, 8);
			is64 = true;
		} else if (len >= 0xfffffff0) {
			return;
		}
		if (all.bad || len > (uint64_t)(all.end - all.p))
			return;
		struct rd u = { all.p, all.p + len, false };
		all.p += len;
		unit(b, &u, off, is64, sc);
	}
}

static bool before(const struct linerow *a, const struct linerow *b)
{
	/* At one address an end of sequence sorts before the next start. */
	return a->pc < b->pc || (a->pc == b->pc && a->line == 0 && b->line != 0);
}

static void siftdown(struct linerow *a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && before(&a[c], &a[c + 1]))
			c++;
		if (!before(&a[i], &a[c]))
			return;
		struct linerow t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

/* Heapsort: no memory, no recursion, no libc (a program may have its own
   qsort). */
static void sortrows(struct linerow *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		siftdown(a, i, n);
	for (size_t i = n; i-- > 1;) {
		struct linerow t = a[0];
		a[0] = a[i];
		a[i] = t;
		siftdown(a, 0, i);
	}
}

/* Build the table from the sections of the mapped executable. Without
   memory for it, tracebacks go on without lines. */
void linetabinit(const struct dwarfsects *sc)
{
	struct build b = { 0 };
	nrows = 0;
	if (tabmem)   /* only tests build twice */
		munmap(tabmem, tabsize);
	tabmem = 0;
	if (!sc->line || !sc->nline)
		return;
	parse(&b, sc);
	if (!b.nrows)
		return;
	size_t size = b.nrows * sizeof *b.rows + b.nfiles * sizeof *b.files + b.nbytes;
	char *mem = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return;
	tabmem = mem;
	tabsize = size;
	struct build f = { 0 };
	f.rows = (struct linerow *)mem;
	f.files = (const char **)(mem + b.nrows * sizeof *b.rows);
	f.bytes = mem + b.nrows * sizeof *b.rows + b.nfiles * sizeof *b.files;
	f.maxrows = b.nrows;
	f.maxfiles = b.nfiles;
	f.maxbytes = b.nbytes;
	parse(&f, sc);
	sortrows(f.rows, f.nrows);
	files = f.files;
	nfiles = f.nfiles < f.maxfiles ? f.nfiles : f.maxfiles;
	rows = f.rows;
	nrows = f.nrows;
}

/* The file and line pc comes from, or NULL (and no line) when the table
   has nothing for it. */
const char *pcfileline(uintptr_t pc, int *line)
{
	size_t lo = 0, hi = nrows;
	while (lo < hi) {   /* the first row past pc */
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].pc <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || lo == nrows)
		return 0;
	const struct linerow *r = &rows[lo - 1];
	if (r->line == 0)
		return 0;
	*line = (int)r->line;
	return r->file < nfiles ? files[r->file] : "?";
}
