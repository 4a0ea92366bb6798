import CowEngine

/// The textbook figure of copy-on-write, as data: the processes drawn as columns of page-table
/// entries (collapsed into runs), the physical frames they map as runs in a column on the right,
/// and one connector from each entry run to the frame run it maps. `draw` (terminal), `draw ...
/// to FILE.svg` and `to FILE.dot`, and the pictures of `cowsim html` are renderers of this one
/// model (`PictureText`, `PictureSVG`, `PictureDOT`), so they cannot disagree about what is
/// shared, copied or cached.
///
/// A frame run is a range of consecutive frames of the same kind and mapcount whose mappers (among
/// the processes drawn) are the same entries one page apart; each mapper of it is an entry run of
/// the same length. So an entry run always maps exactly one frame run: that is the connector.
public struct Picture: Sendable, Equatable {
    /// What a frame run holds, as the legend names it. Each kind has a symbol and a colour.
    public enum Kind: String, Sendable, CaseIterable {
        /// Anonymous memory mapped once: a page of one process (a copy made by copy-on-write is one).
        case privateAnon = "private"
        /// Anonymous memory mapped more than once: shared copy-on-write after fork (or shared memory).
        case shared
        /// A page of a file in the page cache (library code, file mappings, shared memory objects).
        case pageCache = "page cache"
        /// The one shared zero page (reads of untouched anonymous memory under `profile linux`).
        case zero = "zero page"
        /// Pages on the swap device (`config swap`): the slots that swap entries name (entries `S`).
        case swap = "swap slot"

        /// One character that marks the kind in the terminal, and in the SVG legend.
        public var symbol: Character {
            switch self {
            case .privateAnon: return "#"
            case .shared: return "="
            case .pageCache: return "~"
            case .zero: return "0"
            case .swap: return "@"
            }
        }

        /// SGR colour of the kind on a colour terminal.
        var sgr: String {
            switch self {
            case .privateAnon: return "35"   // magenta, as copies are in event lines
            case .shared: return "36"        // cyan
            case .pageCache: return "34"     // blue
            case .zero: return "2"           // faint
            case .swap: return "32"          // green
            }
        }

        /// Fill colour in SVG and DOT (readable projected, distinguishable in grey too).
        var fill: String {
            switch self {
            case .privateAnon: return "#f4c2e8"
            case .shared: return "#b8e6f0"
            case .pageCache: return "#c9d7f8"
            case .zero: return "#e6e6e6"
            case .swap: return "#c8efc0"
            }
        }

        /// Stroke colour in SVG and DOT.
        var stroke: String {
            switch self {
            case .privateAnon: return "#a0267f"
            case .shared: return "#11778c"
            case .pageCache: return "#2a4fb0"
            case .zero: return "#777777"
            case .swap: return "#2f7d22"
            }
        }

        /// The legend's explanation.
        public var explanation: String {
            switch self {
            case .privateAnon: return "private (mapped once, e.g. a copy made on write)"
            case .shared: return "shared anonymous (xN: mapcount)"
            case .pageCache: return "page cache (file pages)"
            case .zero: return "the zero page"
            case .swap: return "swap slot"
            }
        }
    }

    /// A run of consecutive physical frames.
    public struct FrameRun: Sendable, Equatable {
        /// The first frame (the machine's zero-page frame for the zero page).
        public var first: Int
        /// How many frames.
        public var count: Int
        /// What they hold.
        public var kind: Kind
        /// Page-table entries mapping each frame, in every process (0 for the zero page).
        public var mapcount: Int
        /// What the frames hold, in words: "anonymous", "libc pages 0-31", "the zero page".
        public var content: String
        /// The same in one word: "anon", "libc", "zero".
        public var shortContent: String

        /// "40", "0-31", "zero", "slot 3", "slots 0-1".
        public var label: String {
            let numbers = count == 1 ? "\(first)" : "\(first)-\(first + count - 1)"
            switch kind {
            case .zero: return "zero"
            case .swap: return (count == 1 ? "slot " : "slots ") + numbers
            default: return numbers
            }
        }

        /// Identity of frame `first + k` of the run, for comparing pictures: the frame number,
        /// -1 for the zero page, -2 - slot for a swap slot.
        func place(_ k: Int) -> Int {
            switch kind {
            case .zero: return -1
            case .swap: return -2 - (first + k)
            default: return first + k
            }
        }
    }

