// Page replacement: which resident frame reclaim takes when memory is full (issue 14).
//
// The engine tells a `ReplacementState` (kept in `FrameTable`, so every frame that is allocated or
// freed passes through it) what happens to frames, and reclaim asks it for a victim:
//
//   inserted(f)              a frame became resident (FrameTable.allocate)
//   referenced(f, write:)    an access used a resident frame (Machine.readPage / writePage)
//   removed(f)               the frame was freed (FrameTable.release)
//   victim()                 reclaim needs a frame: which one, and why (for the event)
//   passOver(f)              reclaim could not take the frame victim() named: choose it last
//   upcoming                 OPT's future: the trace position where the page accessed now is next used
//
// All of it is gated on `isTracking` (a stored Bool, off unless swap is configured, see
// `Machine.trackReplacement`): with it off, the hooks cost one load and one branch each and
// nothing is recorded, so the hot path is as before. The per-policy bookkeeping lives in
// Policies/ (one file per policy), so this file stays the contract.

/// Which policy chooses reclaim victims (`set policy NAME`).
public enum ReplacementPolicy: String, CaseIterable, Sendable {
    /// First in, first out: the frame resident longest.
    case fifo
    /// Least recently used, exactly (every access moves the frame to the back).
    case lru
    /// Second chance on a circular list with a hand and one reference bit per frame.
    case clock
    /// Belady's optimal: the frame whose page is next used furthest in the future (needs `trace`).
    case opt
    /// A frame drawn at random from the machine's seed.
    case rand
    /// Linux's active and inactive lists with second chance (see Grammar.md).
    case linux

    /// The policy of a new machine. LRU: the textbook's reference point, and what the other
    /// policies are compared against; `linux` is one `set policy linux` away.
    public static let `default`: ReplacementPolicy = .lru
}

/// The bookkeeping of the chosen replacement policy: which frames are resident and in what order
/// they would be given up. Frames are `Int`s as in `FrameTable` (the zero page is never tracked).
///
/// Contract with the engine (every call with `isTracking` off is a no-op):
/// - `inserted(f)` once when frame `f` is allocated (it counts as the first reference);
/// - `referenced(f, write:)` on each access that finds `f` mapped; after a fault, `faultBegins()`
///   before it and `referencedAfterFault(f, write:)` with the frame it left mapped (so a fault
///   that mapped an existing frame, a page-cache hit say, counts as a reference, and one that
///   allocated the frame does not count twice); a frame that is not tracked (the zero page, or
///   tracking was off when it was allocated) is ignored;
/// - `removed(f)` once when `f` is freed, whether reclaim freed it or not;
/// - `victim()` when reclaim needs a frame: a tracked frame, or nil if none is tracked. The state
///   may move hands and clear bits while choosing, but `f` stays tracked until the engine frees it
///   (`removed`) or gives up on it (`passOver`); it must do one of the two before asking again.
public struct ReplacementState: Sendable {
    /// The policy in force.
    public private(set) var policy: ReplacementPolicy = .default
    /// Whether the engine reports to this state (set by `Machine.trackReplacement`). Stored, so
    /// the hot path pays one load and branch when it is off.
    public private(set) var isTracking = false
    /// OPT's future: the position (in the running trace) at which the page being accessed now is
    /// accessed next, `Int.max` when never again or when no future is known (outside `trace`).
    /// The trace driver sets it before each access.
    public var upcoming = Int.max
    /// Whether `victim()` must say in full why it chose its frame (the reason goes into the
    /// reclaim event); the machine clears it while it records no events, and CLOCK then leaves
    /// out the count of reference bits it cleared (no string is built per miss, issue 14).
    var describesVictims = true
    /// Whether a trace is giving OPT its future (only changes the wording of OPT's reasons).
    public var knowsFuture = false

