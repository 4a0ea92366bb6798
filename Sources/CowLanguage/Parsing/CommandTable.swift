import CowEngine

/// One command, declared once: its name, its syntax, how its `Command` is built, what it is for,
/// an example and its longer help. The parser's dispatch and argument reading, the usage shown
/// with its syntax errors, `help`, Tab completion and the command reference of Grammar.md
/// (`cowsim grammar --markdown`) all come from these entries.
///
/// Adding a command (say `swapoff P RANGE`) takes exactly these places:
/// 1. One entry in `CommandTable.all` below: name, group, forms (a pattern of `Syntax` pieces per
///    form), summary, example, details, and `parse:`, normally
///    `.pattern { (a: inout Arguments) throws(Diagnostic) in .swapoff(try a.process(), try a.range()) }`:
///    the generic matcher (CommandParsing.swift) reads the arguments the form declares, in order,
///    with the standard errors ("expected an address after `p`, found ..."), and the closure takes
///    them one by one (`Arguments` says which value each piece gives: `[cached]` gives a flag,
///    `[as NAME]` an optional name, a `choice` its word; `a.form` tells which form matched). Give
///    an argument `what:` to name it in errors (`.argument(.newName, "NAME", what: "a file name")`).
///    Only a syntax the matcher cannot read (clauses in any order, alternatives, a custom hint) is
///    `.special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseMyCommand(k) }`
///    with that function in a file of your own (as Parser+Commands.swift holds `map`'s).
/// 2. Its `case` in `Command` (AST.swift).
/// 3. Its case in `Interpreter.run(_:keyword:)` (Interpreter.swift); put the bulk in a file of
///    your own (e.g. Interpreter+Swap.swift).
/// 4. The engine operation (CowEngine), throwing `EngineError`.
/// 5. Tests, and Grammar.md regenerated: paste `cowsim grammar --markdown` and
///    `cowsim grammar --ebnf` into it. `CommandTableTests` fails until the parser accepts every
///    form the entry declares and Grammar.md is regenerated.
/// Help, Tab completion, the usage notes of syntax errors and the parser's dispatch need nothing
/// more: there is no per-command code in the parser.
public struct CommandSpec: Sendable {
    /// The command word.
    public var name: String
    /// Which group `help` and Grammar.md list it under.
    public var group: CommandGroup
    /// The forms it accepts, each a pattern after the command word (most commands have one).
    public var forms: [[Syntax]]
    /// What it does, in a sentence or two (`help CMD`).
    public var summary: String
    /// A worked example (one or more lines of script).
    public var example: String
    /// The longer explanation of Grammar.md's command reference (Markdown); empty: the summary.
    public var details: String

    /// How the parser builds the command's `Command` (see `CommandParsing`).
    let parsing: CommandParsing

    init(_ name: String, _ group: CommandGroup, _ forms: [[Syntax]], summary: String, example: String,
         details: String = "", parse: CommandParsing) {
        self.name = name
        self.parsing = parse
        self.group = group
        self.forms = forms
        self.summary = summary
        self.example = example
        self.details = details
    }

    /// Each form as it is typed: `fork P [as NAME]`.
    public var usages: [String] {
        forms.map { $0.isEmpty ? name : name + " " + Syntax.render($0) }
    }

    /// The forms on one line: `exit P | exit`.
    public var usage: String { usages.joined(separator: " | ") }
}

/// The groups of `help` and of Grammar.md's command reference, in the order they are shown.
public enum CommandGroup: String, Sendable, CaseIterable {
    case machine, files, processes, memory, inspecting, scripting

    /// The heading in Grammar.md.
    var title: String {
        switch self {
        case .machine: return "Machine"
        case .files: return "Files"
        case .processes: return "Processes"
        case .memory: return "Memory"
        case .inspecting: return "Inspecting"
        case .scripting: return "Scripting"
        }
    }
}

// Pieces of patterns, named as the usage lines show them.
private let P = Syntax.argument(.process, "P")
private let mappedRange = Syntax.argument(.mappedRange, "RANGE")
private let N = Syntax.argument(.number, "N")
private let newName = Syntax.argument(.newName, "NAME")
private let perms = Syntax.argument(.permissions, "PERMS")
private let onOff = Syntax.choice(["on", "off"])
private func word(_ w: String) -> Syntax { .word(w) }
private func optional(_ s: Syntax...) -> Syntax { .optional(s) }

/// `set policy`'s part of `set`'s help (issue 14).
private let policyDetails = """
    `set policy fifo|lru|clock|opt|rand|linux` chooses which resident page reclaim gives up when a fault finds no free \
    frame and swap is configured (`config swap`; without swap nothing is reclaimed). The default is `lru`. `fifo`: the \
    page resident longest. `lru`: the least recently used page (every access counts). `clock`: second chance with a \
    hand going round the resident pages, one reference bit each, set by every access (the first included); the hand \
    clears set bits until it finds a clear one, and a new page goes in just behind it. `opt`: Belady's optimal, the \
    page used again furthest ahead; only `trace` knows the future (each of its accesses tells the policy when that \
    page comes again); a page never used again goes first, the one brought in last among several (as OSTEP's \
    simulator breaks the tie); outside a trace every page counts as never used again. `rand`: a page drawn by a \
    generator seeded by `--seed` (each `set policy rand` starts it afresh, so runs are reproducible). `linux`: Linux's \
    two lists, simplified: a new page joins the inactive list unreferenced (the fault that brought it in does not \
    count); a later access sets its reference bit; reclaim first moves the oldest active pages to the inactive list \
    (bits cleared) while the active list is the longer, then scans the inactive list oldest first: a referenced page \
    gets a second chance on the active list (bit cleared), the first unreferenced one goes. So pages used once go \
    before pages used twice, which LRU does not do. A page reclaim cannot take (shared memory, say) is passed over and \
    chosen last. Switching policy keeps the resident pages, in the old policy's order. Each reclaim event says which \
    page went and why (`least recently used (LRU)`).
    """

