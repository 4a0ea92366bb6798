/// The whole simulated computer: physical frames, files and their page cache, processes and
/// their page tables. A value type, so copying it snapshots the simulation (undo, what-if).
public struct Machine: Sendable {
    /// The configuration in force (behaviours and fork mode change through the setters below).
    public internal(set) var config: MachineConfig
    /// Physical memory.
    var frames: FrameTable
    /// Files by id - 1.
    var fileRecords: [FileRecord] = []
    /// Shared anonymous objects by id - 1.
    var shmemObjects: [ShmemObject] = []
    /// Processes by pid - 1, dead ones included (pids are never reused).
    var procs: [ProcessRecord] = []
    /// The latest pid given each name (names are unique among live processes, so a live process
    /// with a name is always the latest with it): name lookups and the duplicate check in O(1).
    var pidsByName: [String: PID] = [:]
    /// Processes running or suspended.
    var liveCount = 0
    /// Events since they were last taken or drained.
    var events = EventLog()
    /// Page-table entries held by all address spaces, bounded by `Machine.maxEntries`.
    var entryCount = 0
    /// Swap space, the swap cache and reclaim's bookkeeping (Reclaim/); inert without swap.
    var swap: SwapSpace
    /// The TLB (TLB/); inert with `config tlb 0`, the default.
    var tlb: TLB
    /// Set while `populate` touches pages: a write fault then keeps the page's value (it only
    /// breaks copy-on-write and dirties, as the kernel's FOLL_WRITE does).
    var populating = false
    /// Anon_vma serials given so far (RegionRecord.anonVma).
    var anonVmaSerial = 0
    /// Some region was ever mlock'd: reclaim then checks whether a frame is locked.
    var everLocked = false
    /// Whether operations record `Event`s; benchmarks switch it off.
    public var recordsEvents = true
    /// The page-table layout in force (PageTables/).
    public let tableLayout: PageTableLayout
    /// For each level below the top (index 0 = level 1), the shift that turns a page number
    /// into the key of its table at that level; the last is the leaf tables'.
    let tableShifts: [Int]
    /// Ids given to page-table pages so far (a table page's id is the next one).
    var tableSerial = 0
    /// Leaf tables shared by on-demand fork, by table id (PageTables/Machine+OnDemandFork.swift).
    var sharedLeaves = SharedLeafTable()
    /// Mappings of shared leaf tables not yet in the mapcounts: the sum of sharers - counted.
    var uncountedShares = 0
    /// Leaf tables shared by on-demand forks so far (one per sharing fork and table).
    var tablesSharedAtForks = 0
    /// Shared leaf tables copied so far (by writes, faults and changes).
    var tablesCopied = 0

    /// The most pages a file or a single mapping may have.
    public static let maxPages = 1 << 24
    /// The most page-table entries all address spaces together may hold (4 bytes each).
    public static let maxEntries = 1 << 26
    /// The most processes a machine may create over its life.
    public static let maxProcesses = 1 << 20
    /// Window of fault-around, in pages, aligned on its own size (Linux: fault_around_bytes 64 KiB).
    public static let faultAroundPages = 16
    /// Entries of one page-table page (x86-64: 512); fault-around never crosses one.
    public static let pageTableEntries = 512

    /// A fresh machine with no files and no processes; an out-of-range configuration is clamped
    /// (use `MachineConfig.validate()` first to report it instead).
    public init(config: MachineConfig = MachineConfig()) {
        let c = config.clamped()
        self.config = c
        let layout = c.pageTableLayout
        tableLayout = layout
        tableShifts = (1..<max(layout.levels, 1)).map { layout.shift(level: $0) }
        frames = FrameTable(count: c.frames)
        swap = SwapSpace(capacity: c.swapPages)
        tlb = TLB(capacity: c.tlbEntries)
        // With swap, reclaim asks the replacement policy, which must see every frame and access.
        if swap.isOn { trackReplacement(true) }
    }

    /// Bytes per page.
    public var pageSize: Int { config.pageSize }
    /// Frame number of the shared zero page: one past the last allocatable frame, outside memory.
    public var zeroPageFrame: Int { frames.zeroFrame }
    /// Virtual page numbers run from 0 to below this (a 48-bit address space, as on x86-64).
    /// With a chosen page-table layout, the layout's address width decides instead.
    public var vpnLimit: Int { 1 << tableLayout.vpnBits }

    /// Switches to a profile: its behaviours replace the current ones.
    public mutating func setProfile(_ profile: Profile) {
        config.profile = profile
        config.behaviours = .preset(profile)
    }

    /// Flips one behaviour switch by its name; false for an unknown name.
    public mutating func setBehaviour(_ name: String, _ on: Bool) -> Bool {
        config.behaviours.set(name, on)
    }

    /// Chooses how later forks duplicate private memory.
    public mutating func setForkMode(_ mode: ForkMode) {
        config.forkMode = mode
    }