    /// A run of page-table entries of one process, all mapping one frame run.
    public struct EntryRun: Sendable, Equatable {
        /// The region holding them.
        public var region: String
        /// The first virtual page.
        public var firstPage: Int
        /// How many pages.
        public var pages: Int
        /// Write-protected for copy-on-write (flag C).
        public var copyOnWrite: Bool
        /// Writable (flag W).
        public var writable: Bool
        /// The frame run they map: an index into `Picture.frames` (the connector).
        public var frameRun: Int
        /// Not present: the entries name swap slots (flag S; the frame run is of kind `.swap`).
        public var swapped = false

        /// "C" copy-on-write, "W" writable, "R" read-only, "S" in swap.
        public var mark: Character { swapped ? "S" : copyOnWrite ? "C" : writable ? "W" : "R" }
    }

    /// One process drawn.
    public struct Column: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// Its pid.
        public var pid: PID
        /// Its entry runs, by address.
        public var entries: [EntryRun]
    }

    /// The processes, in the order asked (default: every live process, by pid).
    public var columns: [Column]
    /// The frame runs mapped by the processes drawn, by frame number (the zero page, then the
    /// swap slots their swap entries name, last).
    public var frames: [FrameRun]
    /// Bytes per page (addresses are shown in bytes).
    public var pageSize: Int
    /// Frames in the machine.
    public var frameCount: Int
    /// Frames in use.
    public var usedFrames: Int
    /// The region zoomed into (`draw P REGION`), nil for whole address spaces.
    public var zoom: String?
    /// What the model itself leaves out, one sentence each (frames no process drawn maps,
    /// processes not drawn); renderers add what they leave out for lack of room.
    public var notes: [String]

    /// The first byte address of an entry run.
    public func address(_ run: EntryRun) -> String { Format.hex(run.firstPage &* pageSize) }

    /// Connectors: (column, entry) pairs, each pointing to `frames[entry.frameRun]`.
    public var connectorCount: Int { columns.reduce(0) { $0 + $1.entries.count } }

    /// Connectors into frames mapped more than once (the textbook's shared arrows).
    public var connectorsToSharedFrames: Int {
        columns.reduce(0) { total, column in total + column.entries.filter { frames[$0.frameRun].mapcount > 1 }.count }
    }

    /// The kinds present (for legends that list only what is drawn, in `Kind` order).
    public var kindsPresent: [Kind] {
        Kind.allCases.filter { kind in frames.contains { $0.kind == kind } }
    }
}

// MARK: - Building the model from the machine

extension Picture {
    /// One present entry of a process drawn.
    private struct Mapping: Equatable {
        var column: Int
        var vpn: Int
        var flags: PTEFlags
        var region: String

        /// The entry run of `pages` pages starting at this mapping, drawn to `frameRun`.
        func run(pages: Int, frameRun: Int, swapped: Bool = false) -> EntryRun {
            EntryRun(region: region, firstPage: vpn, pages: pages, copyOnWrite: flags.contains(.copyOnWrite),
                     writable: flags.contains(.writable), frameRun: frameRun, swapped: swapped)
        }
    }

