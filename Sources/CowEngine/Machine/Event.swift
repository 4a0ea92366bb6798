/// What happened during an operation, in order, for the language to render (it looks names up
/// by pid). Recorded only while `Machine.recordsEvents` is true.
public enum Event: Equatable, Sendable {
    /// A fresh zero-filled frame was allocated for an anonymous (or shmem) page.
    case demandZero(pid: PID, vpn: Int, frame: Int)
    /// A read of untouched private anonymous memory mapped the shared zero page.
    case zeroPageMapped(pid: PID, vpn: Int)
    /// A file page was found in (major: false) or read into (major: true) the page cache;
    /// `mappedPages` counts the pages this one fault mapped (fault-around), 0 if only copied.
    case fileRead(pid: PID, vpn: Int, frame: Int, major: Bool, mappedPages: Int)
    /// A fault on a shared mapping found the frame already there (shmem page made by another mapper).
    case sharedMapped(pid: PID, vpn: Int, frame: Int)
    /// A write to a clean shared file page mapped read-only (write notification): made writable
    /// and dirty, no copy.
    case writeNotified(pid: PID, vpn: Int, frame: Int)
    /// A write to a copy-on-write page copied frame `from` into the new frame `to`.
    case copyOnWrite(pid: PID, vpn: Int, from: Int, to: Int)
    /// A write to a copy-on-write page whose frame nobody else maps: made writable, no copy.
    case copyOnWriteReuse(pid: PID, vpn: Int, frame: Int)
    /// The process got SIGSEGV and was killed.
    case segfault(pid: PID, vpn: Int, reason: SegfaultReason)
    /// A fault needed a frame and none was free: the process was killed.
    case outOfMemory(pid: PID, vpn: Int)
    /// An access to a page of a file mapping wholly past the end of file `file` (rule 15): the
    /// process got SIGBUS and was killed.
    case busError(pid: PID, vpn: Int, file: FileID)
    /// A major fault read pages `first ..< first + pages` of file `file` in one I/O (readahead,
    /// rule 14); `read` of them were not cached before (the rest already were). Recorded just
    /// before the fault's own `fileRead` event.
    case readAhead(pid: PID, file: FileID, first: Int, pages: Int, read: Int)
    /// A fault in a region advised `hugepage` mapped the whole 512-page block starting at `vpn`
    /// as one transparent huge page (rule 17): frames `frame ..< frame + pages`, one fault.
    case hugePageMapped(pid: PID, vpn: Int, frame: Int, pages: Int)
    /// The huge mapping of the block starting at `vpn` was split into ordinary page-table
    /// entries (a copy-on-write fault on it, or munmap / mprotect / madvise / mremap of part of
    /// it, or reclaim); the entries and frames stay as they were.
    case hugePageSplit(pid: PID, vpn: Int)
    /// A process was created with an empty address space.
    case spawned(pid: PID)
    /// A fork (or vfork) made `child`; counts what was duplicated. `tablePages`: the child's
    /// page-table pages below the top (what fork allocated under the regions it copied), given
    /// only once the script chose a page-table layout (nil otherwise, so old output stays).
    /// `tablesShared`: under on-demand fork, the leaf tables the child shares with the parent
    /// (then `tablePages` counts the tables fork allocated for the child: upper levels and the
    /// leaf tables it could not share).
    case forked(parent: PID, child: PID, entriesCopied: Int, framesCopied: Int, vfork: Bool, tablePages: Int? = nil,
                tablesShared: Int? = nil)
    /// On-demand fork: a write (or a fault filling an entry) under a shared leaf table copied it
    /// for `pid`; `table` is the new table page's id.
    case pageTableCopied(pid: PID, vpn: Int, table: Int)
    /// The process replaced its address space.
    case execed(pid: PID, framesFreed: Int)
    /// The process exited and its mappings were torn down.
    case exited(pid: PID, framesFreed: Int)
    /// A vfork parent got its address space back and runs again.
    case resumed(pid: PID)
    /// Memory was full (swap configured): frame `frame` was reclaimed. `page` says what it held
    /// and where it went; `entries` page-table entries mapped it (now swap entries, or empty
    /// for a dropped page-cache page); `why` is the replacement policy's reason for choosing it.
    case reclaimed(frame: Int, page: ReclaimedPage, entries: Int, why: String)
    /// A fault found a swap entry: slot `slot` was read into `frame` (major), or its page was
    /// found in the swap cache (minor). `slotFreed` when that was the slot's last swap entry.
    case swappedIn(pid: PID, vpn: Int, slot: Int, frame: Int, major: Bool, slotFreed: Bool)
    /// Memory and swap were both full when `pid` faulted at `vpn`: the out-of-memory killer
    /// killed `victim`, the process with the largest `score`.
    case oomKilled(victim: PID, score: OOMScore, pid: PID, vpn: Int)
    /// `entries` TLB entries were invalidated because of `cause` (only with a TLB, `config tlb
    /// N`): of process `pid`, or of every process mapping the pages (nil: a shootdown).
    case tlbInvalidated(pid: PID?, entries: Int, cause: TLBCause)
}

/// What made TLB entries stale.
public enum TLBCause: String, Equatable, Sendable {
    /// Fork write-protected the parent's private writable pages.
    case fork
    /// munmap.
    case unmap
    /// mprotect.
    case protect
    /// madvise dontneed / free.
    case madvise
    /// mremap moved the pages.
    case mremap
    /// truncate removed the pages past the new end from every mapping.
    case truncate
    /// Writeback (fsync, sync, msync) made clean shared pages read-only again.
    case writeback
    /// Reclaim took the frame from every mapping.
    case reclaim
}

/// What a reclaimed frame held and where its page went.
public enum ReclaimedPage: Equatable, Sendable {
    /// An anonymous page now in swap slot `slot`: written there (`written`), or already there
    /// because the frame was the slot's swap-cache copy (nothing to write).
    case swappedOut(slot: Int, written: Bool)
    /// Page `page` of file `file` left the page cache, written back first if it was dirty.
    case dropped(file: FileID, page: Int, writtenBack: Bool)
}

/// How the out-of-memory killer ranks a process (Linux `oom_badness`, without oom_score_adj):
/// resident pages + swap entries + page-table pages of its address space.
public struct OOMScore: Equatable, Sendable {
    /// Resident pages (present entries, the zero page not counted).
    public var rss: Int
    /// Swap entries.
    public var swap: Int
    /// Page-table pages below the top level (0 unless a page-table layout was chosen).
    public var pageTables: Int
    /// The score: their sum.
    public var points: Int { rss + swap + pageTables }
    /// A score, for building expectations.
    public init(rss: Int, swap: Int, pageTables: Int) {
        self.rss = rss
        self.swap = swap
        self.pageTables = pageTables
    }
}

/// The result of an access: the value read/written, or the kill it caused.
public enum AccessOutcome: Equatable, Sendable {
    /// The access succeeded: the value read, or the value written.
    case value(Int64)
    /// The access killed the process.
    case killed(Kill)
}
