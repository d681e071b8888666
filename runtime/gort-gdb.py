# gort-gdb.py: gdb commands for gort programs (Go's runtime-gdb.py).
#
# Every program built by gortcc with -g carries this script in its
# .debug_gdb_scripts section (runtime/gdbscript.c), after the lines that set
# the G_*, M_* offsets and status values it uses, so it reads the runtime's
# structures from raw memory and needs no DWARF (it works on a program
# stripped with --keep-section=.debug_gdb_scripts), live, attached (gdb -p)
# or from a core file. gdb runs it when it loads the program once
# auto-loading is allowed:
#
#     gdb -iex 'add-auto-load-safe-path /' prog
#
#   info goroutines          one line per goroutine: id, status, wait
#                            reason, the first frame in the program's code
#   goroutine N CMD          run gdb command CMD (bt, info locals, frame 2,
#                            ...) on goroutine N's stack
#   goroutine all CMD        CMD on every goroutine
#
# A goroutine switched out (asm/switch.S) keeps its callee-saved registers
# and the address it returns to on its own stack, at g->sched.sp:
#
#     sp+56 return address, sp+48 rbp, sp+40 rbx, sp+32 r12, sp+24 r13,
#     sp+16 r14, sp+8 r15
#
# A core file's registers cannot be written, so rather than setting $pc and
# $sp (as Go's script does) the goroutine's frames are shown through an
# unwinder: while a goroutine command runs, the selected thread's innermost
# frame is said to have been called from the goroutine's saved context.
# gdb then unwinds the goroutine's stack from there down to gostartfn (whose
# return address is undefined, so unwinding ends there), and a frame filter
# hides that borrowed innermost frame: the goroutine's frames are numbered
# from 1. A goroutine that is running or in a system call is on a thread
# (m->curg, m->tid), and its commands run on that thread.

import struct

import gdb
import gdb.unwinder

_STATUS = {
    GRUNNABLE: "runnable",
    GRUNNING: "running",
    GSYSCALL: "syscall",
    GWAITING: "waiting",
    GDEAD: "dead",
    GPREEMPTED: "preempted",
}


def _read(addr, size):
    return bytes(gdb.selected_inferior().read_memory(addr, size))


def _u64(addr):
    return struct.unpack("<Q", _read(addr, 8))[0]


def _u32(addr):
    return struct.unpack("<I", _read(addr, 4))[0]


def _i64(addr):
    return struct.unpack("<q", _read(addr, 8))[0]


def _cstring(addr, limit=128):
    if not addr:
        return ""
    s = _read(addr, limit)
    return s.split(b"\0", 1)[0].decode("utf-8", "replace")


def _waitreason(n):
    # g->waitreason indexes the runtime's table of Go's wait reasons.
    if n >= WAITREASONCOUNT:
        return "waitreason(%d)" % n
    return _cstring(_u64(_symaddr("waitreasonstrings") + 8 * n))


def _symaddr(name):
    # The runtime's symbols are local in the program but stay in its
    # symbol table: the quotes make gdb take the minimal symbol when there
    # is no DWARF for it.
    return int(gdb.parse_and_eval("(unsigned long)&'%s'" % name))


class G(object):
    """A goroutine, read from its struct g."""

    def __init__(self, addr):
        self.addr = addr
        self.sp = _u64(addr + G_SCHED_SP)
        self.m = _u64(addr + G_M)
        self.status = _u32(addr + G_ATOMICSTATUS)
        self.waitreason = _waitreason(_read(addr + G_WAITREASON, 1)[0])
        self.goid = _i64(addr + G_GOID)
        self.fn = _u64(addr + G_FN)

    def statusname(self):
        return _STATUS.get(self.status, "unknown(%d)" % self.status)

    def onthread(self):
        """Running or in a system call: its registers are a thread's."""
        return self.status in (GRUNNING, GSYSCALL)

    def thread(self):
        """The gdb thread of the M running this goroutine, or None."""
        if not self.onthread() or not self.m:
            return None
        tid = _u32(self.m + M_TID)
        for t in gdb.selected_inferior().threads():
            if t.ptid[1] == tid:
                return t
        return None

    def saved(self):
        """The registers of the frame that switched out, as the caller of
        mcall sees them after it returns; None if the goroutine never ran."""
        if not self.sp:
            return None
        s = struct.unpack("<8Q", _read(self.sp, 64))
        if s[7] == 0:
            # gdb's gcore gives up on a mapping it cannot read whole, as
            # stacks with guard regions (Linux 6.13); the kernel's cores
            # have them.
            raise gdb.GdbError("goroutine %d: its stack is not in this core file "
                               "(gcore leaves out stacks with guard regions; "
                               "use a core the kernel writes)" % self.goid)
        return {"rip": s[7], "rsp": self.sp + 64, "rbp": s[6], "rbx": s[5],
                "r12": s[4], "r13": s[3], "r14": s[2], "r15": s[1]}


