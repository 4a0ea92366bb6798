// The translation lookaside buffer: one machine-wide, fully associative cache of translations
// (virtual page -> frame + write permission), each entry tagged with the address-space id (the
// pid of the address space's owner, as x86 PCIDs or ARM ASIDs tag them), so switching between
// processes flushes nothing. Replacement is exact LRU (the textbook choice; real TLBs approximate
// it). Off (capacity 0) by default: then nothing here runs.

/// One cached translation, for `dump P tlb`.
public struct TLBEntry: Equatable, Sendable {
    /// Virtual page number.
    public var vpn: Int
    /// The frame the page translates to (`Machine.zeroPageFrame` for the zero page).
    public var frame: Int
    /// Whether the cached permission allows writes (otherwise a write re-walks the page table).
    public var writable: Bool
    /// Position in the whole TLB's LRU order: 1 = most recently used (of all processes'
    /// entries); the entry with the largest position is evicted next.
    public var recency: Int
    /// An entry, for building expectations.
    public init(vpn: Int, frame: Int, writable: Bool, recency: Int) {
        self.vpn = vpn
        self.frame = frame
        self.writable = writable
        self.recency = recency
    }
}

/// The TLB's storage: slots in a doubly linked LRU list, found by (asid, vpn) in a dictionary.
/// Every operation is O(1) except listing and range invalidation (O(capacity) at most).
struct TLB: Sendable {
    struct Key: Hashable, Sendable {
        var asid: Int
        var vpn: Int
    }

    /// Entries it can hold; 0 = no TLB.
    private(set) var capacity = 0
    private(set) var keys: [Key] = []
    private(set) var frames: [Int] = []
    private(set) var writable: [Bool] = []
    private var prev: [Int] = []
    private var next: [Int] = []
    /// Most and least recently used slots (-1 when empty).
    private var mru = -1
    private var lru = -1
    private var slots: [Key: Int] = [:]
    private var freeSlots: [Int] = []
    /// Entries ever invalidated (all processes), to count what one operation invalidated.
    private(set) var invalidations = 0

    /// The largest `config tlb N`.
    static let maxEntries = 65_536

    init(capacity: Int = 0) {
        self.capacity = min(max(capacity, 0), TLB.maxEntries)
    }

    @inline(__always) var isOn: Bool { capacity != 0 }
    var count: Int { slots.count }

    /// The slot caching `vpn` of address space `asid`.
    @inline(__always) func slot(_ asid: Int, _ vpn: Int) -> Int? { slots[Key(asid: asid, vpn: vpn)] }

    /// Marks slot `s` most recently used.
    mutating func touch(_ s: Int) {
        guard s != mru else { return }
        unlink(s)
        pushFront(s)
    }

    /// Caches `vpn` of `asid` -> `frame` as most recently used, replacing its old entry or
    /// evicting the least recently used one when full.
    mutating func fill(_ asid: Int, _ vpn: Int, frame: Int, writable w: Bool) {
        let key = Key(asid: asid, vpn: vpn)
        if let s = slots[key] {
            frames[s] = frame
            writable[s] = w
            touch(s)
            return
        }
        let s: Int
        if slots.count >= capacity, lru >= 0 {
            s = lru
            slots[keys[s]] = nil
            unlink(s)
        } else if let f = freeSlots.popLast() {
            s = f
        } else {
            s = keys.count
            keys.append(key); frames.append(0); writable.append(false); prev.append(-1); next.append(-1)
        }
        keys[s] = key
        frames[s] = frame
        writable[s] = w
        slots[key] = s
        pushFront(s)
    }

    /// Drops slot `s`; `counted`: as an invalidation.
    mutating func remove(_ s: Int, counted: Bool) {
        slots[keys[s]] = nil
        unlink(s)
        freeSlots.append(s)
        if counted { invalidations += 1 }
    }

    /// The slots of `asid`, most recently used first.
    func slots(of asid: Int) -> [Int] {
        var out: [Int] = []
        var s = mru
        while s >= 0 {
            if keys[s].asid == asid { out.append(s) }
            s = next[s]
        }
        return out
    }

    /// The entries of `asid`, most recently used first, with their place in the whole order.
    func entries(of asid: Int) -> [TLBEntry] {
        var out: [TLBEntry] = []
        var s = mru
        var rank = 0
        while s >= 0 {
            rank += 1
            if keys[s].asid == asid {
                out.append(TLBEntry(vpn: keys[s].vpn, frame: frames[s], writable: writable[s], recency: rank))
            }
            s = next[s]
        }
        return out
    }

    /// Every cached (asid, vpn, frame, writable), most recently used first (for the checker).
    func all() -> [(key: Key, frame: Int, writable: Bool)] {
        var out: [(key: Key, frame: Int, writable: Bool)] = []
        var s = mru
        while s >= 0, out.count <= capacity {
            out.append((keys[s], frames[s], writable[s]))
            s = next[s]
        }
        return out
    }

    private mutating func unlink(_ s: Int) {
        let p = prev[s], n = next[s]
        if p >= 0 { next[p] = n } else { mru = n }
        if n >= 0 { prev[n] = p } else { lru = p }
        prev[s] = -1
        next[s] = -1
    }

    private mutating func pushFront(_ s: Int) {
        prev[s] = -1
        next[s] = mru
        if mru >= 0 { prev[mru] = s }
        mru = s
        if lru < 0 { lru = s }
    }
}