    // Per-frame bookkeeping, indexed by frame number, grown on demand.
    /// Which list the frame is on: 0 = not tracked, 1 = the main list (inactive for `linux`),
    /// 2 = the active list (`linux` only).
    var list: [UInt8] = []
    /// Neighbours on its list (-1 = none). The lists are doubly linked through these arrays.
    var prev: [Int32] = []
    var next: [Int32] = []
    /// Reference bit (CLOCK, linux).
    var referencedBit: [Bool] = []
    /// OPT: where the frame's page is next used (`Int.max` = never or unknown).
    var nextUse: [Int] = []
    /// OPT: when the frame was inserted (ties go to the latest, as OSTEP's simulator breaks them).
    var stamp: [Int] = []
    /// RAND: position of the frame in `pool`.
    var poolIndex: [Int32] = []

    /// Head (oldest / next to go) and tail of lists 1, 2 and 3 (index 0 unused), and counts.
    /// List 3 (`linux` only) parks the frames reclaim passed over until a frame comes or goes.
    var head: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
    var tail: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
    var counts: (Int, Int, Int, Int) = (0, 0, 0, 0)
    /// CLOCK's hand: the frame it points at (-1 = the list's head).
    var hand: Int32 = -1
    /// RAND: the tracked frames in no particular order, and the generator's state. The last
    /// `passedOver` of the pool were passed over since the last insertion or removal.
    var pool: [Int32] = []
    var passedOver = 0
    var random = SplitMix64(seed: 0)
    /// OPT: a max-heap of (next use, stamp, frame), with stale entries dropped when popped.
    var heap: [OptEntry] = []
    /// Insertions so far (OPT's stamps).
    var insertions = 0
    /// The frame the fault in progress allocated, so the reference that follows the fault does
    /// not count twice (it matters to `linux`, whose new pages start unreferenced).
    var justInserted: Int32 = -1
    /// The frame the fault in progress left mapped at the faulting page, when the fault handler
    /// says so (a swap-in does): the reference after the fault then needs no page-table lookup
    /// (issue 14). -1: not known, look it up. Cleared by `faultBegins`.
    var mappedByFault: Int32 = -1

    public init() {}

    /// Tracked frames.
    public var count: Int { counts.1 + counts.2 + counts.3 }

    /// Whether frame `f` is tracked.
    public func isTracked(_ f: Int) -> Bool { f >= 0 && f < list.count && list[f] != 0 }
}

// MARK: - The engine's side

extension ReplacementState {
    /// Frame `f` was allocated (FrameTable.allocate).
    @inline(__always) mutating func inserted(_ f: Int) {
        guard isTracking else { return }
        insert(f)
    }

    /// An access used frame `f` (a write if `write`).
    @inline(__always) mutating func referenced(_ f: Int, write: Bool) {
        guard isTracking else { return }
        touch(f)
    }

    /// A fault is about to be handled: frames allocated from now on are new to this access.
    @inline(__always) mutating func faultBegins() {
        justInserted = -1
        mappedByFault = -1
    }

    /// The access whose fault just finished used frame `f`. A frame the fault allocated counts
    /// as referenced once already (by `inserted`), so only OPT learns from this (the trace
    /// position of the page's next use); any other frame is referenced as usual.
    mutating func referencedAfterFault(_ f: Int, write: Bool) {
        guard isTracking else { return }
        let fresh = justInserted == Int32(truncatingIfNeeded: f)
        justInserted = -1
        if fresh {
            if policy == .opt, isTracked(f) { optTouch(f) }
            return
        }
        touch(f)
    }

    /// Frame `f` was freed (FrameTable.release).
    @inline(__always) mutating func removed(_ f: Int) {
        guard isTracking else { return }
        remove(f)
    }

    /// The frame reclaim should take now and why (a phrase for the event: "least recently used"),
    /// or nil when no frame is tracked. See the type's contract.
    public mutating func victim() -> (frame: Int, why: String)? {
        guard isTracking, count > 0 else { return nil }
        switch policy {
        case .fifo: return fifoVictim()
        case .lru: return lruVictim()
        case .clock: return clockVictim()
        case .opt: return optVictim()
        case .rand: return randVictim()
        case .linux: return linuxVictim()
        }
    }

