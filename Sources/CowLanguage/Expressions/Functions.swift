/// The functions expressions can call, with their documentation (help, completion and Grammar.md
/// come from this one table).
public struct FunctionSpec: Sendable {
    /// The name (`rss`).
    public var name: String
    /// The arguments as shown in help (`P [, REGION]`).
    public var arguments: String
    /// What it returns.
    public var summary: String
    /// Which group help lists it under.
    public var group: String

    /// The signature as written in a call: `rss(P [, REGION])`.
    public var signature: String { arguments.isEmpty ? name : "\(name)(\(arguments))" }
}

/// The function table.
public enum FunctionCatalog {
    /// Usage functions: the smaps figures, in pages (Pss exact).
    public static let usageNames = ["rss", "pss", "uss", "shared_clean", "shared_dirty", "private_clean", "private_dirty", "anonymous", "size",
                                    "swap", "swap_pss", "pss_dirty", "locked",
                                    "anon_huge_pages"]
    /// Per-process counters.
    public static let counterNames = ["faults", "minor_faults", "major_faults", "copies", "reuses", "tlb_hits", "tlb_misses", "tlb_invalidations"]

    /// Every function, in help order.
    public static let all: [FunctionSpec] = [
        FunctionSpec(name: "rss", arguments: "P [, REGION]", summary: "resident pages (present, not the zero page)", group: "memory"),
        FunctionSpec(name: "pss", arguments: "P [, REGION]", summary: "proportional set size in pages, exact (64/3 stays 64/3)", group: "memory"),
        FunctionSpec(name: "uss", arguments: "P [, REGION]", summary: "pages mapped by this process alone", group: "memory"),
        FunctionSpec(name: "shared_clean", arguments: "P [, REGION]", summary: "pages in Shared_Clean", group: "memory"),
        FunctionSpec(name: "shared_dirty", arguments: "P [, REGION]", summary: "pages in Shared_Dirty", group: "memory"),
        FunctionSpec(name: "private_clean", arguments: "P [, REGION]", summary: "pages in Private_Clean", group: "memory"),
        FunctionSpec(name: "private_dirty", arguments: "P [, REGION]", summary: "pages in Private_Dirty", group: "memory"),
        FunctionSpec(name: "anonymous", arguments: "P [, REGION]", summary: "pages in Anonymous", group: "memory"),
        FunctionSpec(name: "size", arguments: "P [, REGION]", summary: "mapped pages (smaps Size), present or not", group: "memory"),
        FunctionSpec(name: "swap", arguments: "P [, REGION]", summary: "pages in swap (swap entries; smaps Swap)", group: "memory"),
        FunctionSpec(name: "swap_pss", arguments: "P [, REGION]", summary: "proportional swap in pages, exact: each swap entry counts 1 / its slot's swap count (smaps SwapPss)", group: "memory"),
        FunctionSpec(name: "pss_dirty", arguments: "P [, REGION]", summary: "Pss of the dirty pages in pages, exact (smaps_rollup Pss_Dirty, which prints it in kB in fixed point)", group: "memory"),
        FunctionSpec(name: "locked", arguments: "P [, REGION]", summary: "Pss of the mlock'd regions in pages, exact (smaps Locked, the kernel's pss_locked)", group: "memory"),
        FunctionSpec(name: "anon_huge_pages", arguments: "P [, REGION]", summary: "kB (not pages) mapped by transparent huge pages, as smaps AnonHugePages: 2048 per huge page (4 KiB pages)", group: "memory"),
        FunctionSpec(name: "faults", arguments: "P", summary: "page faults taken (minor + major)", group: "counters"),
        FunctionSpec(name: "minor_faults", arguments: "P", summary: "minor faults taken", group: "counters"),
        FunctionSpec(name: "major_faults", arguments: "P", summary: "major faults (page read from disk)", group: "counters"),
        FunctionSpec(name: "copies", arguments: "P", summary: "copy-on-write copies made", group: "counters"),
        FunctionSpec(name: "reuses", arguments: "P", summary: "copy-on-write faults that kept the frame (sole user)", group: "counters"),
        FunctionSpec(name: "tlb_hits", arguments: "P", summary: "accesses the TLB answered (0 without a TLB, `config tlb N`)", group: "counters"),
        FunctionSpec(name: "tlb_misses", arguments: "P", summary: "accesses the TLB did not answer (no entry, or a write to a read-only entry): page-table walks", group: "counters"),
        FunctionSpec(name: "tlb_invalidations", arguments: "P", summary: "TLB entries of the process's address space invalidated because what they cached changed (fork, copy-on-write, unmap, protect, advise, mremap, truncate, writeback, reclaim)", group: "counters"),
        FunctionSpec(name: "frame", arguments: "P, ADDR", summary: "frame number mapped at ADDR, `none` if no page is present", group: "pages"),
        FunctionSpec(name: "mapcount", arguments: "P, ADDR", summary: "how many page-table entries map the frame at ADDR (0 if none)", group: "pages"),
        FunctionSpec(name: "exclusive", arguments: "P, ADDR", summary: "true when the page at ADDR is an anonymous page marked exclusive (rule 10: got by a fault of this process, not shared by a fork since; `dump` flag E)", group: "pages"),
        FunctionSpec(name: "value", arguments: "P, ADDR", summary: "value stored in the page at ADDR (0 for the zero page), `none` if not present; does not fault", group: "pages"),
        FunctionSpec(name: "table", arguments: "P, ADDR, LEVEL", summary: "the table page the walk of ADDR reads at LEVEL (0 = the top), by its number (2 for `T2`, as `translate` and `dump P tables` name it); `none` if the walk stops above that level", group: "pages"),
        FunctionSpec(name: "fault", arguments: "P, ADDR [, read|write]", summary: "the fault the access would take, as `translate` says, without taking it: \"no region\" or \"protection\" (SIGSEGV), \"not present\", \"shared table\" (on-demand fork), \"copy-on-write\", \"zero page\", \"write notification\", \"write-protected\"; `none` if it would reach its frame (a read unless `write`)", group: "pages"),
        FunctionSpec(name: "alive", arguments: "P", summary: "true while the process has not exited or been killed", group: "pages"),
        FunctionSpec(name: "pid", arguments: "P", summary: "the process id", group: "pages"),
        FunctionSpec(name: "signal", arguments: "P", summary: "the signal that killed the process: \"SIGSEGV\", \"SIGBUS\" or \"SIGKILL\" (out of memory); `none` while alive or after exit", group: "pages"),
        FunctionSpec(name: "cached", arguments: "FILE", summary: "pages of the file in the page cache", group: "machine"),
        FunctionSpec(name: "frames_used", arguments: "", summary: "frames in use (the zero page excluded)", group: "machine"),
        FunctionSpec(name: "frames_free", arguments: "", summary: "free frames", group: "machine"),
        FunctionSpec(name: "frames_total", arguments: "", summary: "configured frames", group: "machine"),
        FunctionSpec(name: "frames_anonymous", arguments: "", summary: "frames holding anonymous memory", group: "machine"),
        FunctionSpec(name: "frames_page_cache", arguments: "", summary: "frames in the page cache (shared memory included)", group: "machine"),
        FunctionSpec(name: "zero_page", arguments: "", summary: "the frame number of the shared zero page (what frame() returns for it)", group: "machine"),
        FunctionSpec(name: "page_size", arguments: "", summary: "bytes per page", group: "machine"),
        FunctionSpec(name: "saved_by_sharing", arguments: "", summary: "frames sharing saves compared with private copies for everyone", group: "machine"),
        FunctionSpec(name: "swap_used", arguments: "", summary: "swap slots in use (each holds one page)", group: "machine"),
        FunctionSpec(name: "swap_total", arguments: "", summary: "swap slots configured (`config swap PAGES`; 0 = no swap)", group: "machine"),
        FunctionSpec(name: "pte_kb", arguments: "P", summary: "kB of page-table pages below the top level (/proc/PID/status VmPTE; x86_64: PUD, PMD and PTE pages)", group: "machine"),
        FunctionSpec(name: "shared_tables", arguments: "P", summary: "last-level page tables P shares with other processes now (set fork odf); each also counts in every sharer's pte_kb", group: "machine"),
        FunctionSpec(name: "page_tables", arguments: "", summary: "kB of page-table pages of all processes, top tables included (/proc/meminfo PageTables)", group: "machine"),
        FunctionSpec(name: "random", arguments: "A, B", summary: "a whole number from A to B inclusive, from the generator seeded by --seed", group: "numbers"),
        FunctionSpec(name: "choose", arguments: "X, Y, ...", summary: "one of its arguments, drawn by the seeded generator", group: "numbers"),
        FunctionSpec(name: "hex", arguments: "X", summary: "the text of a whole number X >= 0 in hexadecimal, as addresses are printed (`hex(4206596)` is \"0x403004\")", group: "numbers"),
        FunctionSpec(name: "min", arguments: "X, Y, ...", summary: "the smallest argument", group: "numbers"),
        FunctionSpec(name: "max", arguments: "X, Y, ...", summary: "the largest argument", group: "numbers"),
        FunctionSpec(name: "abs", arguments: "X", summary: "absolute value", group: "numbers"),
        FunctionSpec(name: "floor", arguments: "X", summary: "largest whole number not above X", group: "numbers"),
        FunctionSpec(name: "ceil", arguments: "X", summary: "smallest whole number not below X", group: "numbers"),
    ]

    /// The functions without arguments (written as bare names, like variables).
    public static let constantNames: Set<String> = Set(all.filter { $0.arguments.isEmpty }.map(\.name))

    /// All function names.
    public static let names: [String] = all.map(\.name)

    /// A function by name.
    public static func spec(_ name: String) -> FunctionSpec? { all.first { $0.name == name } }
}
