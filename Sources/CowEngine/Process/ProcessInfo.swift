/// Where a process is in its life.
public enum ProcessState: Equatable, Sendable, CustomStringConvertible {
    /// Can do anything.
    case running
    /// Parent of a live vfork child: it waits until the child exits or execs.
    case suspended(child: PID)
    /// Called exit; its mappings are gone.
    case exited
    /// Killed by SIGSEGV, SIGBUS or the out-of-memory killer.
    case killed(Kill)

    /// True while the process still exists (running or waiting for a vfork child).
    public var isAlive: Bool {
        switch self {
        case .running, .suspended: return true
        case .exited, .killed: return false
        }
    }

    /// "running", "exited", "killed (SIGSEGV at page 16: unmapped)"...
    public var description: String {
        switch self {
        case .running: return "running"
        case .suspended(let child): return "suspended (waiting for vfork child \(child))"
        case .exited: return "exited"
        case .killed(let kill): return "killed (\(kill))"
        }
    }
}

/// Why a process was killed.
public enum Kill: Equatable, Sendable, CustomStringConvertible {
    /// SIGSEGV at page `vpn`.
    case segfault(vpn: Int, SegfaultReason)
    /// A fault at page `vpn` needed a frame and none was free.
    case outOfMemory(vpn: Int)
    /// Chosen by the out-of-memory killer when process `pid` faulted at page `vpn` with memory
    /// and swap both full (a fault of its own is `outOfMemory`).
    case oomVictim(pid: PID, vpn: Int)
    /// SIGBUS at page `vpn`: a file mapping's page lies wholly past the end of its file (rule 15).
    case busError(vpn: Int)

    /// "SIGSEGV at page 16: unmapped", "out of memory at page 3".
    public var description: String {
        switch self {
        case .segfault(let vpn, let reason): return "SIGSEGV at page \(vpn): \(reason.rawValue)"
        case .outOfMemory(let vpn): return "out of memory at page \(vpn)"
        case .oomVictim(let pid, let vpn): return "chosen by the out-of-memory killer when pid \(pid) faulted at page \(vpn)"
        case .busError(let vpn): return "SIGBUS at page \(vpn): past the end of the file"
        }
    }
}

/// What the access did wrong, as the SIGSEGV explanation.
public enum SegfaultReason: String, Sendable {
    /// No region covers the page.
    case unmapped
    /// A write to a region without write permission.
    case writeToReadOnly = "write to read-only"
    /// A read of a region with no permissions at all (PROT_NONE).
    case readOfNoAccess = "read of no-access"
}

/// Cumulative per-process counts, like getrusage plus COW statistics.
public struct ProcessCounters: Equatable, Sendable {
    /// Faults served from memory (zero page, new frame, page cache hit, COW).
    public var minorFaults: Int
    /// Faults that read a page from disk.
    public var majorFaults: Int
    /// Copy-on-write copies (including private copies of file pages).
    public var copies: Int
    /// Copy-on-write faults that reused the frame (sole mapper).
    public var reuses: Int
    /// All faults, as getrusage's ru_minflt + ru_majflt.
    public var faults: Int { minorFaults + majorFaults }
    /// Accesses the TLB answered (0 without a TLB, `config tlb N`).
    public var tlbHits = 0
    /// Accesses the TLB could not answer (no entry, or a write to a read-only entry): page walks.
    public var tlbMisses = 0
    /// Entries of this address space's TLB dropped because what they cached changed (fork
    /// write-protection, copy-on-write, unmap, mprotect, madvise, mremap, truncate, reclaim...).
    public var tlbInvalidations = 0

    /// Counters with given values (all zero by default).
    public init(minorFaults: Int = 0, majorFaults: Int = 0, copies: Int = 0, reuses: Int = 0) {
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
        self.copies = copies
        self.reuses = reuses
    }

    /// Sum of two counters, for machine-wide totals.
    static func + (a: ProcessCounters, b: ProcessCounters) -> ProcessCounters {
        ProcessCounters(minorFaults: a.minorFaults + b.minorFaults, majorFaults: a.majorFaults + b.majorFaults,
                        copies: a.copies + b.copies, reuses: a.reuses + b.reuses)
            .withTLB(hits: a.tlbHits + b.tlbHits, misses: a.tlbMisses + b.tlbMisses,
                     invalidations: a.tlbInvalidations + b.tlbInvalidations)
    }

    /// The same counters with these TLB figures.
    func withTLB(hits: Int, misses: Int, invalidations: Int) -> ProcessCounters {
        var c = self
        c.tlbHits = hits
        c.tlbMisses = misses
        c.tlbInvalidations = invalidations
        return c
    }
}

/// A snapshot of one process for display.
public struct ProcessInfo: Equatable, Sendable {
    /// Process id.
    public var pid: PID
    /// Unique among live processes.
    public var name: String
    /// The forking process, nil for spawned ones.
    public var parent: PID?
    /// Where the process is in its life.
    public var state: ProcessState
    /// Regions sorted by start; for a vfork child, the borrowed regions of its parent. A view
    /// of the engine's own region array, so a snapshot costs O(1) however many regions there are.
    public var regions: RegionList
    /// Faults and copy-on-write work done by this process.
    public var counters: ProcessCounters
    /// For a vfork child: the pid whose address space it uses.
    public var borrowsFrom: PID?
    /// True while running or suspended.
    public var isAlive: Bool { state.isAlive }
}

/// The regions of an address space, in address order: a read-only view sharing the engine's
/// storage (copy-on-write), so handing it out costs nothing.
public struct RegionList: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    let records: OrderedTree<RegionRecord>

    init(_ records: OrderedTree<RegionRecord>) { self.records = records }

    /// A list of plain regions (for building expectations).
    public init(arrayLiteral regions: Region...) {
        records = OrderedTree(regions.map { RegionRecord(info: $0, entries: [], source: .privateAnonymous, objectOffset: 0) })
    }

    /// In address order, O(1) amortised per region.
    public struct Iterator: IteratorProtocol {
        var base: OrderedTree<RegionRecord>.Iterator
        public mutating func next() -> Region? { base.next()?.info }
    }

    public func makeIterator() -> Iterator { Iterator(base: records.makeIterator()) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }
    public subscript(position: Int) -> Region { records[position].info }

    public static func == (a: RegionList, b: RegionList) -> Bool { a.elementsEqual(b) }

    /// Index of the region containing `vpn`, by binary search; nil in a hole.
    public func index(containing vpn: Int) -> Int? { Machine.regionIndex(in: records, vpn) }
}