/// `config page-tables`'s part of `config`'s help (issue 13).
private let pageTablesDetails = """
    `config page-tables x86_64|two-level|custom levels N bits BITS [page-size BYTES]` chooses the page-table \
    layout, on an empty machine: `x86_64` is 4 levels of 9 bits (tables of 512 entries: PGD, PUD, PMD, PTE), 4096-byte \
    pages, 48-bit addresses; `two-level` is the classic 32-bit 10/10/12 (a page directory and page tables of 1,024 \
    entries, 4096-byte pages, addresses below 4 GiB); `custom levels N bits BITS` is N levels (1 to 6) of BITS bits \
    each, pages of `page-size` bytes (default 4096; a table is one page of entries of at least 4 bytes, addresses \
    at most 48-bit). It sets the page size, and turns the page tables' figures on: `stats` shows them and each fork \
    event says how many page-table pages the child got (`fork ...: 514 page-table pages copied, 262144 entries`). \
    Without it the machine has x86_64's layout (other page sizes: tables of 8-byte entries, 48-bit addresses) and \
    shows nothing of it; `pte_kb(P)` and `page_tables()` answer either way. Every table is one page, accounted as \
    Linux does (conformance rule 19): a fault allocates the missing tables above its page; MADV_DONTNEED, reclaim \
    and truncate keep them; unmapping frees the tables no region overlaps any more (free_pgtables), exit and exec \
    all of them; fork gives the child, level by level, the parent's tables over the regions whose entries it copies \
    (with `profile linux` not shared mappings, nor regions that never held an anonymous page). `pte_kb(P)` is \
    /proc/PID/status's VmPTE: the tables below the top level, in kB; `page_tables()` is /proc/meminfo's PageTables: \
    every table page of every process, top tables included, in kB. A region of 512 written pages at a fresh \
    2 MiB-aligned address far from others costs 12 kB (PUD, PMD, one PTE page), 513 pages 16 kB, 1 GiB 2,056 kB. \
    Table pages take no frames, unless the layout ends with the word `frames` (`config page-tables x86_64 frames`): \
    then every table page, the top one included (Linux allocates the PGD when it creates the process), takes a \
    frame from the `config frames` pool, lowest free first like data, its number being the table's id in `dump P \
    tables` and `translate`; `dump frames` lists it as kind `page-table`, `stats` counts them. With x86_64 a \
    process that writes one page holds 5 frames: PGD, PUD, PMD, PTE page and the page. A fault whose tables find \
    no frame is out of memory like one whose page finds none (with swap, reclaim frees a data frame first, never \
    a table frame, then the out-of-memory killer chooses); spawn, fork and exec take table frames only from free \
    frames and fail, changing nothing, when too few are free. Freeing a table frees its frame. It does not combine \
    with on-demand fork (`set fork odf`).
    """

/// `trace`'s help (issue 14).
private let traceDetails = """
    `trace P ADDR read|write N,N,...` replays a reference string, as OSTEP's `paging-policy.py` does: process P \
    reads (or writes) page ADDR + N*page size for each N in order; a write stores N in the page. The list is \
    page numbers (numbers, variables or `(expressions)`) separated by commas; `trace P ADDR write from FILE` reads \
    them from a file instead (whole numbers, decimal or 0x hexadecimal, separated by commas, blanks or newlines, `#` \
    starts a comment; a relative path is taken from the script's directory). At most 4,000,000 references (a file of \
    at most 64 MiB); a bad number is an error at its place, in the list or in the file (`refs.txt:3:7`), and nothing \
    runs. The replacement policy (`set policy`) is told, before each access, when the same page is accessed next, \
    which is what `opt` needs. An access that takes a fault is a miss (OSTEP's miss), any other a hit; so with \
    `profile textbook`, `config frames C`, swap large enough and one private anonymous region, `faults(P)` after a \
    `trace ... write` equals OSTEP's misses for `-C C` under FIFO, LRU and OPT. The trace prints one line: accesses, \
    hits, misses (how many were major faults, i.e. swap-ins), the hit rate, the policy and the frames; with events \
    on, the reclaim events follow it (the first 1,000; a line under it counts the rest), but not each access's fault events. \
    `show` (or the prefix form `show trace ...`) prints a line per access first, in the layout of OSTEP's `-c` output: \
    `Access: 5  MISS FirstIn ->    [3, 4, 5] <- Lastin  Replaced:2 [Hits:1 Misses:9]`, the list being the trace's \
    pages in memory in the policy's order, the next to go on the left (FIFO: first in; LRU: least recently used; \
    CLOCK: from the hand; OPT, RAND: in the order they came in; linux: the inactive list oldest first, `|`, then \
    the active list). `quiet` prints nothing (kills still show). The trace stops where the process is killed \
    (the line says at which access).
    """

