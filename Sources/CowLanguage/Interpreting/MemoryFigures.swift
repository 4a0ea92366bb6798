import CowEngine

/// What the figure functions (`rss`, `pss`, `frame`, `faults`, ...) and the `smaps` report read
/// of a machine: a narrow, read-only interface. The simulated `Machine` answers it; a kernel
/// backend (issue 12) can answer the same figures from real processes, and the language then
/// works unchanged on top of it.
public protocol MemoryFigures {
    /// Bytes per page.
    var pageSize: Int { get }
    /// Physical frames in all.
    var framesTotal: Int { get }
    /// The shared zero page's frame number.
    var zeroPageFrame: Int { get }
    /// Machine-wide counters.
    var stats: MachineStats { get }
    /// A process by name (the live one, else the latest).
    func process(named name: String) -> ProcessInfo?
    /// A process by pid.
    func process(_ pid: PID) -> ProcessInfo?
    /// /proc/PID/smaps figures of a process, or of one region of it.
    func usage(of pid: PID, region: String?) -> Usage?
    /// The figures of every region of a process, by region name (split parts summed), in one
    /// call: `smaps` of 65,530 regions must not ask 65,530 times.
    func usageByRegionName(of pid: PID) -> [String: Usage]?
    /// The page-table entry of a page, if it is mapped.
    func entry(_ pid: PID, vpn: Int) -> PageTableEntry?
    /// A frame's state.
    func frame(_ number: Int) -> FrameInfo?
    /// Whether a frame is an anonymous page marked exclusive (rule 10; `exclusive()`).
    func isExclusive(frame: Int) -> Bool
    /// Whether smaps prints Pss in kB in fixed point, as Linux does (conformance rule 8: the
    /// `linux` profile), rather than the exact Pss truncated per region (`textbook`).
    var smapsPssIsFixedPoint: Bool { get }
    /// Why the figure function `figure` (`frame`, `rss`, ...) cannot be answered, for process
    /// `pid` when it is about one: a sentence such as "frame() needs root"; nil when it can.
    /// The simulator answers everything; a kernel backend may not (page frames without root).
    func unavailable(_ figure: String, of pid: PID?) -> String?
    /// A file or library by name, with how many of its pages are in the page cache (`cached()`).
    func file(named name: String) -> FileInfo?
    /// Every file and library, by creation order.
    var files: [FileInfo] { get }
    /// Bytes of page-table pages below the top level of process `pid` (VmPTE); nil: unknown.
    func pageTableBytes(of pid: PID) -> Int?
    /// Bytes of every page-table page, top tables included (PageTables); nil: unknown.
    var pageTableBytesTotal: Int? { get }
    /// Leaf page tables process `pid` shares with others now (on-demand fork); nil: unknown.
    func sharedPageTables(of pid: PID) -> Int?
}

extension MemoryFigures {
    /// Everything can be answered (the simulator's case).
    public func unavailable(_ figure: String, of pid: PID?) -> String? { nil }

    /// No page is known to be exclusive (a backend that cannot see the mark says so in `unavailable`).
    public func isExclusive(frame: Int) -> Bool { false }
    /// Not known unless the figures say (the simulator does).
    public func pageTableBytes(of pid: PID) -> Int? { nil }
    public var pageTableBytesTotal: Int? { nil }
    public func sharedPageTables(of pid: PID) -> Int? { nil }

    /// The figures of a whole process.
    func usage(of pid: PID) -> Usage? { usage(of: pid, region: nil) }

    /// One `usage(of:region:)` per region name (the engine answers in one pass instead).
    func usageByRegionName(of pid: PID) -> [String: Usage]? {
        guard let info = process(pid) else { return nil }
        var result: [String: Usage] = [:]
        for r in info.regions where result[r.name] == nil { result[r.name] = usage(of: pid, region: r.name) ?? Usage() }
        return result
    }
}

extension Machine: MemoryFigures {
    public var framesTotal: Int { config.frames }
    public var smapsPssIsFixedPoint: Bool { config.profile == .linux }
    public func pageTableBytes(of pid: PID) -> Int? { vmPTEBytes(of: pid) }
    public var pageTableBytesTotal: Int? { pageTablePagesTotal * pageSize }
    public func sharedPageTables(of pid: PID) -> Int? { sharedPageTablePages(of: pid) }
}

extension Interpreter {
    /// Where figures come from: the machine, or the attached backend (Backend.swift).
    var figures: any MemoryFigures {
        guard let link = backendLink else { return machine }
        return link.backend.figures(of: machine)
    }
}
