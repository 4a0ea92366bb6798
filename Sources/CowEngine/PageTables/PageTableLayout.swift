/// The geometry of the radix page tables (issue 13): how many levels, how many index bits each
/// level takes from the virtual page number, and the page size. Every table, at every level,
/// is one page (that is what `VmPTE` and `PageTables` count).
///
/// Levels are numbered from the top: level 0 is the top table (x86-64's PGD, the page
/// directory of the two-level layout), level `levels - 1` the last-level tables (PTE pages)
/// whose entries map pages. A table at level `l` covers `1 << shift(l)` pages, so the table
/// holding page `vpn` at level `l` is the one with key `vpn >> shift(l)`.
public struct PageTableLayout: Equatable, Sendable, CustomStringConvertible {
    /// The preset's name (`x86_64`, `two-level`), nil for a custom layout.
    public var name: String?
    /// Index bits of each level, top level first.
    public var levelBits: [Int]
    /// log2 of the page size (the offset bits of an address).
    public var pageShift: Int

    /// A layout; see `validate()` for the allowed values.
    public init(name: String? = nil, levelBits: [Int], pageShift: Int) {
        self.name = name
        self.levelBits = levelBits
        self.pageShift = pageShift
    }

    /// x86-64 with 4-level paging: PGD, PUD, PMD, PTE of 512 entries each, 4 KiB pages,
    /// 48-bit virtual addresses.
    public static let x86_64 = PageTableLayout(name: "x86_64", levelBits: [9, 9, 9, 9], pageShift: 12)
    /// The classic 32-bit picture: a page directory and page tables of 1024 entries each,
    /// 4 KiB pages (10/10/12).
    public static let twoLevel = PageTableLayout(name: "two-level", levelBits: [10, 10], pageShift: 12)
    /// The presets by name, for `config page-tables NAME`.
    public static let presets: [PageTableLayout] = [.x86_64, .twoLevel]

    /// The most levels a custom layout may have.
    public static let maxLevels = 6
    /// The widest virtual address a layout may give (the machine's address space is 48-bit).
    public static let maxVirtualBits = 48

    /// The layout a machine uses when the script chose none: 48-bit addresses in tables of
    /// 8-byte entries, one page each (x86-64's for 4 KiB pages; the top level takes the bits
    /// left over). Its figures exist (`pte_kb`) but are shown only once a layout is chosen.
    public static func standard(pageSize: Int) -> PageTableLayout {
        let shift = Int.bitWidth - 1 - max(pageSize, 1).leadingZeroBitCount
        if shift == 12 { return .x86_64 }
        let perLevel = max(shift - 3, 1)
        var left = max(maxVirtualBits - shift, 1)
        var bits: [Int] = []
        while left > 0 {
            bits.insert(min(perLevel, left), at: 0)
            left -= perLevel
        }
        return PageTableLayout(levelBits: bits, pageShift: shift)
    }

    /// How many levels.
    public var levels: Int { levelBits.count }
    /// Bytes per page (and per table).
    public var pageSize: Int { 1 << pageShift }
    /// Bits of a virtual page number (the sum of the levels' bits).
    public var vpnBits: Int { levelBits.reduce(0, +) }
    /// Bits of a virtual address.
    public var virtualBits: Int { vpnBits + pageShift }
    /// Entries of a table at `level`.
    public func entries(level: Int) -> Int { 1 << levelBits[level] }
    /// log2 of the pages one table at `level` covers: the bits of that level and those below.
    public func shift(level: Int) -> Int { levelBits[level...].reduce(0, +) }
    /// Index of `vpn`'s entry in its table at `level`.
    public func index(_ vpn: Int, level: Int) -> Int {
        (vpn >> (shift(level: level) - levelBits[level])) & ((1 << levelBits[level]) - 1)
    }

    /// Checks a custom layout: 1 to 6 levels of 1 to 16 bits, a page size the machine allows,
    /// at most 48-bit addresses, and tables of 4-byte entries or more that fit in a page.
    public func validate() throws(EngineError) {
        guard (1...PageTableLayout.maxLevels).contains(levels) else {
            throw EngineError.invalidArgument("a page-table layout has 1 to \(PageTableLayout.maxLevels) levels, got \(levels)")
        }
        guard MachineConfig.pageSizes.contains(pageSize) else {
            throw EngineError.invalidArgument("page size must be a power of two between 16 and \(1 << 30), got \(pageSize)")
        }
        for b in levelBits where !(1...16).contains(b) || (1 << b) * 4 > pageSize {
            throw EngineError.invalidArgument("a level of \(b) bits does not fit: a table is one page of \(pageSize) bytes, entries of at least 4 bytes (at most \(min(16, pageShift - 2)) bits)")
        }
        guard virtualBits <= PageTableLayout.maxVirtualBits else {
            throw EngineError.invalidArgument("the layout gives \(virtualBits)-bit addresses; the machine's are at most \(PageTableLayout.maxVirtualBits)-bit")
        }
    }

    /// "x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)".
    public var description: String {
        let same = levelBits.allSatisfy { $0 == levelBits[0] }
        let shape = same ? "\(levels) level\(levels == 1 ? "" : "s") of \(levelBits[0]) bits"
                         : "levels of " + levelBits.map(String.init).joined(separator: "/") + " bits"
        return (name ?? "custom") + " (\(shape), \(pageSize)-byte pages, \(virtualBits)-bit addresses)"
    }
}
