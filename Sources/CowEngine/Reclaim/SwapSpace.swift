// Swap space and the swap cache, as plain arrays (no object per slot).
//
// A slot holds one anonymous page written out by reclaim. Every page-table entry that mapped the
// page becomes a swap entry naming the slot, and the slot counts them (Linux: the swap count in
// `swap_map`): a page shared by copy-on-write among three processes goes to ONE slot with swap
// count 3. The first of them to touch it again reads it back (a major fault) into a frame that
// stays linked to the slot (the swap cache); the others find it there (a minor fault) and map
// the same frame, so the page stays shared. A slot is freed with its last swap entry (swapped
// back in, unmapped, or its process gone); its swap-cache frame then becomes an ordinary
// anonymous frame (dirty: memory holds the only copy now, as `folio_free_swap` marks it).

/// Swap slots, the swap cache and the reverse-map hints reclaim uses. With capacity 0 (no swap,
/// the default) it is empty and nothing looks at it beyond `isOn`.
struct SwapSpace: Sendable {
    /// Slots configured (`config swap PAGES`); 0 = no swap.
    let capacity: Int
    /// Whether swap is configured: reclaim, swap entries and the out-of-memory killer's choice
    /// are all off without it, so machines without swap behave exactly as before.
    let isOn: Bool
    /// Swap entries naming each materialised slot; 0 = the slot is free.
    var count: [Int32] = []
    /// The page written to each slot.
    var value: [Int64] = []
    /// The frame holding each slot's page in the swap cache, -1 if none.
    var cache: [Int32] = []
    /// Number of slots in use.
    private(set) var used = 0
    /// One bit per materialised slot, 1 = free; no free slot in a word below `freeHint`.
    private var freeBits: [UInt64] = []
    private var freeHint = 0
    /// For each frame (indexed lazily): 1 + the slot whose swap-cache copy it is, 0 if none.
    var slotOfFrame: [Int32] = []
    /// For each anonymous frame (indexed lazily): a virtual page where it was last mapped, -1 if
    /// unknown. Copy-on-write sharing keeps a page at the same address in every process, so
    /// reclaim looks there in each address space first and walks every page table only when
    /// that does not find all the mappers (after mremap, say).
    var hintVPN: [Int] = []
    /// Frames reclaim must not take: the ones the fault being handled is working on.
    var pinned: (Int, Int) = (-1, -1)
    /// The fault being handled (for the out-of-memory killer): process index, address space
    /// index and page; nil outside faults (then a failed allocation simply fails).
    var faulting: (process: Int, space: Int, vpn: Int)?
    /// Pages written to swap and read back from it, ever.
    var pagesOut = 0
    var pagesIn = 0

    init(capacity: Int) {
        self.capacity = capacity
        isOn = capacity > 0
    }

    /// Slots that have array entries (all others are free and never used).
    var materialized: Int { count.count }

    /// Whether `slot` is a slot number in use.
    func isUsed(_ slot: Int) -> Bool { slot >= 0 && slot < count.count && count[slot] > 0 }

    /// Takes the lowest free slot, with swap count 0 and no cache frame; nil when swap is full.
    mutating func allocate() -> Int? {
        guard used < capacity else { return nil }
        var w = freeHint
        while true {
            while w < freeBits.count && freeBits[w] == 0 { w += 1 }
            if w < freeBits.count { break }
            grow()
        }
        let bit = freeBits[w].trailingZeroBitCount
        freeBits[w] &= freeBits[w] - 1
        freeHint = w
        used += 1
        return w * 64 + bit
    }

    /// Gives the arrays slots for at least one more word (doubling, up to `capacity`).
    private mutating func grow() {
        let old = count.count
        let wanted = min(capacity, max(64, old * 2))
        let new = wanted - old
        guard new > 0 else { return }
        count.append(contentsOf: repeatElement(0, count: new))
        value.append(contentsOf: repeatElement(0, count: new))
        cache.append(contentsOf: repeatElement(-1, count: new))
        let words = (wanted + 63) / 64
        while freeBits.count < words { freeBits.append(~0) }
        let tail = wanted % 64
        if tail != 0 { freeBits[words - 1] = (UInt64(1) << UInt64(tail)) - 1 }
    }

    /// Returns `slot` to the free pool (its count is 0 and its cache link gone).
    mutating func release(_ slot: Int) {
        // Only what is not cleared already is written (as `FrameTable.release`).
        if count[slot] != 0 { count[slot] = 0 }
        if value[slot] != 0 { value[slot] = 0 }
        if cache[slot] != -1 { cache[slot] = -1 }
        let w = slot / 64
        freeBits[w] |= UInt64(1) << UInt64(slot % 64)
        if w < freeHint { freeHint = w }
        used -= 1
    }

    /// True when the free bitmap says `slot` is free.
    func bitmapSaysFree(_ slot: Int) -> Bool {
        freeBits[slot / 64] & (UInt64(1) << UInt64(slot % 64)) != 0
    }

    /// The slot whose swap-cache copy frame `f` is, if any.
    @inline(__always) func slot(cachedIn f: Int) -> Int? {
        f < slotOfFrame.count && slotOfFrame[f] != 0 ? Int(slotOfFrame[f]) - 1 : nil
    }

    /// Links frame `f` to `slot` as its swap-cache copy.
    mutating func link(_ f: Int, _ slot: Int) {
        if f >= slotOfFrame.count { slotOfFrame.append(contentsOf: repeatElement(0, count: f + 1 - slotOfFrame.count)) }
        slotOfFrame[f] = Int32(slot + 1)
        cache[slot] = Int32(f)
    }

    /// Removes the swap-cache link of `slot`, if any; returns the frame that was linked.
    @discardableResult
    mutating func unlink(_ slot: Int) -> Int? {
        let f = Int(cache[slot])
        guard f >= 0 else { return nil }
        cache[slot] = -1
        slotOfFrame[f] = 0
        return f
    }

    /// Records that anonymous frame `f` is mapped at `vpn`.
    @inline(__always) mutating func hint(_ f: Int, _ vpn: Int) {
        if f >= hintVPN.count { hintVPN.append(contentsOf: repeatElement(-1, count: max(64, f + 1 - hintVPN.count, hintVPN.count))) }
        hintVPN[f] = vpn
    }

    /// The recorded page of frame `f`, -1 if none.
    func hintedVPN(_ f: Int) -> Int { f < hintVPN.count ? hintVPN[f] : -1 }
}

/// Swap entries in the packed page-table entry: the present bit clear, the user bit set as the
/// tag (an empty entry is all zeros), the slot number where a present entry keeps its frame.
/// Linux stores a swap type and offset in a non-present PTE the same way.
extension Packed {
    /// The tag of a swap entry.
    static let swapTag: UInt32 = user

    /// A swap entry naming `slot`.
    @inline(__always) static func swapEntry(_ slot: Int) -> PackedEntry {
        UInt32(truncatingIfNeeded: slot) << frameShift | swapTag
    }

    /// Whether `e` is a swap entry (not present, not empty).
    @inline(__always) static func isSwap(_ e: PackedEntry) -> Bool { e & present == 0 && e != 0 }

    /// The slot a swap entry names.
    @inline(__always) static func slot(_ e: PackedEntry) -> Int { Int(e >> frameShift) }
}