    /// Reclaim could not take frame `f` (returned by `victim()`): keep it, chosen last. FIFO,
    /// LRU, CLOCK and linux put it back as if it had just come in (CLOCK: behind the hand,
    /// linux: newest on the inactive list, unreferenced); OPT ranks it below every other frame
    /// until its page is accessed again; RAND leaves it out of the draws until a frame is
    /// inserted or removed.
    public mutating func passOver(_ f: Int) {
        guard isTracked(f) else { return }
        switch policy {
        case .fifo, .lru, .clock:
            remove(f)
            insert(f)
        case .linux:
            unlink(f)
            referencedBit[f] = false
            linkTail(f, 3)
        case .opt:
            nextUse[f] = -1
            heapPush(OptEntry(nextUse: -1, stamp: stamp[f], frame: Int32(truncatingIfNeeded: f)))
        case .rand:
            randPassOver(f)
        }
    }

    /// Starts or stops tracking. Starting tracks `resident` (the frames in use now) in that order,
    /// as if inserted one after the other; stopping forgets every frame.
    mutating func setTracking(_ on: Bool, resident: some Sequence<Int>) {
        forgetAll()
        isTracking = on
        guard on else { return }
        for f in resident { insert(f) }
    }

    /// Switches to `policy`, keeping the tracked frames: they are re-inserted oldest first as the
    /// old policy ordered them (its list order; RAND and OPT: frame number order). `seed` seeds
    /// RAND's generator.
    mutating func setPolicy(_ policy: ReplacementPolicy, seed: UInt64, resident: [Int]) {
        let order = isTracking ? trackedInOrder(resident) : []
        forgetAll()
        self.policy = policy
        random = SplitMix64(seed: seed)
        for f in order { insert(f) }
    }

    /// The tracked frames, oldest first when the policy keeps an order, else in frame order.
    func trackedInOrder(_ resident: [Int]) -> [Int] {
        switch policy {
        case .fifo, .lru, .clock:
            var out: [Int] = []
            var f = head.1
            while f >= 0 { out.append(Int(f)); f = next[Int(f)] }
            return out
        case .linux:
            var out: [Int] = []
            for l: UInt8 in [2, 1, 3] {
                var f = headOf(l)
                while f >= 0 { out.append(Int(f)); f = next[Int(f)] }
            }
            return out
        case .opt, .rand:
            return resident.filter { isTracked($0) }
        }
    }

    /// Forgets every frame (tracking and policy unchanged).
    mutating func forgetAll() {
        list = []; prev = []; next = []; referencedBit = []; nextUse = []; stamp = []; poolIndex = []
        head = (-1, -1, -1, -1); tail = (-1, -1, -1, -1); counts = (0, 0, 0, 0)
        hand = -1; pool = []; passedOver = 0; heap = []; insertions = 0; justInserted = -1
    }

    /// Tracks frame `f` (already tracked: nothing happens).
    mutating func insert(_ f: Int) {
        grow(to: f)
        guard list[f] == 0 else { return }
        justInserted = Int32(truncatingIfNeeded: f)
        insertions += 1
        stamp[f] = insertions
        if counts.3 > 0 { unparkAll() }
        switch policy {
        case .fifo, .lru: linkTail(f, 1)
        case .clock: clockInsert(f)
        case .opt: optInsert(f)
        case .rand: randInsert(f)
        case .linux: linuxInsert(f)
        }
    }

    /// Counts a reference to frame `f` (not tracked: ignored).
    @inline(__always) mutating func touch(_ f: Int) {
        guard f < list.count, list[f] != 0 else { return }
        switch policy {
        case .fifo, .rand: break
        case .lru: if tail.1 != Int32(truncatingIfNeeded: f) { unlink(f); linkTail(f, 1) }
        case .clock, .linux: if !referencedBit[f] { referencedBit[f] = true }     // most hits find it set
        case .opt: optTouch(f)
        }
    }

    /// Stops tracking frame `f` (not tracked: nothing happens).
    mutating func remove(_ f: Int) {
        guard f < list.count, list[f] != 0 else { return }
        if justInserted == Int32(truncatingIfNeeded: f) { justInserted = -1 }
        if counts.3 > 0 { unparkAll() }
        switch policy {
        case .fifo, .lru, .linux: unlink(f)
        case .clock: clockRemove(f)
        case .opt: optRemove(f)  // its heap entries go stale
        case .rand: randRemove(f)
        }
        referencedBit[f] = false
    }