    /// The picture of `processes` (pids, in column order) on `machine`. `zoom`: only the entries
    /// of that region of the first process, every page its own run, with the entries of the other
    /// processes that map the same frames (so sharing stays visible).
    public static func make(of machine: Machine, processes pids: [PID], zoom: String? = nil) -> Picture {
        let zero = machine.zeroPageFrame
        var columns: [Column] = pids.map { Column(name: machine.processName($0) ?? "pid \($0)", pid: $0, entries: []) }
        var byFrame: [Int: [Mapping]] = [:]
        var zeroMappings: [[Mapping]] = Array(repeating: [], count: pids.count)
        func add(_ m: Mapping, frame: Int) {
            if frame == zero { zeroMappings[m.column].append(m) } else { byFrame[frame, default: []].append(m) }
        }
        if let zoom, let first = pids.first {
            var frames: [Int] = []
            for page in machine.pageTable(of: first) where page.region == zoom {
                add(Mapping(column: 0, vpn: page.vpn, flags: page.entry.flags, region: page.region), frame: page.entry.frame)
                if page.entry.frame != zero { frames.append(page.entry.frame) }
            }
            // The other processes mapping those frames join as columns.
            let reverse = machine.mappers(of: frames)
            var extra: [PID] = []
            for (_, list) in reverse { for m in list where m.pid != first && !extra.contains(m.pid) { extra.append(m.pid) } }
            extra.sort()
            let wanted = Set(frames)
            for pid in extra {
                let column = columns.count
                columns.append(Column(name: machine.processName(pid) ?? "pid \(pid)", pid: pid, entries: []))
                zeroMappings.append([])
                for page in machine.pageTable(of: pid) where wanted.contains(page.entry.frame) {
                    add(Mapping(column: column, vpn: page.vpn, flags: page.entry.flags, region: page.region), frame: page.entry.frame)
                }
            }
        } else {
            for (c, pid) in pids.enumerated() {
                for page in machine.pageTable(of: pid) {
                    add(Mapping(column: c, vpn: page.vpn, flags: page.entry.flags, region: page.region), frame: page.entry.frame)
                }
            }
        }
        for key in byFrame.keys { byFrame[key]?.sort { ($0.column, $0.vpn) < ($1.column, $1.vpn) } }

        // What each frame holds (one walk of the frame table).
        let (used, _) = machine.usedFramesAndZeroPage
        var info: [Int: FrameInfo] = [:]
        info.reserveCapacity(byFrame.count)
        for f in used where byFrame[f.number] != nil { info[f.number] = f }

        var frameRuns: [FrameRun] = []
        let everyPage = zoom != nil
        let sortedFrames = byFrame.keys.sorted()
        var i = 0
        while i < sortedFrames.count {
            let first = sortedFrames[i]
            let mappers = byFrame[first] ?? []
            let firstInfo = info[first]
            let j = everyPage ? i + 1 : runEnd(sortedFrames, from: i) { a, b in
                continues(info[a], info[b]) && follows(byFrame[a] ?? [], byFrame[b] ?? [])
            }
            let count = j - i
            let mapcount = firstInfo?.mapcount ?? mappers.count
            let run = FrameRun(first: first, count: count, kind: kind(firstInfo, mapcount: mapcount),
                               mapcount: mapcount, content: content(firstInfo, count: count, machine: machine),
                               shortContent: content(firstInfo, count: 0, machine: machine))
            let index = frameRuns.count
            frameRuns.append(run)
            for m in mappers {
                columns[m.column].entries.append(m.run(pages: count, frameRun: index))
            }
            i = j
        }
        // The zero page: one frame run, entry runs of consecutive pages per process.
        let zeroTotal = zeroMappings.reduce(0) { $0 + $1.count }
        if zeroTotal > 0 {
            let index = frameRuns.count
            frameRuns.append(FrameRun(first: zero, count: 1, kind: .zero, mapcount: 0, content: "the zero page", shortContent: "page"))
            for (c, list) in zeroMappings.enumerated() {
                var k = 0
                let sorted = list.sorted { $0.vpn < $1.vpn }
                while k < sorted.count {
                    var l = k + 1
                    while !everyPage, l < sorted.count, sorted[l].vpn == sorted[l - 1].vpn + 1, sorted[l].region == sorted[k].region,
                          sorted[l].flags == sorted[k].flags { l += 1 }
                    columns[c].entries.append(sorted[k].run(pages: l - k, frameRun: index))
                    k = l
                }
            }
        }
        addSwapRuns(of: machine, zoom: zoom, columns: &columns, frames: &frameRuns)
        for c in columns.indices { columns[c].entries.sort { $0.firstPage < $1.firstPage } }

        var notes: [String] = []
        let shownFrames = frameRuns.reduce(0) { $0 + ($1.kind == .zero || $1.kind == .swap ? 0 : $1.count) }
        let unshown = machine.usedFrameCount - shownFrames
        if unshown > 0 {
            let cache = used.filter { byFrame[$0.number] == nil && $0.kind != .anonymous }.count
            var text = "\(Format.count(unshown, "frame")) in use mapped by no entry drawn"
            if cache > 0 && zoom == nil { text += " (\(cache) of them page cache)" }
            notes.append(text)
        }
        return Picture(columns: columns, frames: frameRuns, pageSize: machine.pageSize, frameCount: machine.frameCount,
                       usedFrames: machine.usedFrameCount, zoom: zoom, notes: notes)
    }

