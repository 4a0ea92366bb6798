// Reference strings (`trace P ADDR read|write LIST`): one process accesses pages in a given order,
// as OSTEP's paging-policy.py replays its address list. The driver precomputes, for every
// access, where the same page is accessed next, and hands it to OPT before the access.

/// What a trace did, in total.
public struct TraceSummary: Equatable, Sendable {
    /// Accesses made (fewer than asked when the process was killed: the killing access counts).
    public var accesses = 0
    /// Accesses that took no fault.
    public var hits = 0
    /// Accesses that took a fault (minor or major, or the one that killed the process): OSTEP's misses.
    public var misses = 0
    /// Of the misses, major faults (a page read back from swap or a file).
    public var majorFaults = 0
    /// Why the traced process died, if it did (at access `accesses`).
    public var killed: Kill?
    /// Pages reclaimed during the trace (by the policy's choice).
    public var evictions = 0
    /// Of those, how many have no event (past the `evictionEvents` limit).
    public var evictionsNotShown = 0

    public init() {}
}

/// One access of a trace, for `show trace` (OSTEP's `-c` lines).
public struct TraceStep: Sendable {
    /// Position in the trace, from 0.
    public var position: Int
    /// The page accessed, relative to the trace's base.
    public var page: Int
    /// No fault was taken.
    public var hit: Bool
    /// The fault was major.
    public var major: Bool
    /// The trace's pages in memory after the access, relative to the base, in the policy's order:
    /// the next to go first (FIFO: first in; LRU: least recently used; CLOCK: from the hand;
    /// OPT and RAND: in the order they came in, as OSTEP prints them; linux: the inactive list
    /// oldest first, then the active list).
    public var resident: [Int]
    /// For linux, where the active list starts in `resident` (nil for the other policies).
    public var activeFrom: Int?
    /// The trace's pages that left memory during the access.
    public var replaced: [Int]
    /// Totals so far, this access included.
    public var hits: Int
    public var misses: Int
}

extension Machine {
    /// The longest reference string a trace takes (a longer one is refused, not truncated): each
    /// reference costs 16 bytes while the trace runs.
    public static let maxTraceLength = 4_000_000

    /// Replays `pages` (page numbers relative to `base`, a virtual page) as accesses by `pid`, in
    /// order: writes (each page written holds its relative page number) or reads. OPT is given
    /// the position of each page's next access. Stops early when the process is killed. With
    /// `observe`, calls it after each access with the step (its `resident` list costs a walk of
    /// the tracked frames). The faults' own events (and swap-ins) are not kept (a million-access
    /// trace would otherwise print millions of lines); the first `evictionEvents` reclaim events
    /// are (they say which page went and why), kills and every other event too.
    public mutating func trace(_ pid: PID, base: Int, pages: [Int], write: Bool, evictionEvents: Int = 0,
                               observe: ((TraceStep) -> Void)? = nil) throws(EngineError) -> TraceSummary {
        guard pages.count <= Machine.maxTraceLength else {
            throw EngineError.invalidArgument("a trace takes at most \(Machine.maxTraceLength) references, got \(pages.count)")
        }
        try validateVPN(base)
        for page in pages {
            guard page >= 0 else { throw EngineError.invalidArgument("page number must not be negative, got \(page)") }
            let (vpn, overflow) = base.addingReportingOverflow(page)
            guard !overflow, vpn < vpnLimit else { throw EngineError.addressOverflow }
        }
        let i = try runningIndex(pid)
        let space = spaceIndex(i)
        let upcoming = Machine.nextUses(pages)
        var summary = TraceSummary()
        var pageOfFrame: [Int: Int] = [:]
        var before: [Int] = []
        var keptEvictions = 0
        setKnowsFuture(true)
        defer { setKnowsFuture(false) }
        for (t, page) in pages.enumerated() {
            setUpcomingUse(upcoming[t])
            let minor = procs[i].counters.minorFaults, major = procs[i].counters.majorFaults
            let vpn = base + page
            let outcome = write ? writePage(i, space, vpn, Int64(page)) : readPage(i, space, vpn)
            let majorNow = procs[i].counters.majorFaults - major
            // The access that kills the process faulted (SIGSEGV, SIGBUS, out of memory): a miss,
            // although no minor or major fault was counted for it.
            var hit = majorNow == 0 && procs[i].counters.minorFaults == minor
            if case .killed = outcome { hit = false }
            summary.accesses += 1
            if hit { summary.hits += 1 } else { summary.misses += 1 }
            summary.majorFaults += majorNow
            dropAccessEvents(keepingBelow: 4096, &keptEvictions, limit: evictionEvents, &summary)
            if case .killed(let kill) = outcome {
                summary.killed = kill
                break
            }
            if let observe {
                if let f = mappedFrame(space, vpn) { pageOfFrame[f] = page }
                let (resident, activeFrom) = tracePages(space, base: base, pageOfFrame: pageOfFrame)
                let now = Set(resident)
                let replaced = before.filter { !now.contains($0) }
                before = resident
                observe(TraceStep(position: t, page: page, hit: hit, major: majorNow > 0, resident: resident,
                                  activeFrom: activeFrom, replaced: replaced, hits: summary.hits, misses: summary.misses))
            }
        }
        dropAccessEvents(keepingBelow: 0, &keptEvictions, limit: evictionEvents, &summary)
        return summary
    }