    /// Returns the events recorded since the last call, as a new array, and forgets them
    /// (`drainEvents` lends them instead, without making an array).
    public mutating func takeEvents() -> [Event] {
        defer { events.removeAll() }
        return Array(events.recorded)
    }

    /// Whether events were recorded since they were last taken or drained.
    public var hasPendingEvents: Bool { !events.isEmpty }

    /// Lends the events recorded since the last call to `body`, with the machine itself (for
    /// process names and the page size), then forgets them. Unlike `takeEvents()` nothing is
    /// allocated: the buffer is only lent, so an interpreter running a million commands reuses
    /// one buffer instead of allocating one per command.
    public mutating func drainEvents(_ body: (_ events: ArraySlice<Event>, _ machine: Machine) throws -> Void) rethrows {
        defer { events.removeAll() }
        try body(events.recorded, self)
    }

    /// `drainEvents` if any events were recorded since they were last taken or drained; nothing
    /// otherwise (one call instead of `hasPendingEvents` and `drainEvents`: each call from
    /// another module copied the whole machine to pass it).
    public mutating func drainPendingEvents(_ body: (_ events: ArraySlice<Event>, _ machine: Machine) throws -> Void) rethrows {
        guard !events.isEmpty else { return }
        try drainEvents(body)
    }

    /// Records `event` if recording is on.
    @inline(__always) mutating func note(_ event: consuming Event) {
        if recordsEvents { events.append(event) }
    }
}

// MARK: - Looking processes and regions up

extension Machine {
    /// Index into `procs` of an existing pid.
    @inline(__always) func processIndex(_ pid: PID) throws(EngineError) -> Int {
        guard pid >= 1, pid <= procs.count else { throw EngineError.noSuchProcess(pid) }
        return pid - 1
    }

    /// Index of a pid that exists and is running (not suspended, not dead).
    @inline(__always) func runningIndex(_ pid: PID) throws(EngineError) -> Int {
        let i = try processIndex(pid)
        guard procs[i].state == .running else { throw EngineError.processNotRunning(pid, procs[i].state) }
        return i
    }

    /// Index of the process whose address space process `i` uses (itself unless a vfork child).
    @inline(__always) func spaceIndex(_ i: Int) -> Int {
        if let owner = procs[i].borrowsFrom { return owner - 1 }
        return i
    }

    /// Index of the region of address space `space` containing `vpn`, by binary search.
    @inline(__always) func regionIndex(_ space: Int, _ vpn: Int) -> Int? {
        withRegions(space) { Machine.regionIndex(in: $0, vpn) }
    }

    static func regionIndex(in regions: OrderedTree<RegionRecord>, _ vpn: Int) -> Int? {
        let r = regions.countAtMost(vpn) - 1
        guard r >= 0, regions.withElement(at: r, { $0.info.contains(vpn) }) else { return nil }
        return r
    }

    /// Checks a page range given by a caller: non-empty, inside the address space, not too big.
    @inline(__always) func validateRange(_ vpn: Int, _ pages: Int) throws(EngineError) {
        guard pages != 0 else { throw EngineError.emptyRange }
        guard pages > 0 else { throw EngineError.invalidArgument("page count must be positive, got \(pages)") }
        guard vpn >= 0 else { throw EngineError.invalidArgument("page number must not be negative, got \(vpn)") }
        let (end, overflow) = vpn.addingReportingOverflow(pages)
        guard !overflow, end <= vpnLimit else { throw EngineError.addressOverflow }
    }

    /// Checks a range of pages given by a caller as a Swift range (one whose count would not
    /// fit an Int starts below page 0, and is refused as such instead of trapping).
    @inline(__always) func validateRange(_ vpns: Range<Int>) throws(EngineError) {
        let (pages, overflow) = vpns.upperBound.subtractingReportingOverflow(vpns.lowerBound)
        guard !overflow else {
            throw EngineError.invalidArgument("page number must not be negative, got \(vpns.lowerBound)")
        }
        try validateRange(vpns.lowerBound, pages)
    }

    /// Checks a single page number given by a caller.
    @inline(__always) func validateVPN(_ vpn: Int) throws(EngineError) {
        guard vpn >= 0, vpn < vpnLimit else { throw EngineError.addressOverflow }
    }
}

/// The events recorded since they were last taken: a buffer that is reused rather than emptied
/// (only the count goes back to zero), so recording and draining the events of a million
/// commands allocates nothing, and forgetting them costs nothing either.
struct EventLog: Sendable {
    /// The events, followed by stale ones from earlier commands.
    private var storage: [Event] = []
    /// How many of `storage` are current.
    private var count = 0

    /// Whether no event is recorded.
    var isEmpty: Bool { count == 0 }

    /// The recorded events, in order.
    var recorded: ArraySlice<Event> { storage[0..<count] }

    /// Records `event`.
    mutating func append(_ event: consuming Event) {
        if count < storage.count {
            storage[count] = event
        } else {
            storage.append(event)
        }
        count += 1
    }

    /// Forgets every event (keeping the storage for the next ones).
    mutating func removeAll() { count = 0 }
}