def allgs():
    """Every goroutine of the program, in creation order, but the dead ones
    and the runtime's own."""
    gs = []
    addr = _u64(_symaddr("allgs"))
    while addr and len(gs) < 10000000:
        gp = G(addr)
        if gp.status != GDEAD:
            gs.append(gp)
        addr = _u64(addr + G_ALLLINK)
    return gs


def findg(goid):
    for gp in allgs():
        if gp.goid == goid:
            return gp
    raise gdb.GdbError("no goroutine %d" % goid)


def currentg():
    """The goroutine running on the selected thread, or None."""
    t = gdb.selected_thread()
    if t is None:
        return None
    for gp in allgs():
        th = gp.thread()
        if th is not None and th.ptid == t.ptid:
            return gp
    return None


# The saved registers of the goroutine being shown, or None.
_view = None


class _FrameId(object):
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


class GoroutineUnwinder(gdb.unwinder.Unwinder):
    """While _view is set, the innermost frame's caller is the goroutine's
    saved context. In a program built without -g, the frames of the
    runtime and libc have no unwind tables, and gdb's guesses from their
    instructions fail where the compiler moved the frame pointer set-up;
    the runtime's functions all keep a frame pointer, so its chain is
    followed instead, as the runtime's own tracebacks do."""

    def __init__(self):
        super(GoroutineUnwinder, self).__init__("gort-goroutine")
        self.ulong = None

    def value(self, v):
        if self.ulong is None:
            self.ulong = gdb.lookup_type("unsigned long")
        return gdb.Value(v).cast(self.ulong)

    def __call__(self, pending_frame):
        level = pending_frame.level()
        if level == 0:
            return self.lent(pending_frame) if _view is not None else None
        return self.framepointer(pending_frame)

    def lent(self, pending_frame):
        # An id below the goroutine's frames, so that gdb sees its stack
        # grow the right way whichever thread lends the frame.
        fid = _FrameId(self.value(_view["rsp"] - 64), pending_frame.read_register("rip").cast(self.ulong))
        info = pending_frame.create_unwind_info(fid)
        for reg, v in _view.items():
            info.add_saved_register(reg, self.value(v))
        return info

    def framepointer(self, pending_frame):
        # Only a caller's frame: its pc is past the prologue, so rbp is
        # set up. A thread stopped at level 0 may be mid-prologue.
        pc = int(pending_frame.read_register("rip"))
        lo, hi = _rttext()
        if not lo <= pc < hi or gdb.current_progspace().block_for_pc(pc - 1) is not None:
            return None
        # gostartfn and _start, the first frames, clear rbp: their callees'
        # chains end there, and their own unwind tables end the stack.
        bp = int(pending_frame.read_register("rbp"))
        if bp == 0 or bp & 7:
            return None
        try:
            caller_bp, ret = _u64(bp), _u64(bp + 8)
        except gdb.MemoryError:
            return None
        info = pending_frame.create_unwind_info(_FrameId(self.value(bp + 16), self.value(pc)))
        info.add_saved_register("rip", self.value(ret))
        info.add_saved_register("rsp", self.value(bp + 16))
        info.add_saved_register("rbp", self.value(caller_bp))
        return info


class GoroutineFrameFilter(object):
    """Hides the borrowed innermost frame while a goroutine is shown."""

    def __init__(self):
        self.name = "gort-goroutine"
        self.priority = 100
        self.enabled = True
        gdb.frame_filters[self.name] = self

    def filter(self, frames):
        if _view is None:
            return frames
        return (f for f in frames if f.inferior_frame().level() != 0)