    /// The swap entries of the processes drawn (zoomed: those of the region, and the entries of
    /// other processes naming the same slots, whose processes join as columns), as runs of
    /// consecutive slots with one swap count whose entries are the same pages one page apart,
    /// placed after the frames: a page shared by copy-on-write and swapped out is one slot with
    /// an arrow from each process, as it is one frame before (issue 14).
    private static func addSwapRuns(of machine: Machine, zoom: String?, columns: inout [Column], frames: inout [FrameRun]) {
        guard machine.swapUsed > 0 else { return }
        var bySlot: [Int: [Mapping]] = [:]
        var slotsInUse: [SwapSlotInfo]?
        if let zoom, let first = columns.first {
            for page in machine.swapEntries(of: first.pid) where page.region == zoom {
                bySlot[page.slot, default: []].append(Mapping(column: 0, vpn: page.vpn, flags: [], region: page.region))
            }
            guard !bySlot.isEmpty else { return }
            let wanted = Set(bySlot.keys)
            slotsInUse = machine.swapSlots      // one walk of every page table, used twice
            var pids = Set((slotsInUse ?? []).filter { wanted.contains($0.slot) }.flatMap { $0.referrers.map(\.pid) })
            pids.remove(first.pid)
            for pid in pids.sorted() {
                let column = columns.firstIndex { $0.pid == pid } ?? {
                    columns.append(Column(name: machine.processName(pid) ?? "pid \(pid)", pid: pid, entries: []))
                    return columns.count - 1
                }()
                for page in machine.swapEntries(of: pid) where wanted.contains(page.slot) {
                    bySlot[page.slot, default: []].append(Mapping(column: column, vpn: page.vpn, flags: [], region: page.region))
                }
            }
        } else {
            for (c, column) in columns.enumerated() {
                for page in machine.swapEntries(of: column.pid) {
                    bySlot[page.slot, default: []].append(Mapping(column: c, vpn: page.vpn, flags: [], region: page.region))
                }
            }
        }
        guard !bySlot.isEmpty else { return }
        var counts: [Int: Int] = [:]
        for info in slotsInUse ?? machine.swapSlots { counts[info.slot] = info.count }
        for key in bySlot.keys { bySlot[key]?.sort { ($0.column, $0.vpn) < ($1.column, $1.vpn) } }
        let slots = bySlot.keys.sorted()
        var i = 0
        while i < slots.count {
            let count = counts[slots[i]] ?? 0
            let j = zoom != nil ? i + 1 : runEnd(slots, from: i) { a, b in
                counts[a] == counts[b] && follows(bySlot[a] ?? [], bySlot[b] ?? [])
            }
            let index = frames.count
            frames.append(FrameRun(first: slots[i], count: j - i, kind: .swap, mapcount: count,
                                   content: j - i == 1 ? "swapped-out page" : "swapped-out pages", shortContent: "swap"))
            for m in bySlot[slots[i]] ?? [] {
                columns[m.column].entries.append(m.run(pages: j - i, frameRun: index, swapped: true))
            }
            i = j
        }
    }

    /// The live processes a plain `draw` shows: every live process with its own address space
    /// (a vfork child borrowing its parent's is drawn as its parent), by pid.
    public static func defaultProcesses(of machine: Machine) -> [PID] {
        machine.processes.filter { $0.isAlive && $0.borrowsFrom == nil }.map(\.pid)
    }

    /// Whether frame `b` may continue the run that frame `a` ends (same kind, same mapcount,
    /// the next page of the same file).
    private static func continues(_ a: FrameInfo?, _ b: FrameInfo?) -> Bool {
        guard let a, let b, a.mapcount == b.mapcount else { return false }
        switch (a.kind, b.kind) {
        case (.anonymous, .anonymous): return true
        case (.pageCache(let fa, let pa), .pageCache(let fb, let pb)): return fa == fb && pb == pa + 1
        default: return false
        }
    }

    /// Where the run of `keys` (sorted frame or slot numbers) starting at index `i` ends: it goes
    /// on while the next key is one more than the last and `joins(last, next)`.
    private static func runEnd(_ keys: [Int], from i: Int, joins: (Int, Int) -> Bool) -> Int {
        var j = i + 1
        while j < keys.count, keys[j] == keys[j - 1] + 1, joins(keys[j - 1], keys[j]) { j += 1 }
        return j
    }

    /// Whether the mappers of the next frame are those of the previous one, one page further.
    private static func follows(_ a: [Mapping], _ b: [Mapping]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard y.column == x.column, y.vpn == x.vpn + 1, y.flags == x.flags, y.region == x.region else { return false }
        }
        return true
    }

    private static func kind(_ info: FrameInfo?, mapcount: Int) -> Kind {
        switch info?.kind {
        case .pageCache?: return .pageCache
        case .zero?: return .zero
        case .pageTable?: return .privateAnon
        case .anonymous?, nil: return mapcount > 1 ? .shared : .privateAnon
        }
    }

    /// What `count` frames from `info` hold (count 0: in one word).
    private static func content(_ info: FrameInfo?, count: Int, machine: Machine) -> String {
        switch info?.kind {
        case .pageCache(let file, let page)?:
            let name = machine.file(id: file)?.name ?? "file \(file)"
            if count == 0 { return name }
            return count == 1 ? "\(name) page \(page)" : "\(name) pages \(page)-\(page + count - 1)"
        case .zero?: return count == 0 ? "page" : "the zero page"
        case .pageTable?: return count == 0 ? "table" : "page tables"
        case .anonymous?, nil: return count == 0 ? "anon" : "anonymous"
        }
    }
}