/// The command table.
public enum CommandTable {
    /// Every command, in the order `help all` and Grammar.md list them within their group.
    public static let all: [CommandSpec] = [
        // MARK: machine
        CommandSpec("config", .machine, [[word("frames"), N], [word("page-size"), .argument(.number, "BYTES")], [word("readahead"), N],
                                         [word("swap"), .argument(.number, "PAGES")], [word("tlb"), N],
                                         // issue 13: page-table layout
                                         [word("page-tables"), .choice(["x86_64", "two-level", "custom"], what: "a page-table layout"),
                                          optional(word("levels"), N, word("bits"), .argument(.number, "BITS")),
                                          optional(word("page-size"), .argument(.number, "BYTES")), optional(word("frames"))]],
                    summary: "Sets physical memory (frames, default 256), the page size (a power of two, default 4096) or the swap space (pages, default 0: none), only on an empty machine; or the readahead window of major faults under `profile linux` (pages, default 32), or the TLB's entries (default 0: none), at any time; or the page-table layout (`x86_64`, `two-level` or custom levels), which also shows the page tables' cost.",
                    example: "config frames 64\nconfig page-size 4096\nconfig readahead 8\nconfig swap 128\nconfig tlb 4\nconfig page-tables x86_64\nconfig page-tables custom levels 3 bits 9",
                    details: "`config frames N` sets the number of physical frames (1 to 16,777,216; default 256); `config page-size BYTES` sets the page size (a power of two from 16 to 2^30; default 4096); `config swap PAGES` sets the swap space (0 to 16,777,216 pages; default 0, no swap). These need an empty machine (before any file or process): put them first, or `reset` first. Frames cost memory only once used: about 22 bytes of host memory per frame ever in use, nothing for frames never touched, so `config frames 16777216` is cheap until the script fills them. Without swap a fault that finds no free frame kills the faulting process, and nothing is reclaimed; with swap it reclaims a frame instead (see \"Swap and reclaim\" below). `config readahead N` sets how many pages a major fault on a file mapping reads in one I/O under `profile linux` (0 to 65,536; default 32, Linux's 128 KiB; 0 or 1: no readahead; see \"Textbook and Linux\" below); it may change at any time and applies from the next fault. `config tlb N` gives the machine a TLB of N entries (0 to 65,536; default 0: no TLB, and no TLB figures anywhere), at any time; it starts empty (see \"The TLB\" below)." + "\n\n" + pageTablesDetails,
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in
                        switch a.form {
                        case 0: return .configFrames(try a.expression())
                        case 1: return .configPageSize(try a.expression())
                        case 2: return .configReadahead(try a.expression())
                        case 3: return .configSwap(try a.expression())
                        case 4: return .configTLB(try a.expression())
                        default: return .configPageTables(PageTablesConfig(layout: try a.word(), levels: try a.optionalExpression(),
                                                                          bits: try a.optionalExpression(), pageSize: try a.optionalExpression(),
                                                                          frames: try a.flag()))
                        }
                    }),
        CommandSpec("profile", .machine, [[.choice(Profile.allCases.map(\.rawValue), what: "a profile")]],
                    summary: "Presets the behaviour switches: the classic textbook story (default) or what Linux does.",
                    example: "profile linux",
                    details: "`profile textbook|linux` presets the behaviour switches (see \"Textbook and Linux\" below).",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .profile(Profile(rawValue: try a.word()) ?? .textbook) }),
        CommandSpec("set", .machine, [[word("fork"), .choice(ForkMode.allCases.map(\.rawValue))],
                                      [.argument(.behaviourSwitch, "SWITCH"), onOff], [word("prompt"), onOff], [word("steps"), N],
                                      [word("draw"), onOff], [word("policy"), .choice(ReplacementPolicy.allCases.map(\.rawValue))],
                                      [word("backend"), .choice(["sim", "kernel"])]],
                    summary: "Chooses copy-on-write, eager or on-demand fork, flips one behaviour switch (cow-reuse, fault-around, fork-skip, zero-page), the REPL's state prompt, the step budget of a run, or the page replacement policy.",
                    example: "set fork eager\nset zero-page off\nset prompt off\nset steps 2000000000\nset policy fifo",
                    details: "`set fork cow|eager|odf` chooses copy-on-write fork (default), eager copying at fork time, or on-demand fork (`odf`, Zhao et al., EuroSys 2021): the child gets its own upper-level page tables but shares the parent's last-level (PTE) tables, write-protected one level up; the first write by either process under a shared table copies that one table (event `page-table page copied`), then the page by copy-on-write; a read of a present page copies nothing, a fault that fills an entry (or munmap, mprotect, madvise, mremap, msync there) copies the table first, exit and exec only drop their share. The figures (Rss, Pss, mapcounts, smaps) are those of a copy-on-write fork; a shared table counts in each sharer's `pte_kb` and once in `page_tables`; `shared_tables(P)` counts P's shared tables, `stats` the tables shared and copied. `set SWITCH on|off` flips one switch: `cow-reuse`, `fault-around`, `fork-skip`, `zero-page`. `set prompt on|off` shows or hides the machine state in the REPL prompt. `set steps N` sets the step budget of each run (default 10^9; see \"Step budget\" under `repeat`). `set draw on|off`: with `on`, the REPL draws the machine (as `draw` does) after every line. `set backend kernel` (REPL and `cowsim -c`, Linux) resets the machine and from then on runs every memory operation also on the host kernel, answering figures from the real processes as `cowsim kernel` does; `set backend sim` goes back to the simulator alone (the machine is reset too).\n\n" + policyDetails,
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseSet(k) }),
        CommandSpec("reset", .machine, [[]],
                    summary: "Back to an empty machine with the same configuration (variables are kept).",
                    example: "reset",
                    details: "`reset` goes back to an empty machine with the same configuration (frames, page size, profile, switches, fork mode); variables and the random generator are kept.",
                    parse: .constant(.reset)),
        CommandSpec("drop-caches", .machine, [[]],
                    summary: "Frees page-cache frames that no process maps, like `echo 3 > /proc/sys/vm/drop_caches`.",
                    example: "drop-caches",
                    details: "`drop-caches` frees the page-cache frames no process maps.",
                    parse: .constant(.dropCaches)),
        // MARK: files
        CommandSpec("library", .files, [[.argument(.newName, "NAME", what: "a library name"), word("text"), N, word("data"), .argument(.number, "M"), optional(word("cached"))]],
                    summary: "Creates a shared library file: N code pages then M data pages; `cached` puts it in the page cache now.",
                    example: "library libc text 32 data 8 cached",
                    details: "`library NAME text N data M [cached]` creates a library file: N text pages then M data pages. `cached` puts every page in the page cache now (clean, as right after it was written); otherwise the first access to each page is a major fault.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .library(try a.name(), text: try a.expression(), data: try a.expression(), cached: try a.flag()) }),
        CommandSpec("file", .files, [[.argument(.newName, "NAME", what: "a file name"), word("pages"), N, optional(.choice(["cached", "tmpfs"]))]],
                    summary: "Creates a plain file of N pages; without `cached` its pages are on disk (first access: major fault); `tmpfs` makes a file that lives in the page cache only.",
                    example: "file data pages 16\nfile scratch pages 4 tmpfs",
                    details: "`file NAME pages N [cached]` creates a plain file, its pages on disk unless `cached`, as for `library`. `file NAME pages N tmpfs` creates a tmpfs file (as `memfd_create` does): no disk behind it, every page a hole until it is faulted in (zero-filled, a minor fault) or written with `pwrite`; its pages are never written back (`fsync`, `sync`, `msync` do nothing) nor dropped (`drop-caches` keeps them), and its shared mappings are writable from the first fault.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in
                        let name = try a.name(), pages = try a.expression()
                        switch try a.optionalWord() {
                        case "tmpfs": return .tmpfsFile(name, pages: pages)
                        case .some: return .file(name, pages: pages, cached: true)
                        case .none: return .file(name, pages: pages, cached: false)
                        }
                    }),
        CommandSpec("pwrite", .files, [[.argument(.file, "F"), optional(word("offset"), N), optional(word("pages"), .argument(.number, "M")),
                                        .argument(.number, "VALUE")]],
                    summary: "Writes VALUE into M pages (default 1) of file F from page N (default 0) through the page cache, as pwrite does: the pages are cached and dirty, and every mapping sees them.",
                    example: "pwrite data 7\npwrite data offset 4 pages 2 9",
                    details: "`pwrite F [offset N] [pages M] VALUE` writes VALUE into pages N to N+M-1 of file F (default: page 0 only) through the page cache, without a process, as `pwrite(2)` of whole pages does: a page not in the page cache gets a frame without a disk read, and every written page is dirty. Every mapping of a page sees the value at once (shared mappings, and private ones that have not copied it); no page-table entry changes, so under write notification the next write through a clean read-only shared entry still faults. The range must lie inside the file (`truncate` grows it) and memory must hold the pages not yet cached; otherwise nothing changes. It prints how many pages were written and how many had to be added to the page cache.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in
                        .pwrite(try a.name(), offset: try a.optionalExpression(), pages: try a.optionalExpression(), value: try a.expression())
                    }),
        CommandSpec("fsync", .files, [[.argument(.file, "F")]],
                    summary: "Writes the dirty page-cache pages of file F back to disk: they are clean (under `profile linux` shared mappings of them are read-only again).",
                    example: "fsync data",
                    details: "`fsync F` writes the dirty page-cache pages of file F back to disk and marks them clean; every shared mapping of them loses its dirty bit and, under `profile linux` (write notification, rule 13), its write right, so the next write through it faults again, as `msync` does. A tmpfs file has no disk: nothing is written, its pages stay dirty. It prints how many pages were written back.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .fsync(try a.name()) }),
        CommandSpec("sync", .files, [[]],
                    summary: "`fsync` of every file (tmpfs files excepted).",
                    example: "sync",
                    details: "`sync` writes back the dirty pages of every file, as `fsync` does for one (tmpfs files are left alone), and prints how many pages were written back.",
                    parse: .constant(.sync)),
        CommandSpec("truncate", .files, [[.argument(.file, "F"), word("pages"), N]],
                    summary: "Changes the size of file F to N pages: pages past the new end leave the page cache and every mapping (later accesses there: SIGBUS); new pages read as zeros.",
                    example: "truncate data pages 8",
                    details: "`truncate F pages N` is `ftruncate`: file F gets N pages (0 to 16,777,216). Growing adds pages that read as zeros. Shrinking removes the pages past the new end: each page-table entry of them, in every process, is removed (private copies too, as the kernel's truncate does), their page-cache frames are freed and what the disk held there is forgotten; mappings keep their size, and a later access to a page wholly past the end of the file kills the process with SIGBUS (rule 15). Libraries cannot be truncated. It prints the old and new size, the pages dropped from the page cache and the entries unmapped.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .truncate(try a.name(), pages: try a.expression()) }),
        // MARK: processes
        CommandSpec("spawn", .processes, [[optional(.argument(.newName, "NAME", what: "a process name"))]],
                    summary: "Creates a process with an empty address space (default name proc_PID).",
                    example: "spawn shell",
                    details: "`spawn [NAME]` creates a process with an empty address space.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .spawn(try a.optionalName()) }),
        CommandSpec("fork", .processes, [[P, optional(word("as"), newName)]],
                    summary: "Copy-on-write fork (or eager, see `set fork`); the child's default name is the parent's plus _PID, e.g. shell_2.",
                    example: "fork shell as ls",
                    details: "`fork P [as NAME]` forks the process (copy-on-write unless `set fork eager` or `set fork odf`).",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseForkLike(k, vfork: false) }),
        CommandSpec("vfork", .processes, [[P, optional(word("as"), newName)]],
                    summary: "The child borrows the parent's address space; the parent waits until the child execs or exits.",
                    example: "vfork shell as sh2",
                    details: "`vfork P [as NAME]` makes a child that borrows the parent's address space while the parent waits until the child `exec`s or `exit`s.",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseForkLike(k, vfork: true) }),
        CommandSpec("exec", .processes, [[P]],
                    summary: "Replaces the process's address space with an empty one.",
                    example: "exec sh2",
                    details: "`exec P` replaces the address space with an empty one.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .exec(try a.process()) }),
        CommandSpec("exit", .processes, [[P], []],
                    summary: "The process exits and its frames are released; with no argument, leaves the REPL (same as quit).",
                    example: "exit ls",
                    details: "`exit P` ends the process and frees its frames; `exit` alone (and `quit`) ends the REPL, and in a script stops it successfully.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in a.form == 0 ? .exit(try a.process()) : .quit }),
        // MARK: memory
        CommandSpec("map", .memory, [
            [P, .word("anon", aliases: ["anonymous"]), .argument(.newRange, "RANGE"),
             .clauses([[perms], [word("shared")], [word("as"), newName], [word("populate")]])],
            [P, word("file"), .argument(.file, "F"), .argument(.newRange, "RANGE"),
             .clauses([[perms], [word("shared")], [word("offset"), N], [word("as"), newName], [word("populate")]])],
        ],
                    summary: "Maps anonymous memory or a file (private unless `shared`). PERMS: r, rw, rx, rwx, none (default rw for anon, r for files). offset: first file page.",
                    example: "map shell anon 0x10000 pages 16 rw as heap\nmap shell anon 0x40000..0x48000 rw shared as buf\nmap shell file data 0x80000 pages 4 r\nmap shell file data 0x90000 pages 4 rw offset 4 as tail",
                    details: "`map P anon RANGE ...` maps anonymous memory, private (copy-on-write after fork) unless `shared`. `map P file F RANGE ...` maps pages of file F starting at page N of `offset N` (default 0). PERMS is `r`, `rw`, `rx`, `rwx`, `w`, `wx`, `x` or `none`; the default is `rw` for anonymous memory and `r` for files. The clauses after the range, PERMS included, come in any order, each at most once.\n\n`populate` is MAP_POPULATE: every page is faulted in at map time, as the kernel's populate_vma_page_range does. A private writable page takes a write fault (a new zero-filled frame for anonymous memory, a private copy of the file page for a file: dirty, value unchanged); any other page a read fault (the zero page under `linux` for read-only private anonymous memory, page-cache pages with readahead and fault-around for files, shmem pages for shared anonymous memory). These faults are the process's own: `faults(P)`, `minor_faults(P)` and `major_faults(P)` count them as Linux's getrusage does (one per page faulted; fault-around pages take none). A PROT_NONE mapping is not populated; file pages wholly past the end of the file are skipped (no SIGBUS).",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseMap(k) }),
        CommandSpec("map-library", .memory, [[P, .argument(.library, "LIB"), optional(word("at")), .argument(.newAddress, "ADDR")]],
                    summary: "Maps a library as the dynamic linker does: LIB.text (r-x, private) then LIB.data (rw-, private).",
                    example: "map-library shell libc at 0x400000",
                    details: "`map-library P LIB [at] ADDR` maps library LIB as the dynamic linker does: `LIB.text` (r-x, private) at ADDR and `LIB.data` (rw-, private) right after it.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in 
                        let process = try a.process(), library = try a.name()
                        _ = try a.flag()
                        return .mapLibrary(process, library: library, at: try a.expression())
                    }),
        CommandSpec("unmap", .memory, [[P, mappedRange]],
                    summary: "Removes mappings in the range (regions may split), like munmap.",
                    example: "unmap shell 0x40000 pages 8",
                    details: "`unmap P RANGE` removes mappings (a region may split in two; unmapped pages in the range are ignored, as `munmap` does).",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .unmap(try a.process(), try a.range()) }),
        CommandSpec("protect", .memory, [[P, mappedRange, perms]],
                    summary: "Changes permissions of a mapped range, like mprotect.",
                    example: "protect shell 0x10000 pages 2 r",
                    details: "`protect P RANGE PERMS` changes permissions (the range must be mapped); a region whose rights change splits at the range's edges. Under `profile linux` the pieces merge back with identical neighbours of the same mapping (after `protect`, `mlock`, `munlock` and `advise`), as /proc/PID/maps then shows one VMA again; the textbook profile keeps the pieces.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .protect(try a.process(), try a.range(), try a.permissions()) }),
        CommandSpec("advise", .memory, [[P, mappedRange, .choice(MemoryAdvice.allCases.map(\.rawValue), what: "advice")]],
                    summary: "madvise: dontfork, wipeonfork (fork), dontneed, free (drop pages), willneed (read into the page cache), random, sequential (readahead), hugepage, nohugepage.",
                    example: "advise shell 0x10000 pages 4 dontfork\nadvise shell 0x10000 pages 4 dontneed\nadvise shell 0x80000 pages 4 willneed\nadvise shell 0x40000000 pages 512 hugepage",
                    details: """
                        `advise P RANGE ADVICE` is `madvise`; the whole range must be mapped (it may span regions).

                        - `dontfork` keeps the range out of children, `wipeonfork` gives children fresh zero pages there
                          (private anonymous memory only); `normal` undoes both and the readahead hint.
                        - `dontneed` drops the range's page-table entries now: each frame loses one mapping (an
                          anonymous frame nobody maps any more is freed; a frame shared with another process becomes
                          that process's alone); page-cache and shared-memory pages stay in memory. The next read maps
                          the zero page (anonymous) or the cached page (file), the next write a new frame.
                        - `free` (private anonymous memory only) is MADV_FREE as if reclaim came at once: pages this
                          process alone maps are dropped and their frames freed, as `dontneed` does; pages shared with
                          another process and zero-page entries stay mapped (the kernel skips them).
                        - `willneed` reads the range's file pages that are not cached into the page cache (clean, not
                          mapped, no fault); nothing happens for anonymous memory. It stops when memory is full.
                        - `random` and `sequential` set the region's readahead hint, `hugepage` (private anonymous
                          memory only) and `nohugepage` its huge-page hint; `dump` shows them after the backing.
                        - `hugepage` asks for transparent huge pages (rule 17). The range must hold at least one whole
                          2 MiB huge page (512 pages starting at a multiple of 512 pages), else it is refused. In the
                          advised part, the first fault that needs a frame in an empty aligned 512-page block maps the
                          whole block as one huge page: one fault, 512 consecutive frames from a multiple of 512 (a
                          4 KiB page if no such run of frames is free). Under `linux` a read of untouched memory still
                          maps the zero page (and the block then gets 4 KiB pages); only a write maps a huge page.
                          `fork` shares it; the first write by either process splits that process's mapping and
                          copies one 4 KiB page (1 fault, 1 copy), the other 511 stay shared; a process that is the
                          only user reuses the whole huge page. `munmap`, `protect`, `advise`, `mremap` of part of a
                          huge page split it first, and so does reclaim before swapping a page of it out. `dump`
                          flags huge-page rows `H`; `smaps` shows `AnonHugePages` and `anon_huge_pages(P)` gives it.

                        Regions split at the range's edges when advice is recorded on them (not for `dontneed`,
                        `free`, `willneed`; under `profile linux` they merge back when identical, see `protect`).
                        `dontneed` and `free` print how many entries were dropped and frames freed, `willneed` how
                        many pages were read.
                        """,
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .advise(try a.process(), try a.range(), MemoryAdvice(rawValue: try a.word()) ?? .normal) }),
        CommandSpec("mremap", .memory, [[P, mappedRange, word("to"), .argument(.newAddress, "ADDR")], [P, mappedRange, word("size"), N]],
                    summary: "mremap: moves a range of one region to ADDR with its page-table entries (no fault to read it again, mapcounts unchanged), or resizes a whole region in place (`size N` pages).",
                    example: "mremap shell 0x10000 pages 4 to 0x900000\nmremap shell 0x900000 pages 4 size 8",
                    details: "`mremap P RANGE to ADDR` is `mremap(MREMAP_MAYMOVE | MREMAP_FIXED)`: the range (inside one region, which splits at its edges) moves to ADDR with its page-table entries and frames, so reading the moved pages takes no fault and every mapcount stays the same (rule 16). A target overlapping any mapping, the range itself included, is refused and nothing changes. \n\n`mremap P RANGE size N` is mremap(2) without MREMAP_MAYMOVE: RANGE must be one whole region, which becomes N pages long where it is. Shrinking unmaps the tail (its frames lose those mappings; an anonymous frame nobody maps any more is freed). Growing extends the region over the N - pages after it, which must be free (else an error and nothing changes; Linux's MREMAP_MAYMOVE is not modelled): the new pages are empty, as if just mapped, except in an mlock'd region, whose new pages are populated as `mlock` does (Linux's mremap calls mm_populate for a VM_LOCKED mapping; the faults are the process's). A shared anonymous region grows only within the pages it was created with. Size 0 is refused.",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseMremap(k) }),
        CommandSpec("mlock", .memory, [[P, mappedRange]],
                    summary: "mlock: locks the range in memory: populates it (as `map ... populate`) and reclaim never takes its pages; smaps shows Locked.",
                    example: "mlock shell 0x10000 pages 4",
                    details: "`mlock P RANGE` is mlock(2): the range (mapped entirely; its regions split at its edges) is marked locked and populated as `map ... populate` does (a write fault for each private writable page not yet writable, which breaks copy-on-write sharing; a read fault for any other page not present). Reclaim (`config swap`) never chooses a page a locked region maps. `smaps` gains a `Locked` column (kB; shown only when a region of the process is locked), which is the Pss of the locked regions, as the kernel's pss_locked (fixed point under `linux`, rule 8); `locked(P [, REGION])` is the same in pages, exact. A fork's child does not inherit the lock. A range with a hole is refused and nothing changes.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .mlock(try a.process(), try a.range(), lock: true) }),
        CommandSpec("munlock", .memory, [[P, mappedRange]],
                    summary: "munlock: unlocks the range; its pages stay resident, but reclaim may take them again.",
                    example: "munlock shell 0x10000 pages 4",
                    details: "`munlock P RANGE` is munlock(2): the range (mapped entirely; its regions split at its edges) is no longer locked (under `profile linux` pieces that are then identical merge back, see `protect`). Nothing is unmapped: the pages stay resident until reclaim chooses them. A range with a hole is refused and nothing changes.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .mlock(try a.process(), try a.range(), lock: false) }),
        CommandSpec("msync", .memory, [[P, mappedRange]],
                    summary: "msync: writes the dirty pages of shared file mappings in the range back to the file and marks them clean (under `profile linux`: read-only again).",
                    example: "msync shell 0x80000 pages 4",
                    details: "`msync P RANGE` is `msync(MS_SYNC)`: the range must be mapped; for each shared file mapping in it, the file's dirty page-cache pages behind the range are written back to the file and marked clean, and every shared mapping of those pages (in any process) loses its dirty bit; under `profile linux` (write notification) it is write-protected too, so the next write faults again (rule 13). Private and anonymous mappings in the range are left alone (Linux syncs only `MAP_SHARED` file mappings). It prints how many pages were written back.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .msync(try a.process(), try a.range()) }),
        CommandSpec("read", .memory, [[P, mappedRange]],
                    summary: "Reads each page of the range (faulting as needed) and prints the values. RANGE: ADDR, ADDR pages N, or ADDR..END.",
                    example: "read ls 0x10000\nread ls 0x10000 pages 16",
                    details: "`read P RANGE` reads every page of the range, faulting as needed, and prints the values (runs of equal values share a line).",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .read(try a.process(), try a.range()) }),
        CommandSpec("write", .memory, [[P, mappedRange, .argument(.number, "VALUE", what: "the value to write")]],
                    summary: "Writes VALUE into each page of the range (faulting, copying on write as needed).",
                    example: "write ls 0x10000..0x14000 7",
                    details: "`write P RANGE VALUE` writes VALUE (a whole number) into every page. A write to a read-only page or an unmapped address kills the process with SIGSEGV; a fault that finds no free frame kills it for lack of memory. Those are **events**, printed as `killed ...`; the script goes on, `alive(P)` tells, and naming the dead process in a later command is an error. A region's name is not an address: write `0x10000` (or a variable holding it), not `heap`.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .write(try a.process(), try a.range(), value: try a.expression()) }),
        CommandSpec("trace", .memory, [[P, .argument(.number, "ADDR"), .choice(["read", "write"]),
                                        .alternatives([[.argument(.numbers, "N,N,...")], [word("from"), .argument(.path, "FILE")]]),
                                        optional(.choice(["show", "quiet"]))]],
                    summary: "Replays a reference string: P reads or writes the pages ADDR + N (page numbers, OSTEP style) in order, from the list or a file; prints hits, misses (faults) and the hit rate. `show`: one line per access with the frames' contents, as OSTEP's paging-policy.py -c; `quiet`: nothing.",
                    example: "trace p 0x10000 write 1,2,3,4,1,2,5,1,2,3,4,5\ntrace p 0x10000 read 0,1,2,0,1,3 show\ntrace p 0x10000 write from refs.txt quiet",
                    details: traceDetails,
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseTrace(k) }),
        // MARK: inspecting
        CommandSpec("dump", .inspecting, [[P, optional(word("all"))], [word("frames"), optional(word("all"))], [word("frame"), N],
                                          [word("swap")], [P, word("tlb")], [P, word("tables")]],
                    summary: "A process's regions and page table (with each frame's mapcount and sharers), the physical frame table with who maps each frame, one frame with every mapping of it, or the swap slots in use; `all` shows every page instead of runs.",
                    example: "dump ls\ndump frames all\ndump frame 40\ndump swap",
                    details: "`dump P [all]` prints the process's regions and page table: address, pages, frame, flags, mapcount (page-table entries mapping the frame, `-` for the zero page), shared with (the other processes mapping the frame) and region; runs of consecutive pages with consecutive frames, equal flags, equal mapcount and the same sharers share a row unless `all` is given. Flags: `P` present, `W` writable, `U` user, `C` copy-on-write, `D` dirty, `A` accessed, `-` clear; frame `zero` is the shared zero page. Pages of a transparent huge page (`advise ... hugepage`, rule 17) carry an `H` after their flags, one huge page never shares a row with another page, and a line under the legend explains it. `dump frames [all]` prints the physical frame table: frame, kind (anonymous, page cache, shmem), file page held, mapcount, dirty, value, and who maps it (the reverse map). A frame mapped by more than 8 processes names the first 8 and then says `and N more (dump frame F)`; so do the sharers in `dump P`. `dump frame N` prints frame N (the zero page is frame F, one past the last frame) and every page-table entry mapping it, one per line: process, pid, address; a free frame prints `frame N: free`. A process that has pages in swap also lists its swap entries (address, pages, slot, swap count, region) under its page table; a process with none prints exactly as without swap. `dump swap` prints the swap space (slots configured and in use, pages written to swap and read back) and each slot in use: its swap count (the page-table entries naming it: one per process that shared the page when it was swapped out), the value it holds, the frame holding its swap-cache copy if one of them swapped it back in, and the entries naming it. `dump P tlb` (with a TLB, `config tlb N`) prints the TLB entries of P's address space, most recently used first: address, page, frame, cached permission (`rw`, or `r-`: a write re-walks the page table), and `lru`, the entry's place in the whole TLB's recency order (1 = most recent; the largest is evicted next), after a line with P's hits, misses and invalidations. A process called `frames` or `swap` must be dumped by pid; one called `frame` by `dump frame` with no number, or by pid. `dump P tables` prints the process's page-table pages as a tree (issue 13), one per row in walk order, indented by level: the level (`PGD`, `PUD`, `PMD`, `PTE` with x86_64; `PD`, `PT` with two-level; `L0`, `L1`... otherwise), the table page's id (`T12`: ids are given machine-wide in order of allocation), its index in the table above, the addresses it covers, its entries in use (tables below it, or last-level entries present or naming a swap slot) out of its size, and the lowest and highest index in use. While on-demand fork (`set fork odf`) leaves a last-level table shared, a last column, `shared with`, names the other processes whose trees hold that same table (`c (pid 2), d (pid 3)`; `-` for the tables P holds alone); with no table shared the column is not printed.",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseDump(k) }),
        CommandSpec("translate", .inspecting, [[P, .argument(.number, "ADDR"), optional(.choice(["read", "write"]))]],
                    summary: "Walks P's page tables for ADDR as the MMU would: each level's index, table page and entry, then the frame and physical address, or the fault the access (read by default) would take and why. Changes nothing.",
                    example: "translate ls 0x10010\ntranslate ls 0x10010 write",
                    details: "`translate P ADDR [read|write]` prints the address's page and offset and the index it uses at each level, then one line per level read: the level, the table page (`T12`, as `dump P tables` names it), the entry's index and what it holds (the table below, the frame and flags, a swap slot, or empty: the walk stops at the first empty entry). The last line is what the access would do: `frame F, physical address A` (A = F x page size + offset), or a page fault and why (not present: no table yet, an empty entry, a page in swap; write-protected for copy-on-write, with how many entries map the frame; the zero page; write notification of a clean shared page), or SIGSEGV (no region, or the region's rights forbid it). Nothing changes: no fault is taken, no accessed or dirty bit set, no table allocated. The functions `table(P, ADDR, LEVEL)` (the table read at a level) and `fault(P, ADDR [, write])` (the fault, `none` if there is none) give the same walk as values.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in
                        .translate(try a.process(), try a.expression(), write: try a.optionalWord() == "write")
                    }),
        CommandSpec("smaps", .inspecting, [[P, optional(.choice(SmapsLayout.allCases.map(\.rawValue)))]],
                    summary: "Per-region accounting like /proc/PID/smaps (kB), with exact Pss in pages and a total; `narrow` fits 80 columns.",
                    example: "smaps ls\nsmaps ls narrow",
                    details: "`smaps P` prints, per region, Size, Rss, Pss, the exact Pss in pages, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty and Anonymous in kB, as `/proc/PID/smaps` does, and a total. The Pss column (kB) follows the profile: under `profile textbook` it is the exact Pss truncated to whole kB per region, and the total adds the rows; under `profile linux` it is fixed point, as the kernel computes it (conformance rule 8): each resident page adds `(page size << 12) / mapcount` (integer division), a region prints its sum `>> 22` (16 pages of mapcount 2 and 48 of mapcount 3 print 95, not 96), and the total row adds the regions' fixed-point sums and shifts once, as `/proc/PID/smaps_rollup` does, so it can exceed the sum of the rows. The Pss pages column and the `pss()` function are always exact. On a terminal narrower than that table (about 120 columns) it prints a narrow layout instead: per region a line with its name and range, then its nine figures three to a line. `smaps P wide` and `smaps P narrow` choose a layout. Output to a file or a pipe (scripts, transcripts, `#>` lines) is always the wide table. When some region of the process has pages in swap, two more columns follow: `Swap` (kB of its pages in swap) and `SwapPss` (each swap entry counts its page size divided by its slot's swap count; kB truncated per region under `textbook`, fixed point `>> 22` per region and once for the total under `linux`, as for Pss); otherwise they are left out, so output without swap is unchanged. When some region of the process is advised `hugepage` or maps a transparent huge page, an `AnonHugePages` column follows Anonymous: kB mapped by huge pages (2048 per huge page with 4 KiB pages; 0 once the process's mapping is split).",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .smaps(try a.process(), layout: try a.optionalWord().flatMap(SmapsLayout.init(rawValue:))) }),
        CommandSpec("draw", .inspecting, [[optional(P, optional(.argument(.process, "..."))), optional(word("to"), .argument(.path, "FILE"), optional(word("replace")))],
                                          [P, .argument(.newName, "REGION"), optional(word("to"), .argument(.path, "FILE"), optional(word("replace")))]],
                    summary: "Draws the textbook figure: processes as columns of page-table entries, arrows to the frames they map (shared, private, page cache, zero page); `to FILE.svg` or `FILE.dot` writes it as SVG or Graphviz.",
                    example: "draw\ndraw shell ls\ndraw ls heap\ndraw shell ls to fork.svg\ndraw to machine.dot replace",
                    details: """
                        `draw [P ...]` draws the processes named (default: every live process; a vfork child is drawn as the parent whose address space it borrows) as the textbook figure of copy-on-write. Each process is a column of page-table entries collapsed into runs (`heap 0x11000 15p C`: region, first address, pages, and `C` copy-on-write, `W` writable or `R` read-only); the physical frames they map are a column on the right, in runs of consecutive frames of one kind and mapcount (`= 41-55 x2 anonymous`). Each row is one frame run: every process mapping it shows its entry run on that row, and a line of dashes runs to the frames, so entries on one row share those frames. Kinds have a symbol and, on a colour terminal, a colour: `#` private (anonymous memory mapped once, such as a copy made on write), `=` shared anonymous memory (`xN`: the mapcount), `~` page cache (file pages), `0` the zero page, `@` swap slots: entries of pages in swap are marked `S` and point at their slot, after the frames (`@ slot 0 x2`, xN: the swap count), so a page shared by copy-on-write and swapped out is one slot with an arrow from each process. The picture fits the terminal's width (else `$COLUMNS`, else 80 columns): it shortens region names, then leaves out addresses, then processes, and shows at most 60 rows; a `left out:` line says what it left out.

                        `draw P REGION` zooms into one region of P: every page its own row, with the entries of the other processes that map the same frames.

                        `draw ... to FILE.svg` writes a standalone SVG of the same picture (the processes either side of physical memory, an arrow per entry run, a legend; large type for projecting); `draw ... to FILE.dot` writes Graphviz DOT (`dot -Tpng FILE.dot -o FILE.png` renders it). The file is written whole or not at all, and an existing file is only replaced with `replace`, as for `save`. A process called `to` is written `"to"`.
                        """,
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseDraw(k) }),
        CommandSpec("stats", .inspecting, [[]],
                    summary: "Machine-wide counters: frames, faults, copies, what sharing saves.",
                    example: "stats",
                    details: "`stats` prints machine-wide counters; with swap configured, a `swap` line too (slots used of those configured, pages written to swap and read back). With `--json`, `dump`, `smaps` and `stats` print JSON with a fixed key order.",
                    parse: .constant(.stats)),
        CommandSpec("check", .inspecting, [[]],
                    summary: "Verifies the engine's invariants (mapcounts, reverse map, no leaked frame).",
                    example: "check",
                    details: "`check` verifies the engine's invariants.",
                    parse: .constant(.check)),
        // MARK: scripting
        CommandSpec("echo", .scripting, [[.argument(.string, "\"TEXT {EXPR}\"")], [.argument(.expression, "EXPR")], []],
                    summary: "Prints a line; {expr} inside the string is replaced by its value.",
                    example: "echo \"ls has {rss(ls)} resident pages, Pss {pss(ls)}\"",
                    details: "`echo \"TEXT\"` prints a line with `{expr}` replaced by values; `echo EXPR` prints a value.",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseEcho(k) }),
        CommandSpec("let", .scripting, [[.argument(.newName, "NAME"), .symbol("="), .argument(.expression, "EXPR")]],
                    summary: "Sets a variable, usable wherever a number is.",
                    example: "let n = 3\nlet base = 0x10000\nwrite ls (base + n * page_size) 1",
                    details: "`let NAME = EXPR` sets a variable, usable wherever a number goes (a variable cannot take the name of a function without arguments, such as `page_size`).",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseLet(k) }),
        CommandSpec("expect", .scripting, [[.argument(.expression, "CONDITION", what: "a condition")]],
                    summary: "An assertion: when false, the script fails showing each side's value.",
                    example: "expect rss(ls) == 16 and copies(ls) >= 1\nexpect frame(ls, 0x20000) == none",
                    details: "`expect CONDITION` asserts: when it is false the script fails, showing the failing part and the value of each side.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .expect(try a.expression()) }),
        CommandSpec("expect-error", .scripting, [[optional(.argument(.string, "\"TEXT\"")), .argument(.command, "COMMAND")]],
                    summary: "The command must fail (with an error containing TEXT); the error is shown and the script goes on.",
                    example: "expect-error \"out of memory\" fork big as copy\nexpect-error map shell anon 0x10000 pages 4",
                    details: "`expect-error [\"TEXT\"] COMMAND` runs a command that must fail (with an error message containing TEXT); its error is printed as ordinary output and the script goes on. If the command succeeds, that is the error.",
                    parse: .block { (p: inout Parser) throws(Diagnostic) in try p.parseExpectError() }),
        CommandSpec("ask", .scripting, [[.argument(.string, "\"QUESTION\""), .argument(.expression, "EXPR"),
                                         .clauses([[word("choices"), .argument(.strings, "\"A\" \"B\" ...")], [word("points"), N],
                                                   [word("hint"), .argument(.string, "\"TEXT\"")]])]],
                    summary: "A homework question whose answer is EXPR's value at this point (hidden in a plain run): a number or none, a condition (yes/no), text, or one of the choices.",
                    example: """
                        ask "How many frames does ls own alone?" uss(ls) points 2 hint "count the pages ls copied"
                        ask "What is the Pss of ls, in pages?" pss(ls)
                        ask "Does ls still share its heap with the shell?" mapcount(ls, 0x10000) == 2
                        ask "Which process wrote first (a name)?" "ls"
                        ask "What did the write cost?" "one page copy" choices "nothing" "one page copy" "a copy of the heap" points 2
                        """,
                    details: """
                        `ask "QUESTION" EXPR [choices "A" "B" ...] [points N] [hint "TEXT"]` asks a homework question
                        whose answer is EXPR's value at that point. The value decides the kind of question:

                        - a number (a fraction such as 64/3 too) or `none`: a **numeric** question;
                        - a condition (`true`/`false`, e.g. `value(a, 0x1000) == 7`): a **yes/no** question, answered
                          `yes`/`y`/`true` or `no`/`n`/`false` (any case);
                        - text (`"parent"`): a **text** question, compared ignoring case and extra blanks;
                        - with `choices "A" "B" ...` (2 to 26 quoted, interpolated choices): a **multiple-choice**
                          question; EXPR must be the text of one of the choices. The choices are shown lettered
                          `a) A`, `b) B`... under the question; students answer with the letter (`b` or `b)`), the
                          choice's text, or both as shown (`b) B`), ignoring case and extra blanks.

                        A plain run prints `Q1 (2 points): QUESTION` (and the lettered choices) and keeps the answer
                        hidden; `cowsim quiz` asks it and grades the answer, `cowsim solve` prints it with its answer
                        and the state that explains it (see "Homework and tests"). Points default to 1 (0 to
                        1,000,000); the hint is shown after a wrong answer.
                        """,
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseAsk(k) }),
        CommandSpec("repeat", .scripting, [[N, optional(word("as"), .argument(.newName, "VAR")), .argument(.block, "... end")]],
                    summary: "Runs the block N times; VAR counts 0, 1, ..., N-1.",
                    example: "repeat 4 as i\n  fork zygote as \"app{i}\"\n  write \"app{i}\" 0x10000 i\nend",
                    details: "`repeat N [as VAR] ... end` runs a block N times, VAR counting 0, 1, ..., N-1. Blocks and the `quiet`/`show`/`expect-error` prefixes nest at most 64 deep in a file (256 counting sourced files), and `source` at most 16 deep; past a limit the script stops (even with `--keep-going` or inside `expect-error`).\n\n**Step budget.** A run (a script, a `-c` argument, a REPL line) may take at most 1,000,000,000 steps (10^9) by default: a step is one repetition of a `repeat` body plus one per command in that body, so `repeat 0x7ffffffff000` or 64 nested `repeat 2` stop with an error (\"step budget exhausted\") instead of running for weeks. The limit stops the run like a nesting limit does; `set steps N` or `cowsim --steps N` raises (or lowers) it. Ctrl-C stops a `repeat` at any nesting depth. A failed `expect` inside a `repeat` names the repetition and the loop variable's value (`note: i = 3 (in repetition 4 of 10 of the repeat at line 2)`), and an error inside a sourced file adds a note per `source` command it ran under (`note: sourced from main.cow:3`).",
                    parse: .block { (p: inout Parser) throws(Diagnostic) in try p.parseRepeat() }),
        CommandSpec("quiet", .scripting, [[.argument(.command, "COMMAND")], [.argument(.block, "... end")]],
                    summary: "Runs without printing output (errors and questions still show).",
                    example: "quiet read shell 0x10000 pages 16",
                    details: "`quiet CMD` or `quiet ... end` runs without output (errors and questions still show).",
                    parse: .block { (p: inout Parser) throws(Diagnostic) in try p.parseQuietOrShow(show: false) }),
        CommandSpec("show", .scripting, [[.argument(.command, "COMMAND")], [.argument(.block, "... end")]],
                    summary: "Turns output back on inside a quiet block.",
                    example: "quiet\n  write shell 0x10000 pages 16 1\n  show dump shell\nend",
                    details: "`show CMD` or `show ... end` turns output back on inside a quiet block.",
                    parse: .block { (p: inout Parser) throws(Diagnostic) in try p.parseQuietOrShow(show: true) }),
        CommandSpec("source", .scripting, [[.argument(.path, "FILE")]],
                    summary: "Runs another script (a relative path is taken from this script's directory).",
                    example: "source setup.cow",
                    details: "`source FILE` runs another script (relative paths are taken from the current script's directory).",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in 
                        let (path, span) = try a.path()
                        return .source(path: path, span: span)
                    }),
        CommandSpec("save", .scripting, [[.argument(.path, "FILE"), optional(word("replace"))]],
                    summary: "Writes the session's successful commands as a script that replays the same state. An existing FILE is only replaced with `replace`.",
                    example: "save session.cow",
                    details: "`save FILE` writes the session's successful commands as a script that rebuilds the same state (`source` is replaced by the commands it ran). It never replaces an existing file unless asked: `save FILE replace` does. The file is written whole or not at all (a temporary file in the same folder, renamed over the target once every byte is written; a full disk is an error and the old file is untouched). A block that failed (or was stopped with Ctrl-C) part-way is not saved, although the commands it ran before failing did change the machine; `save` then adds a note that the saved script may not rebuild the same state.",
                    parse: .pattern { (a: inout Arguments) throws(Diagnostic) in 
                        let (path, span) = try a.path()
                        return .save(path: path, span: span, replace: try a.flag())
                    }),
        CommandSpec("help", .scripting, [[optional(.alternatives([[.argument(.topic, "COMMAND")], [word("functions")], [word("all")]]))]],
                    summary: "Lists the commands, or explains one with an example.",
                    example: "help fork\nhelp functions",
                    details: "`help` lists the commands by group (it fits a 24-line screen), `help all` with their usage, `help COMMAND` explains a command with an example, `help functions` lists the functions.",
                    parse: .special { (p: inout Parser, k: Lexeme) throws(Diagnostic) in try p.parseHelp(k) }),
        CommandSpec("quit", .scripting, [[]],
                    summary: "Leaves the REPL (in a script: stops it successfully).",
                    example: "quit",
                    details: "`quit` (or `exit` alone) ends the REPL; in a script it stops it successfully.",
                    parse: .constant(.quit)),
    ]

    /// Every command word, in table order.
    public static let names: [String] = all.map(\.name)

    /// The entries by name.
    private static let byName: [String: CommandSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// A command's entry.
    public static func spec(_ name: String) -> CommandSpec? { byName[name] }

    /// Commands that take a file path (`source`, `save`): where the REPL may offer file names.
    public static let pathCommands: Set<String> = Set(all.filter { spec in
        spec.forms.contains { form in
            form.contains { if case .argument(.path, _, _) = $0 { return true } else { return false } }
        }
    }.map(\.name))

    /// Commands that run the command written after them (`quiet CMD`, `show CMD`,
    /// `expect-error ["TEXT"] CMD`), each with the pieces of its form that come before that
    /// command (Tab completion skips them to complete the inner command).
    public static let prefixes: [String: [Syntax]] = {
        var result: [String: [Syntax]] = [:]
        for spec in all {
            for form in spec.forms {
                guard let k = form.firstIndex(where: { if case .argument(.command, _, _) = $0 { return true } else { return false } }) else { continue }
                result[spec.name] = Array(form[..<k])
            }
        }
        return result
    }()

    /// The words that start a statement but are not commands of the table (`end`).
    public static let blockWords = ["end"]
}

extension Diagnostic {
    /// The diagnostic with the forms `spec` accepts as notes (`usage: fork P [as NAME]`), so a
    /// syntax error says what was expected as the table declares it. When the word after the
    /// command (`selector`) starts some forms with that keyword (`set policy ...`), only those
    /// are shown.
    func addingUsage(of spec: CommandSpec, after selector: String? = nil) -> Diagnostic {
        var copy = self
        var usages = spec.usages
        if let selector {
            let chosen = spec.forms.indices.filter { i in
                if case .word(let w, let aliases)? = spec.forms[i].first { return w == selector || aliases.contains(selector) }
                return false
            }
            if !chosen.isEmpty { usages = chosen.map { spec.usages[$0] } }
        }
        for (k, usage) in usages.enumerated() {
            copy.notes.append((k == 0 ? "usage: " : "   or: ") + usage)
        }
        return copy
    }
}
