/// What a region's pages come from, internally (shared anonymous memory has its own object).
enum RegionSource: Equatable, Sendable {
    case privateAnonymous
    case file(FileID)
    case shmem(Int)
}

/// A region plus its page-table entries: one contiguous packed array per region, so fork is a
/// buffer copy plus one loop and an access is an index.
struct RegionRecord: Sendable {
    var info: Region
    var entries: [PackedEntry]
    var source: RegionSource
    /// Page of the file / shmem object that the region's first page shows.
    var objectOffset: Int
    /// The region has held a real private anonymous frame (Linux: it has an anon_vma). Kept
    /// when the frames go and when the region splits; fork-skip leaves a private anonymous
    /// region without it out of fork (conformance rule 11).
    var hadAnonymousFrame = false
    /// Which anon_vma the region's anonymous pages would hang off in Linux: a new serial per
    /// mapping (insertRegion) and per region a fork gives a child; split pieces keep it. Only
    /// `mergeRegions` looks at it.
    var anonVma = 0
    /// First pages of the 512-page blocks this region maps as transparent huge pages (rule 17),
    /// ascending: each block lies inside the region, starts at a multiple of 512 and maps 512
    /// consecutive anonymous frames starting at a multiple of 512 (one PMD entry in Linux).
    /// Removing a block start is splitting the huge mapping: its 512 entries stay as they are.
    var hugeBlocks: [Int] = []

    /// Object page behind virtual page `vpn` of this region.
    @inline(__always) func objectPage(_ vpn: Int) -> Int { objectOffset + (vpn - info.start) }
}

extension RegionRecord: TreeKeyed {
    /// Regions are kept in order of their first page.
    var treeKey: Int { info.start }
}

/// A process as stored: identity, state and (unless borrowing through vfork) its address space.
struct ProcessRecord: Sendable {
    let pid: PID
    var name: String
    let parent: PID?
    var state: ProcessState
    /// vfork child: pid of the process whose address space it uses.
    var borrowsFrom: PID?
    /// Sorted by start, non-overlapping; O(log n) insert, remove and lookup by address.
    var regions: OrderedTree<RegionRecord>
    var counters: ProcessCounters
    /// How many regions of the address space carry each name (split parts share one), kept by
    /// insertRegion, removeRegions, split and fork, so a name check is O(1); `check()` recounts.
    var regionNames: [String: Int] = [:]
    /// Its page-table pages (PageTables/); empty while borrowing through vfork or once dead.
    var tables = PageTableSet()
}