def _withg(gp, fn):
    """Call fn() with gp's stack as the selected thread's, fn's first frame
    selected; restore the selection and gdb's frames after."""
    global _view
    thread = gdb.selected_thread()
    if thread is None:
        raise gdb.GdbError("no process or core file")
    if gp.onthread():
        th = gp.thread()
        if th is None:
            raise gdb.GdbError("goroutine %d is %s but no thread runs it" % (gp.goid, gp.statusname()))
        try:
            th.switch()
            gdb.newest_frame().select()
            return fn()
        finally:
            thread.switch()
    regs = gp.saved()
    if regs is None:
        raise gdb.GdbError("goroutine %d has not run yet: it will start in %s" % (gp.goid, _funcname(gp.fn)))
    frame = gdb.selected_frame()
    _view = regs
    gdb.invalidate_cached_frames()
    try:
        gdb.newest_frame().older().select()
        return fn()
    finally:
        _view = None
        gdb.invalidate_cached_frames()
        try:
            frame.select()
        except gdb.error:
            gdb.newest_frame().select()


_rttextbounds = None


def _rttext():
    """The bounds of the runtime's and libc's text. The program is static,
    not position-independent: they are known before it runs, and the
    unwinder, which must not evaluate expressions (that needs frames),
    finds them here."""
    global _rttextbounds
    if _rttextbounds is None:
        _rttextbounds = _symaddr("gort_rttext_start"), _symaddr("gort_rttext_end")
    return _rttextbounds


def _funcname(pc):
    b = gdb.current_progspace().block_for_pc(pc)
    if b is not None and b.function is not None:
        return b.function.name
    s = gdb.execute("info symbol 0x%x" % pc, to_string=True).split()
    return s[0] if s and s[0] != "No" else "0x%x" % pc


def _userframe():
    """The selected frame, or the first of its callers in the program's own
    code: outside the text of the runtime and libc (linker.ld). With none,
    the goroutine's first function, where the program handed over."""
    lo, hi = _rttext()
    f = last = first = gdb.selected_frame()
    while f is not None:
        pc = f.pc() if f == first else f.pc() - 1
        if not lo <= pc < hi:
            return f
        if f.name() == "gostartfn":
            break
        last = f
        f = f.older()
    return last


def _where(f):
    name = f.name() or "0x%x" % f.pc()
    sal = f.find_sal()
    if sal.symtab is not None and sal.line:
        return "%s () at %s:%d" % (name, sal.symtab.filename, sal.line)
    return "%s ()" % name


class InfoGoroutines(gdb.Command):
    """List the program's goroutines: id, status, wait reason and where each
is: its first frame in the program's own code. * marks the goroutine of the
selected thread."""

    def __init__(self):
        super(InfoGoroutines, self).__init__("info goroutines", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        cur = currentg()
        for gp in allgs():
            mark = "*" if cur is not None and gp.addr == cur.addr else " "
            reason = gp.waitreason if gp.status == GWAITING else ""
            try:
                where = _withg(gp, lambda: _where(_userframe()))
            except (gdb.GdbError, gdb.error) as e:
                where = "(%s)" % e
            gdb.write("%s %-5d %-9s %-20s %s\n" % (mark, gp.goid, gp.statusname(), reason, where))


class GoroutineCmd(gdb.Command):
    """Run a gdb command on a goroutine's stack.
Usage: goroutine N COMMAND, or goroutine all COMMAND; e.g. goroutine 3 bt.
The goroutine's frames are numbered from 1 when it is not running: frame 0
is the selected thread's, lent to show them, and is hidden."""

    def __init__(self):
        super(GoroutineCmd, self).__init__("goroutine", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        words = arg.split(None, 1)
        if len(words) < 2:
            raise gdb.GdbError("usage: goroutine N COMMAND, or goroutine all COMMAND")
        which, cmd = words
        if which == "all":
            gs = allgs()
        else:
            try:
                gs = [findg(int(which, 0))]
            except ValueError:
                raise gdb.GdbError("goroutine: bad goroutine id %s" % which)
        for gp in gs:
            if which == "all":
                gdb.write("\ngoroutine %d [%s]:\n" % (gp.goid, gp.waitreason if gp.status == GWAITING else gp.statusname()))
            _withg(gp, lambda: gdb.execute(cmd, from_tty))


_rttext()
gdb.unwinder.register_unwinder(None, GoroutineUnwinder(), replace=True)
GoroutineFrameFilter()
InfoGoroutines()
GoroutineCmd()
