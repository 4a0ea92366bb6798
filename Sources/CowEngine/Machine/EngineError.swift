/// Why an operation was refused. Nothing changes in the machine when one is thrown, so a script
/// can report the error and carry on. (A SIGSEGV or out-of-memory kill during an access is not an
/// error: it is an `AccessOutcome` plus an `Event`, as on a real system.)
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No process has that pid.
    case noSuchProcess(PID)
    /// The process exited, was killed, or waits for a vfork child.
    case processNotRunning(PID, ProcessState)
    /// A live process already has that name.
    case duplicateProcessName(String)
    /// A file already has that name.
    case duplicateFileName(String)
    /// No file with that name or id.
    case noSuchFile(String)
    /// mapLibrary was given a plain file.
    case notALibrary(String)
    /// A range of zero pages.
    case emptyRange
    /// The new mapping would overlap region `region` of `pid` (the address-space owner).
    case overlaps(pid: PID, region: String)
    /// mprotect/madvise need the whole range mapped; `vpn` is the first hole.
    case notMapped(pid: PID, vpn: Int)
    /// offset + pages goes past the end of the file (`pages` is the file's size).
    case fileRangeBeyondEnd(file: String, pages: Int)
    /// Eager fork (or caching a file) needs more frames than are free; nothing was changed.
    case outOfMemory(needed: Int, free: Int)
    /// vpn + pages (or a page number) leaves the simulated address space.
    case addressOverflow
    /// A size, count or argument outside what the engine accepts; the message says which.
    case invalidArgument(String)
    /// A limit that protects the host (page-table entries, processes, file size) would be exceeded.
    case limitExceeded(String)
    /// The advice cannot apply to that region (Linux: EINVAL), e.g. wipeonfork on a file mapping.
    case adviceNotApplicable(region: String, advice: Advice)
    /// mremap's resize in place needs one whole region; the range at `vpn` lies in region
    /// `region` (of `pid`), which is [start, start + pages).
    case notWholeRegion(pid: PID, vpn: Int, region: String, start: Int, pages: Int)

    /// A sentence for a human, naming what was wrong.
    public var description: String {
        switch self {
        case .noSuchProcess(let pid): return "no process with pid \(pid)"
        case .processNotRunning(let pid, let state): return "process \(pid) is \(state) and cannot do that"
        case .duplicateProcessName(let name): return "a live process is already called \(name)"
        case .duplicateFileName(let name): return "a file called \(name) already exists"
        case .noSuchFile(let name): return "no file called \(name)"
        case .notALibrary(let name): return "\(name) is a plain file, not a library"
        case .emptyRange: return "the range is empty: give at least one page"
        case .overlaps(let pid, let region): return "region \(region) of process \(pid) overlaps the new mapping"
        case .notMapped(let pid, let vpn): return "page \(vpn) of process \(pid) is not mapped"
        case .fileRangeBeyondEnd(let file, let pages): return "the range goes past the end of \(file), which has \(pages) pages"
        case .outOfMemory(let needed, let free): return "out of memory: needs \(needed) free frames, only \(free) free; nothing was changed"
        case .addressOverflow: return "the address range leaves the address space"
        case .invalidArgument(let message): return message
        case .limitExceeded(let message): return message
        case .adviceNotApplicable(let region, let advice): return "advice \(advice.rawValue) does not apply to region \(region)"
        case .notWholeRegion(let pid, let vpn, let region, let start, let pages):
            return "mremap ... size resizes one whole region; the region \(region) of process \(pid) at page \(vpn) is pages \(start)..<\(start + pages)"
        }
    }
}
