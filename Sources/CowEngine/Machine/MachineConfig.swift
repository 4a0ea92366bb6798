/// A process id: 1, 2, 3... in creation order, never reused, so output stays deterministic.
public typealias PID = Int
/// A file id: 1, 2, 3... in creation order. Negative ids name the hidden objects that back
/// shared anonymous memory (shmem), see `Machine.file(id:)`.
public typealias FileID = Int

/// A named preset of behaviours: the classic textbook story, or what a real Linux kernel does.
public enum Profile: String, CaseIterable, Sendable {
    /// The classic story: every entry copied at fork, no zero page, no fault-around.
    case textbook
    /// What Linux 6.18 measurably does (see the conformance figures).
    case linux
}

/// How fork duplicates private memory: lazily by copy-on-write, or eagerly as Unix did before COW.
public enum ForkMode: String, CaseIterable, Sendable {
    /// Share frames, copy on the first write.
    case copyOnWrite = "cow"
    /// Copy every private anonymous frame at fork.
    case eager
    /// On-demand fork: share the last-level page tables, copy one on the first write under it.
    case onDemand = "odf"
}

/// Individual behaviour switches; a profile is a preset of them, so students can flip one at a
/// time and see which rule produces which number.
public struct Behaviours: Equatable, Sendable {
    /// "zero-page": a read of untouched private anonymous memory maps the shared zero page.
    public var zeroPage: Bool
    /// "fault-around": a read fault on a file-backed or shared mapping maps the cached pages of
    /// the surrounding 16-page window in one go.
    public var faultAround: Bool
    /// "fork-skip": fork copies no entries for shared regions, for private file regions
    /// holding no private copies and for private anonymous regions that never held a real
    /// anonymous page (only the zero page); the child faults them in later.
    public var forkSkipsUnfaulted: Bool
    /// "cow-reuse": a copy-on-write fault by the only remaining mapper reuses the frame.
    public var reuseSoleSharer: Bool

    /// Every switch given explicitly (all off by default), for tests and custom mixes.
    public init(zeroPage: Bool = false, faultAround: Bool = false, forkSkipsUnfaulted: Bool = false,
                reuseSoleSharer: Bool = false) {
        self.zeroPage = zeroPage
        self.faultAround = faultAround
        self.forkSkipsUnfaulted = forkSkipsUnfaulted
        self.reuseSoleSharer = reuseSoleSharer
    }

    /// The switches a profile stands for.
    public static func preset(_ profile: Profile) -> Behaviours {
        switch profile {
        case .textbook:
            return Behaviours(zeroPage: false, faultAround: false, forkSkipsUnfaulted: false, reuseSoleSharer: true)
        case .linux:
            return Behaviours(zeroPage: true, faultAround: true, forkSkipsUnfaulted: true, reuseSoleSharer: true)
        }
    }

    /// Each switch's name for `set NAME on|off`, with the field it sets, sorted by name: the one
    /// table `switchNames`, `set` and `value(of:)` read, so a new switch is added in one place.
    private static let switches: [(name: String, field: WritableKeyPath<Behaviours, Bool> & Sendable)] = [
        ("cow-reuse", \.reuseSoleSharer), ("fault-around", \.faultAround),
        ("fork-skip", \.forkSkipsUnfaulted), ("zero-page", \.zeroPage),
    ]

    /// The names `set NAME on|off` accepts, sorted.
    public static let switchNames: [String] = switches.map(\.name)

    /// Flips the switch called `name`; returns false (and changes nothing) for an unknown name.
    public mutating func set(_ name: String, _ on: Bool) -> Bool {
        guard let field = Behaviours.switches.first(where: { $0.name == name })?.field else { return false }
        self[keyPath: field] = on
        return true
    }

    /// The state of the switch called `name`, nil for an unknown name.
    public func value(of name: String) -> Bool? {
        Behaviours.switches.first { $0.name == name }.map { self[keyPath: $0.field] }
    }
}