    /// Gives the per-frame arrays a slot for frame `f`.
    mutating func grow(to f: Int) {
        guard f >= list.count else { return }
        let n = max(f + 1, min(list.count * 2, f + 1 + (1 << 20)), 64) - list.count
        list.append(contentsOf: repeatElement(0, count: n))
        prev.append(contentsOf: repeatElement(-1, count: n))
        next.append(contentsOf: repeatElement(-1, count: n))
        referencedBit.append(contentsOf: repeatElement(false, count: n))
        nextUse.append(contentsOf: repeatElement(Int.max, count: n))
        stamp.append(contentsOf: repeatElement(0, count: n))
        poolIndex.append(contentsOf: repeatElement(-1, count: n))
    }
}

// MARK: - Doubly linked lists through the frame arrays

extension ReplacementState {
    func headOf(_ l: UInt8) -> Int32 { l == 1 ? head.1 : l == 2 ? head.2 : head.3 }
    func tailOf(_ l: UInt8) -> Int32 { l == 1 ? tail.1 : l == 2 ? tail.2 : tail.3 }
    func countOf(_ l: UInt8) -> Int { l == 1 ? counts.1 : l == 2 ? counts.2 : counts.3 }
    mutating func setHead(_ l: UInt8, _ f: Int32) {
        switch l {
        case 1: head.1 = f
        case 2: head.2 = f
        default: head.3 = f
        }
    }
    mutating func setTail(_ l: UInt8, _ f: Int32) {
        switch l {
        case 1: tail.1 = f
        case 2: tail.2 = f
        default: tail.3 = f
        }
    }
    mutating func addCount(_ l: UInt8, _ d: Int) {
        switch l {
        case 1: counts.1 += d
        case 2: counts.2 += d
        default: counts.3 += d
        }
    }

    /// linux: the parked frames (passed over by reclaim) go back to the inactive list, newest.
    mutating func unparkAll() {
        while head.3 >= 0 {
            let f = Int(head.3)
            unlink(f)
            linkTail(f, 1)
        }
    }

    /// Appends `f` to list `l` (it becomes the newest).
    mutating func linkTail(_ f: Int, _ l: UInt8) {
        let f32 = Int32(truncatingIfNeeded: f)
        let t = tailOf(l)
        list[f] = l
        prev[f] = t
        next[f] = -1
        if t >= 0 { next[Int(t)] = f32 } else { setHead(l, f32) }
        setTail(l, f32)
        addCount(l, 1)
    }

    /// Puts `f` on list `l` just before `before` (a member of `l`).
    mutating func linkBefore(_ f: Int, _ before: Int, _ l: UInt8) {
        let f32 = Int32(truncatingIfNeeded: f)
        let p = prev[before]
        list[f] = l
        prev[f] = p
        next[f] = Int32(truncatingIfNeeded: before)
        prev[before] = f32
        if p >= 0 { next[Int(p)] = f32 } else { setHead(l, f32) }
        addCount(l, 1)
    }

    /// Takes `f` off its list. Its own links are left as they were: nothing reads the links of
    /// a frame on no list (`linkTail` and `linkBefore` set both), and LRU unlinks a frame on
    /// every miss and on most hits (issue 14: two array stores fewer each time).
    mutating func unlink(_ f: Int) {
        let l = list[f]
        let p = prev[f], n = next[f]
        if p >= 0 { next[Int(p)] = n } else { setHead(l, n) }
        if n >= 0 { prev[Int(n)] = p } else { setTail(l, p) }
        list[f] = 0
        addCount(l, -1)
    }
}

/// One entry of OPT's heap: larger `nextUse` first, then larger `stamp`.
struct OptEntry: Sendable {
    var nextUse: Int
    var stamp: Int
    var frame: Int32

    @inline(__always) func before(_ other: OptEntry) -> Bool {
        nextUse != other.nextUse ? nextUse > other.nextUse : stamp > other.stamp
    }
}