    /// For each position of `pages`, the position of the next access to the same page (nil:
    /// none). One pass from the end with a dictionary of last-seen positions.
    static func nextUses(_ pages: [Int]) -> [Int?] {
        var next = [Int?](repeating: nil, count: pages.count)
        // Page numbers up to a bound proportional to the length (the usual case): an array of
        // last-seen positions instead of a dictionary (a hash per reference; issue 14).
        var highest = -1, lowest = 0
        for page in pages {
            if page > highest { highest = page }
            if page < lowest { lowest = page }
        }
        if lowest == 0, highest >= 0, highest < 2 * pages.count + (1 << 16) {
            var last = [Int](repeating: -1, count: highest + 1)
            for t in pages.indices.reversed() {
                let page = pages[t]
                if last[page] >= 0 { next[t] = last[page] }
                last[page] = t
            }
            return next
        }
        var seen: [Int: Int] = [:]
        seen.reserveCapacity(min(pages.count, 1 << 16))
        for t in pages.indices.reversed() {
            next[t] = seen.updateValue(t, forKey: pages[t])
        }
        return next
    }

    /// The frame `vpn` of address space `space` maps, if any (the zero page excluded).
    func mappedFrame(_ space: Int, _ vpn: Int) -> Int? {
        guard let r = regionIndex(space, vpn) else { return nil }
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        guard Packed.isPresent(e), Packed.frame(e) != frames.zeroFrame else { return nil }
        return Packed.frame(e)
    }

    /// The trace's resident pages in the policy's order (see `TraceStep.resident`).
    func tracePages(_ space: Int, base: Int, pageOfFrame: [Int: Int]) -> (pages: [Int], activeFrom: Int?) {
        let state = frames.replacement
        var order = state.isTracking ? state.evictionOrder() : residentFrames()
        if !state.isTracking || state.policy == .opt || state.policy == .rand {
            order.sort { state.isTracking ? state.stamp[$0] < state.stamp[$1] : $0 < $1 }
        }
        var pages: [Int] = []
        var activeFrom: Int?
        for f in order {
            if state.policy == .linux, activeFrom == nil, state.isTracking, state.list[f] == 2 { activeFrom = pages.count }
            guard let page = pageOfFrame[f], mappedFrame(space, base + page) == f else { continue }
            pages.append(page)
        }
        if state.policy == .linux && state.isTracking && activeFrom == nil { activeFrom = pages.count }
        return (pages, activeFrom)
    }

    /// Forgets the events that faults record on each access of a trace, once more than
    /// `pending` are waiting: kept are kills and every other event, and reclaim events until
    /// `kept` reaches `limit` (the others are counted in `summary`).
    mutating func dropAccessEvents(keepingBelow pending: Int, _ kept: inout Int, limit: Int, _ summary: inout TraceSummary) {
        guard events.recorded.count > pending else { return }
        var keep: [Event] = []
        for e in events.recorded {
            if case .reclaimed = e {
                summary.evictions += 1
                if kept < limit {
                    kept += 1
                    keep.append(e)
                } else {
                    summary.evictionsNotShown += 1
                }
            } else if !Machine.isAccessEvent(e) {
                keep.append(e)
            }
        }
        events.removeAll()
        for e in keep { events.append(e) }
    }

    /// Whether `event` is one a fault records for an ordinary access (not a kill, exit, fork,
    /// reclaim...).
    static func isAccessEvent(_ event: Event) -> Bool {
        switch event {
        case .demandZero, .zeroPageMapped, .fileRead, .sharedMapped, .writeNotified, .copyOnWrite, .copyOnWriteReuse,
             .swappedIn, .readAhead, .hugePageMapped, .hugePageSplit:
            return true
        default:
            return false
        }
    }
}

extension ReplacementState {
    /// The tracked frames, the next to go first: list order (FIFO, LRU), from the hand (CLOCK),
    /// inactive then active oldest first (linux), frame order (OPT, RAND).
    func evictionOrder() -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        switch policy {
        case .fifo, .lru:
            var f = head.1
            while f >= 0 { out.append(Int(f)); f = next[Int(f)] }
        case .clock:
            let start = hand >= 0 ? hand : head.1
            var f = start
            while f >= 0 {
                out.append(Int(f))
                f = next[Int(f)] >= 0 ? next[Int(f)] : head.1
                if f == start { break }
            }
        case .linux:
            for l: UInt8 in [1, 2, 3] {
                var f = headOf(l)
                while f >= 0 { out.append(Int(f)); f = next[Int(f)] }
            }
        case .opt, .rand:
            out = pool.map { Int($0) }.sorted()
        }
        return out
    }
}
