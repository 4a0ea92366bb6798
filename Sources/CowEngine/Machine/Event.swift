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
    /// A process was created with an empty address space.
    case spawned(pid: PID)
    /// A fork (or vfork) made `child`; counts what was duplicated.
    case forked(parent: PID, child: PID, entriesCopied: Int, framesCopied: Int, vfork: Bool)
    /// The process replaced its address space.
    case execed(pid: PID, framesFreed: Int)
    /// The process exited and its mappings were torn down.
    case exited(pid: PID, framesFreed: Int)
    /// A vfork parent got its address space back and runs again.
    case resumed(pid: PID)
}

/// The result of an access: the value read/written, or the kill it caused.
public enum AccessOutcome: Equatable, Sendable {
    /// The access succeeded: the value read, or the value written.
    case value(Int64)
    /// The access killed the process.
    case killed(Kill)
}
