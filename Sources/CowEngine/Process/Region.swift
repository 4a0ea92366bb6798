/// Access rights of a region, as given to mmap/mprotect.
public struct Permissions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// Bits r = 1, w = 2, x = 4.
    public let rawValue: UInt8
    /// Keeps only the three known bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue & 7 }
    /// Reads allowed (and any non-empty set allows reads, as on x86).
    public static let read = Permissions(rawValue: 1)
    /// Writes allowed; without it a write is SIGSEGV.
    public static let write = Permissions(rawValue: 2)
    /// Code may run from here (text of libraries).
    public static let execute = Permissions(rawValue: 4)

    /// Parses "rw-", "r-x", "rwx", "---" and the short forms "rw", "rx", "r", "" (letters in
    /// r, w, x order); nil for anything else.
    public init?(_ text: String) {
        var result: Permissions = []
        var expected: [(Character, Permissions)] = [("r", .read), ("w", .write), ("x", .execute)]
        let chars = Array(text)
        if chars.count == 3 {
            for (i, c) in chars.enumerated() {
                if c == "-" { continue }
                guard c == expected[i].0 else { return nil }
                result.insert(expected[i].1)
            }
            self = result
            return
        }
        for c in chars {
            guard let i = expected.firstIndex(where: { $0.0 == c }) else { return nil }
            result.insert(expected[i].1)
            expected.removeSubrange(0...i)
        }
        self = result
    }

    /// "r--", "rw-", "r-x" style, as /proc/PID/maps prints it.
    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-") + (contains(.execute) ? "x" : "-")
    }
}

/// madvise hints that change what fork does with a region.
public enum Advice: String, Sendable {
    /// Inherited normally.
    case normal
    /// MADV_DONTFORK: the child does not inherit the region at all.
    case dontFork = "dontfork"
    /// MADV_WIPEONFORK: the child gets the region, empty (reads give zeros).
    case wipeOnFork = "wipeonfork"
}

/// What stands behind a region's pages.
public enum Backing: Equatable, Sendable {
    /// Zero-filled memory with no file behind it.
    case anonymous
    /// A file, starting at page `offset` of it.
    case file(FileID, offset: Int)
}

/// One mapping of an address space (a VMA): a run of virtual pages with one set of rights.
public struct Region: Equatable, Sendable {
    /// Chosen by the caller ("heap", "libc.text"); regions split by unmap/protect keep it.
    public var name: String
    /// First virtual page number.
    public var start: Int
    /// Length in pages.
    public var pages: Int
    /// Rights, as given to mmap/mprotect.
    public var permissions: Permissions
    /// MAP_SHARED (writes visible to every mapper) versus MAP_PRIVATE (copy-on-write).
    public var isShared: Bool
    /// Anonymous memory or a file range.
    public var backing: Backing
    /// madvise state that fork looks at.
    public var advice: Advice
    /// MADV_RANDOM / MADV_SEQUENTIAL (readahead on file faults); `.normal` unless advised.
    public var readahead: ReadaheadHint = .normal
    /// MADV_HUGEPAGE / MADV_NOHUGEPAGE; `.unset` unless advised.
    public var hugePages: HugePageHint = .unset
    /// mlock'd (VM_LOCKED): its pages are never reclaimed; smaps `Locked`. Not inherited by fork.
    public var locked = false
    /// One past the last virtual page number.
    public var end: Int { start + pages }

    /// A region description (the engine builds these; tests and renderers compare them).
    public init(name: String, start: Int, pages: Int, permissions: Permissions, isShared: Bool,
                backing: Backing, advice: Advice = .normal) {
        self.name = name
        self.start = start
        self.pages = pages
        self.permissions = permissions
        self.isShared = isShared
        self.backing = backing
        self.advice = advice
    }

    /// True when `vpn` lies inside the region.
    public func contains(_ vpn: Int) -> Bool { vpn >= start && vpn < end }
}
