/// Physical memory as struct-of-arrays: one slot per frame in each array, no object per frame.
/// Frame number `count` (one past the last allocatable frame) is the shared zero page: its value
/// is always 0 and it is never allocated, freed or map-counted, so it has no slot.
///
/// The arrays are materialised lazily: they cover frames 0 ..< `materialized` only, and grow (by
/// doubling, in whole 64-frame words) when `allocate` needs a frame above that, so a machine
/// configured with 16,777,216 frames costs nothing until it uses them (about 22 bytes per frame
/// it has ever used, since frames are handed out lowest first). A frame above `materialized` is
/// free and cleared, exactly as a materialised free frame.
struct FrameTable: Sendable {
    /// What a used frame holds (free frames are `.free`).
    enum Kind: UInt8 {
        case free = 0, anonymous = 1, pageCache = 2, shmem = 3, pageTable = 4
    }

    /// Allocatable frames.
    let count: Int
    /// Stored value of each materialised frame (the zero page reads as 0, see `value(_:)`).
    var values: [Int64] = []
    /// Number of page-table entries pointing at each frame.
    var mapcount: [Int32] = []
    /// Kind of each frame.
    var kinds: [Kind] = []
    /// Dirty bit of the page itself (any write through any entry sets it).
    var dirty: [Bool] = []
    /// PageAnonExclusive (conformance rule 10): an anonymous frame its one mapper got by a fault of
    /// its own (a new page, or a reuse on a write fault); fork clears it. Only the `linux` profile
    /// reads it (mprotect back to writable re-enables writes only on marked pages).
    var exclusive: [Bool] = []
    /// For page-cache frames: file id; for shmem frames: object id. 0 otherwise.
    var owner: [Int32] = []
    /// Page index within the owner.
    var ownerPage: [Int32] = []
    /// One bit per materialised frame, 1 = free. Bits past `count` in the last word are 0.
    var freeBits: [UInt64] = []
    /// No free frame lives in a word below this one.
    var freeHint: Int = 0
    /// Number of free frames (materialised or not).
    private(set) var freeCount: Int
    /// The transparent huge pages allocated (`allocateBlock`), Linux's large folios: by first
    /// frame, a bitmap (8 words) of the frames still in use as part of it. A huge page stays
    /// one folio after its mappings split; a frame of it that is released leaves it (and may be
    /// allocated again as an ordinary page); the folio is gone with its last frame.
    var hugeFolios: [Int: [UInt64]] = [:]
    /// Frames of one huge page (a page-table page's worth of pages).
    static let hugeFolioFrames = 512
    /// The replacement policy's bookkeeping: told of every allocation and release here (a no-op
    /// unless it is tracking, see `ReplacementState`).
    var replacement = ReplacementState()

    /// The zero page's frame number.
    var zeroFrame: Int { count }

    /// Frames that have slots in the arrays (all others are free and cleared).
    var materialized: Int { kinds.count }

    init(count: Int) {
        self.count = count
        freeCount = count
    }

    /// The value of `frame`, 0 for the zero page.
    @inline(__always) func value(_ frame: Int) -> Int64 {
        frame < values.count ? values[frame] : 0
    }

    /// True if `frame` is an allocatable frame number currently in use.
    func isUsed(_ frame: Int) -> Bool {
        frame >= 0 && frame < kinds.count && kinds[frame] != .free
    }

    /// Gives the arrays slots for at least one more word of frames (doubling, up to `count`).
    private mutating func grow() {
        let old = kinds.count
        let wanted = min(count, max(64, old * 2))
        let new = wanted - old
        guard new > 0 else { return }
        values.append(contentsOf: repeatElement(0, count: new))
        mapcount.append(contentsOf: repeatElement(0, count: new))
        kinds.append(contentsOf: repeatElement(.free, count: new))
        dirty.append(contentsOf: repeatElement(false, count: new))
        exclusive.append(contentsOf: repeatElement(false, count: new))
        owner.append(contentsOf: repeatElement(0, count: new))
        ownerPage.append(contentsOf: repeatElement(0, count: new))
        // `old` is a multiple of 64 (or `count`, and then nothing grows): whole words only.
        let words = (wanted + 63) / 64
        while freeBits.count < words { freeBits.append(~0) }
        let tail = wanted % 64
        if tail != 0 { freeBits[words - 1] = (UInt64(1) << UInt64(tail)) - 1 }
    }

