/// What a physical frame holds.
public enum FrameKind: Equatable, Sendable {
    /// Private anonymous memory (including private copies of file pages).
    case anonymous
    /// Page `page` of a file in the page cache. A negative `file` is the hidden object behind a
    /// shared anonymous mapping (shmem), named by `Machine.file(id:)`.
    case pageCache(file: FileID, page: Int)
    /// The shared zero page (`Machine.zeroPageFrame`).
    case zero
    /// A page-table page (only with `config page-tables LAYOUT frames`).
    case pageTable
}

/// One (process, virtual page) pair that maps a frame: an entry of the reverse map.
public struct Mapper: Equatable, Sendable, Hashable {
    /// The address space owner (a vfork child's accesses show under its parent).
    public var pid: PID
    /// The virtual page mapping the frame.
    public var vpn: Int
    /// A pair, for building expectations.
    public init(pid: PID, vpn: Int) {
        self.pid = pid
        self.vpn = vpn
    }
}

/// A snapshot of one frame for memory dumps.
public struct FrameInfo: Equatable, Sendable {
    /// Physical frame number (`Machine.zeroPageFrame` for the zero page).
    public var number: Int
    /// What the frame holds.
    public var kind: FrameKind
    /// Page-table entries pointing at the frame (0 for the zero page, which is never counted).
    public var mapcount: Int
    /// The page was written since it was read from disk (anonymous and shmem pages: when written).
    public var dirty: Bool
    /// The one value a page holds in this model.
    public var value: Int64
    /// The reverse map, sorted by pid then vpn (computed by walking page tables).
    public var mappers: [Mapper]

    /// A frame's figures from elsewhere (the kernel backend's pagemap and kpagecount).
    public init(number: Int, kind: FrameKind, mapcount: Int, dirty: Bool, value: Int64, mappers: [Mapper] = []) {
        self.number = number
        self.kind = kind
        self.mapcount = mapcount
        self.dirty = dirty
        self.value = value
        self.mappers = mappers
    }
}
