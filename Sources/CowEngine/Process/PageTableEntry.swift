/// The hardware-like bits of a page-table entry.
public struct PTEFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The six flag bits, as stored in the packed entry.
    public let rawValue: UInt8
    /// Keeps only the six known bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x3f }
    /// The entry maps a frame; otherwise any access faults.
    public static let present = PTEFlags(rawValue: 1)
    /// Writes go straight to the frame; otherwise a write faults.
    public static let writable = PTEFlags(rawValue: 2)
    /// User mode may access the page (always set here: there is no kernel memory in the model).
    public static let user = PTEFlags(rawValue: 4)
    /// Write-protected on purpose: the next write copies (or reuses) the frame.
    public static let copyOnWrite = PTEFlags(rawValue: 8)
    /// Written through this entry.
    public static let dirty = PTEFlags(rawValue: 16)
    /// Read or written through this entry.
    public static let accessed = PTEFlags(rawValue: 32)

    /// Letters for dumps: "P W U C D A" with "-" for clear bits, e.g. "P-UC-A".
    public var description: String {
        let names: [(PTEFlags, Character)] = [(.present, "P"), (.writable, "W"), (.user, "U"),
                                              (.copyOnWrite, "C"), (.dirty, "D"), (.accessed, "A")]
        return String(names.map { contains($0.0) ? $0.1 : "-" })
    }
}

/// A page-table entry as callers see it. The engine stores it packed in 4 bytes
/// (`frame << 6 | flags`), see `PackedEntry`.
public struct PageTableEntry: Equatable, Sendable {
    /// Physical frame number (`Machine.zeroPageFrame` for the zero page).
    public var frame: Int
    /// The entry's bits.
    public var flags: PTEFlags
    /// An entry, for building expectations.
    public init(frame: Int, flags: PTEFlags) {
        self.frame = frame
        self.flags = flags
    }
}

/// A present entry together with where it is, for page-table dumps.
public struct MappedPage: Equatable, Sendable {
    /// Virtual page number.
    public var vpn: Int
    /// Name of the region holding the page.
    public var region: String
    /// The entry itself.
    public var entry: PageTableEntry
    /// The page is part of a transparent huge page (its block is mapped as one, rule 17).
    public var huge: Bool
    /// A mapped page, for building expectations.
    public init(vpn: Int, region: String, entry: PageTableEntry, huge: Bool = false) {
        self.vpn = vpn
        self.region = region
        self.entry = entry
        self.huge = huge
    }
}

/// The stored form of an entry: 32 bits, frame number above six flag bits. 0 = not present.
/// Frames go up to 2^24 (the zero page), so 25 + 6 bits fit.
typealias PackedEntry = UInt32

enum Packed {
    static let present: UInt32 = 1
    static let writable: UInt32 = 2
    static let user: UInt32 = 4
    static let copyOnWrite: UInt32 = 8
    static let dirty: UInt32 = 16
    static let accessed: UInt32 = 32
    static let flagMask: UInt32 = 63
    static let frameShift: UInt32 = 6
    /// An entry with all these bits needs nothing on a write but storing the value.
    static let fastWrite: UInt32 = present | writable | dirty | accessed

    @inline(__always) static func make(frame: Int, _ flags: UInt32) -> PackedEntry {
        UInt32(truncatingIfNeeded: frame) << frameShift | flags
    }
    @inline(__always) static func frame(_ e: PackedEntry) -> Int { Int(e >> frameShift) }
    @inline(__always) static func isPresent(_ e: PackedEntry) -> Bool { e & present != 0 }

    static func unpack(_ e: PackedEntry) -> PageTableEntry {
        PageTableEntry(frame: frame(e), flags: PTEFlags(rawValue: UInt8(truncatingIfNeeded: e & flagMask)))
    }
}