/// The shape of the simulated machine, fixed when a `Machine` is created (behaviours and fork
/// mode may change later through the machine's setters).
public struct MachineConfig: Equatable, Sendable {
    /// Allocatable physical frames, 1 ... `MachineConfig.maxFrames`.
    public var frames: Int = 256
    /// Bytes per page: a power of two in `MachineConfig.pageSizes`.
    public var pageSize: Int = 4096
    /// The profile the behaviours were last preset from.
    public var profile: Profile = .textbook
    /// The behaviour switches actually in force.
    public var behaviours: Behaviours = .preset(.textbook)
    /// How fork duplicates private memory.
    public var forkMode: ForkMode = .copyOnWrite
    /// Pages of swap space, 0 ... `MachineConfig.maxFrames` (0 = no swap, the default: a fault
    /// that finds no free frame kills the faulting process, and nothing is ever reclaimed).
    public var swapPages: Int = 0
    /// Readahead window of a major fault on a file mapping, in pages, under `profile linux`
    /// (rule 14; Linux: the disk's read_ahead_kb, 128 KiB = 32 pages by default). 0 or 1: none.
    public var readaheadPages: Int = 32
    /// TLB entries (`config tlb N`; 0 = no TLB, the default). See TLB/TLB.swift.
    public var tlbEntries: Int = 0
    /// The page-table layout the script chose (`config page-tables`); nil: the standard one for
    /// the page size (`PageTableLayout.standard`), whose figures are not shown unless asked.
    /// A chosen layout fixes the page size (`pageSize` follows it).
    public var pageTables: PageTableLayout?
    /// `config page-tables LAYOUT frames` (issue 13): every table page takes a frame of the
    /// pool (kind page-table), so tables compete with data; off by default (tables take none).
    public var tableFrames = false

    /// The most frames a machine may have (the packed page-table entry holds 25 bits of frame).
    public static let maxFrames = 16_777_216
    /// The allowed page sizes (each must also be a power of two).
    public static let pageSizes: ClosedRange<Int> = 16...(1 << 30)

    /// A configuration whose behaviours are the preset of `profile`.
    public init(frames: Int = 256, pageSize: Int = 4096, profile: Profile = .textbook,
                forkMode: ForkMode = .copyOnWrite) {
        self.frames = frames
        self.pageSize = pageSize
        self.profile = profile
        self.behaviours = .preset(profile)
        self.forkMode = forkMode
    }

    /// Throws a clear error when frames or page size are out of range, so callers can report bad
    /// input before building a machine (`Machine.init` itself clamps instead of failing).
    public func validate() throws(EngineError) {
        guard (1...MachineConfig.maxFrames).contains(frames) else {
            throw EngineError.invalidArgument("frames must be between 1 and \(MachineConfig.maxFrames), got \(frames)")
        }
        guard MachineConfig.pageSizes.contains(pageSize), pageSize & (pageSize - 1) == 0 else {
            throw EngineError.invalidArgument("page size must be a power of two between 16 and \(1 << 30), got \(pageSize)")
        }
        guard (0...MachineConfig.maxFrames).contains(swapPages) else {
            throw EngineError.invalidArgument("swap must be between 0 and \(MachineConfig.maxFrames) pages, got \(swapPages)")
        }
        try pageTables?.validate()
    }

    /// The layout in force: the chosen one, or the standard one for the page size.
    public var pageTableLayout: PageTableLayout { pageTables ?? .standard(pageSize: pageSize) }

    /// The same configuration pulled into the valid range (frames clamped, page size rounded down
    /// to a power of two), so a machine can always be built.
    func clamped() -> MachineConfig {
        var c = self
        c.frames = min(max(frames, 1), MachineConfig.maxFrames)
        let size = min(max(pageSize, MachineConfig.pageSizes.lowerBound), MachineConfig.pageSizes.upperBound)
        c.pageSize = 1 << (Int.bitWidth - 1 - size.leadingZeroBitCount)
        c.swapPages = min(max(swapPages, 0), MachineConfig.maxFrames)
        c.tlbEntries = min(max(tlbEntries, 0), TLB.maxEntries)
        if let layout = pageTables {
            if (try? layout.validate()) == nil { c.pageTables = nil } else { c.pageSize = layout.pageSize }
        }
        return c
    }
}