    /// Takes the lowest free frame, zero-filled and clean, with mapcount 0; nil when memory is full.
    /// A free frame already has value 0, mapcount 0, no dirty bit and no owner (`release` clears
    /// them, and `Machine.check()` verifies it), so only what differs is written: every anonymous
    /// fault of a million-page script allocates a frame, and each array written costs a
    /// uniqueness check.
    mutating func allocate(_ kind: Kind, owner: Int = 0, page: Int = 0) -> Int? {
        guard freeCount > 0 else { return nil }
        var w = freeHint
        while true {
            while w < freeBits.count && freeBits[w] == 0 { w += 1 }
            if w < freeBits.count { break }
            guard kinds.count < count else { return nil }
            grow()
        }
        let bit = freeBits[w].trailingZeroBitCount
        freeBits[w] &= freeBits[w] - 1
        freeHint = w
        freeCount -= 1
        let f = w * 64 + bit
        kinds[f] = kind
        if owner != 0 { self.owner[f] = Int32(truncatingIfNeeded: owner) }
        if page != 0 { ownerPage[f] = Int32(truncatingIfNeeded: page) }
        replacement.inserted(f)
        return f
    }

    /// Takes `n` (a multiple of 64) consecutive free frames starting at a multiple of `n`, the
    /// lowest such block, as anonymous frames (zero-filled, clean, mapcount 0): the frames of a
    /// transparent huge page (rule 17). Returns the first frame; nil (nothing taken) when no
    /// aligned block is wholly free.
    mutating func allocateBlock(_ n: Int) -> Int? {
        guard n > 0, n % 64 == 0, freeCount >= n else { return nil }
        let words = n / 64
        var first = 0
        while first + n <= count {
            while first + n > kinds.count && kinds.count < count { grow() }
            guard first + n <= kinds.count else { return nil }
            let w = first / 64
            if (w..<(w + words)).allSatisfy({ freeBits[$0] == ~UInt64(0) }) {
                for k in w..<(w + words) { freeBits[k] = 0 }
                freeCount -= n
                for f in first..<(first + n) {
                    kinds[f] = .anonymous
                    replacement.inserted(f)
                }
                if n == Self.hugeFolioFrames { hugeFolios[first] = Array(repeating: ~0, count: n / 64) }
                return first
            }
            first += n
        }
        return nil
    }

    /// Whether frame `f`, which is free, is in the state `allocate` relies on: value 0, mapcount
    /// 0, clean, no owner.
    func isCleared(_ f: Int) -> Bool {
        values[f] == 0 && mapcount[f] == 0 && !dirty[f] && !exclusive[f] && owner[f] == 0 && ownerPage[f] == 0
    }

    /// Returns `frame` to the free pool (callers make sure nothing refers to it any more).
    mutating func release(_ frame: Int) {
        guard isUsed(frame) else { return }
        if !hugeFolios.isEmpty { leaveHugeFolio(frame) }
        replacement.removed(frame)
        kinds[frame] = .free
        // Only what is not cleared already is written (each array store costs a uniqueness
        // check; reclaim frees a frame on every miss of a trace, issue 14).
        if mapcount[frame] != 0 { mapcount[frame] = 0 }
        if values[frame] != 0 { values[frame] = 0 }
        if dirty[frame] { dirty[frame] = false }
        if exclusive[frame] { exclusive[frame] = false }
        if owner[frame] != 0 { owner[frame] = 0 }
        if ownerPage[frame] != 0 { ownerPage[frame] = 0 }
        let w = frame / 64
        freeBits[w] |= UInt64(1) << UInt64(frame % 64)
        if w < freeHint { freeHint = w }
        freeCount += 1
    }

    /// Takes `frame` out of its huge page's folio, if it is in one.
    private mutating func leaveHugeFolio(_ frame: Int) {
        let first = frame - frame % Self.hugeFolioFrames
        guard var members = hugeFolios[first] else { return }
        let k = frame - first
        members[k / 64] &= ~(UInt64(1) << UInt64(k % 64))
        hugeFolios[first] = members.allSatisfy { $0 == 0 } ? nil : members
    }

    /// Whether `frame` is (still) part of a huge page's folio.
    @inline(__always) func inHugeFolio(_ frame: Int) -> Bool {
        guard !hugeFolios.isEmpty, let members = hugeFolios[frame - frame % Self.hugeFolioFrames] else { return false }
        let k = frame % Self.hugeFolioFrames
        return members[k / 64] & (UInt64(1) << UInt64(k % 64)) != 0
    }

    /// True when the free bitmap says `frame` is free.
    func bitmapSaysFree(_ frame: Int) -> Bool {
        freeBits[frame / 64] & (UInt64(1) << UInt64(frame % 64)) != 0
    }
}
