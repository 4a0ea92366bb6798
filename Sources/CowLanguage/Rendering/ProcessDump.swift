import CowEngine

/// `dump P`: a process's regions and page table. Runs of entries that differ only by one page
/// (next vpn, next frame, same flags and region) share a row unless `all` asks for every page.
public struct ProcessDump {
    let machine: Machine
    let info: ProcessInfo

    /// The dump of `info` on `machine`.
    public init(machine: Machine, info: ProcessInfo) {
        self.machine = machine
        self.info = info
    }

    /// The legend printed under every page table.
    public static let legend = "flags: P present, W writable, U user, C copy-on-write, D dirty, A accessed, - clear; frame `zero` is the shared zero page; mapcount: entries mapping the frame"
    /// The legend with the exclusive mark, under the `linux` profile.
    public static let exclusiveLegend = "flags: P present, W writable, U user, C copy-on-write, D dirty, A accessed, E exclusive anonymous page (rule 10), - clear; frame `zero` is the shared zero page; mapcount: entries mapping the frame"

    /// Whether the dump marks exclusive pages (only under the `linux` profile, whose rule 10 they
    /// belong to, so the textbook profile's dumps are unchanged).
    private var showsExclusive: Bool { machine.config.profile == .linux }

    /// The flag letters of `page`: "PWU-DA", plus "E" when its page is marked exclusive.
    func flagText(_ page: MappedPage) -> String {
        page.entry.flags.description + (isExclusive(page) ? "E" : "")
    }

    private func isExclusive(_ page: MappedPage) -> Bool {
        showsExclusive && machine.isExclusive(frame: page.entry.frame)
    }

    /// The line under the legend when some row is part of a transparent huge page.
    public static let hugeLegend = "H: part of a transparent huge page (a block of \(Machine.hugePagePages) pages mapped as one)"

    /// The most names a cell lists before it says "and N more" (the rest: `dump frame N`).
    static let namesShown = 8

    /// "a, b, c" or, past `namesShown`, "a, b, ..., h and 1992 more".
    static func summarised(_ names: [String]) -> String {
        guard names.count > namesShown else { return names.joined(separator: ", ") }
        return names.prefix(namesShown).joined(separator: ", ") + " and \(names.count - namesShown) more"
    }

    /// The pid owning the address space shown (a vfork child shows its parent's).
    private var owner: PID { info.borrowsFrom ?? info.pid }

    /// For each frame the dump shows, the other processes mapping it (pids, ascending, once each).
    private func sharers(_ entries: [MappedPage]) -> [Int: [PID]] {
        let zero = machine.zeroPageFrame
        let reverse = machine.mappers(of: entries.lazy.map(\.entry.frame).filter { $0 != zero })
        var result: [Int: [PID]] = [:]
        for (frame, list) in reverse {
            var pids: [PID] = []
            for m in list where m.pid != owner && pids.last != m.pid { pids.append(m.pid) }
            result[frame] = pids
        }
        return result
    }

    private func address(_ vpn: Int) -> String { Format.hex(vpn &* machine.pageSize) }

    /// "rw-p" / "r--s", as /proc/PID/maps prints permissions and sharing.
    static func mode(_ r: Region) -> String { r.permissions.description + (r.isShared ? "s" : "p") }

    /// "anonymous", "shared anonymous", "file libc pages 0-31", plus advice.
    func kind(_ r: Region) -> String {
        var text: String
        switch r.backing {
        case .anonymous: text = r.isShared ? "shared anonymous" : "anonymous"
        case .file(let id, let offset):
            let name = machine.file(id: id)?.name ?? "file \(id)"
            text = "file \(name) pages \(offset)-\(offset + r.pages - 1)"
        }
        if r.advice != .normal { text += ", \(r.advice.rawValue)" }
        if r.readahead != .normal { text += ", \(r.readahead.rawValue)" }
        if r.hugePages != .unset { text += ", \(r.hugePages.rawValue)" }
        return text
    }

    /// Header line: who, state, parent, borrowing.
    public func heading() -> String {
        var text = "\(info.name) (pid \(info.pid), \(info.state))"
        if let parent = info.parent, let p = machine.process(parent) { text += ", child of \(p.name) (pid \(p.pid))" }
        if let owner = info.borrowsFrom, let p = machine.process(owner) { text += ", borrowing the address space of \(p.name)" }
        return text
    }

    /// The text form.
    func lines(everyPage: Bool) -> [String] {
        var out = [heading()]
        if info.regions.isEmpty {
            out.append("  no regions (empty address space)")
            return out
        }
        var regions = TextTable([.init("region"), .init("range"), .init("pages", .right), .init("mode"), .init("backing")], indent: "  ")
        for r in info.regions {
            regions.add([r.name, "\(address(r.start))..\(address(r.end))", "\(r.pages)", Self.mode(r), kind(r)])
        }
        out += regions.render()
        let entries = machine.pageTable(of: info.pid)
        let mapped = info.regions.reduce(0) { $0 + $1.pages }
        out.append("page table: \(entries.count) of \(Format.pages(mapped)) present")
        if !entries.isEmpty {
            out += pageTable(everyPage: everyPage, entries: entries).table.render()
            out.append(showsExclusive ? Self.exclusiveLegend : Self.legend)
            if entries.contains(where: \.huge) { out.append(Self.hugeLegend) }
        }
        out += swapLines(everyPage: everyPage)
        return out
    }

    /// The page-table part of `dump P` (without its title line and legend) and the region of
    /// each row, so a caller can show the rows of one region with the full table's alignment.
    public func pageTable(everyPage: Bool) -> (table: TextTable, regions: [String]) {
        pageTable(everyPage: everyPage, entries: machine.pageTable(of: info.pid))
    }

    private func pageTable(everyPage: Bool, entries: [MappedPage]) -> (table: TextTable, regions: [String]) {
        var table = TextTable([.init("address"), .init("pages", .right), .init("frame", .right), .init("flags"),
                               .init("mapcount", .right), .init("shared with"), .init("region")], indent: "  ")
        var regions: [String] = []
        let shared = sharers(entries)
        let zero = machine.zeroPageFrame
        func sharing(_ page: MappedPage) -> (mapcount: Int, with: [PID]) {
            guard page.entry.frame != zero else { return (0, []) }
            return (machine.mapcount(ofFrame: page.entry.frame), shared[page.entry.frame] ?? [])
        }
        var i = 0
        while i < entries.count {
            var j = i + 1
            let first = entries[i]
            let firstSharing = sharing(first)
            if !everyPage {
                while j < entries.count, continues(entries[j - 1], entries[j]), sharing(entries[j]) == firstSharing { j += 1 }
            }
            let last = entries[j - 1]
            let n = j - i
            let where_ = n == 1 ? address(first.vpn) : "\(address(first.vpn))..\(address(last.vpn + 1))"
            let isZero = first.entry.frame == zero
            let names = firstSharing.with.map { machine.processName($0) ?? "pid \($0)" }
            table.add([where_, "\(n)", frameText(first.entry.frame, last.entry.frame, n), flagText(first) + (first.huge ? "H" : ""),
                       isZero ? "-" : "\(firstSharing.mapcount)", names.isEmpty ? "-" : Self.summarised(names), first.region])
            regions.append(first.region)
            i = j
        }
        return (table, regions)
    }

    private func frameText(_ first: Int, _ last: Int, _ n: Int) -> String {
        let zero = machine.zeroPageFrame
        if first == zero { return "zero" }
        return n == 1 ? "\(first)" : "\(first)-\(last)"
    }

    /// Whether `b` continues the row that `a` ends.
    private func continues(_ a: MappedPage, _ b: MappedPage) -> Bool {
        guard b.vpn == a.vpn + 1, b.region == a.region, b.entry.flags == a.entry.flags,
              isExclusive(a) == isExclusive(b) else { return false }
        guard a.huge == b.huge, !(b.huge && b.vpn % Machine.hugePagePages == 0) else { return false }
        let zero = machine.zeroPageFrame
        if a.entry.frame == zero { return b.entry.frame == zero }
        return b.entry.frame == a.entry.frame + 1
    }

    /// The JSON form: every present entry separately.
    func json() -> JSON {
        let ps = machine.pageSize
        let regions = info.regions.map { r -> JSON in
            var backing: JSON = .string("anonymous")
            if case .file(let id, let offset) = r.backing {
                backing = .object([("file", .string(machine.file(id: id)?.name ?? "\(id)")), ("offset", .int(offset))])
            }
            return .object([
                ("name", .string(r.name)), ("start", .int(r.start &* ps)), ("end", .int(r.end &* ps)), ("pages", .int(r.pages)),
                ("permissions", .string(r.permissions.description)), ("shared", .bool(r.isShared)), ("backing", backing),
                ("advice", .string(r.advice.rawValue)),
            ])
        }
        let names: [(PTEFlags, String)] = [(.present, "present"), (.writable, "writable"), (.user, "user"),
                                           (.copyOnWrite, "copy-on-write"), (.dirty, "dirty"), (.accessed, "accessed")]
        let entries = machine.pageTable(of: info.pid)
        let shared = sharers(entries)
        let pages = entries.map { p -> JSON in
            let isZero = p.entry.frame == machine.zeroPageFrame
            let with = isZero ? [] : shared[p.entry.frame] ?? []
            return .object([
                ("vpn", .int(p.vpn)), ("address", .int(p.vpn &* ps)),
                ("frame", isZero ? .string("zero") : .int(p.entry.frame)),
                ("flags", .array(names.filter { p.entry.flags.contains($0.0) }.map { .string($0.1) }
                                 + (isExclusive(p) ? [.string("exclusive")] : []))),
                ("mapcount", .int(isZero ? 0 : machine.mapcount(ofFrame: p.entry.frame))),
                ("sharedWith", .array(with.map { .object([("pid", .int($0)), ("process", .string(machine.processName($0) ?? ""))]) })),
                ("region", .string(p.region)),
            ] + (p.huge ? [("huge", .bool(true))] : []))
        }
        return .object([
            ("pid", .int(info.pid)), ("name", .string(info.name)), ("state", .string(info.state.description)),
            ("parent", info.parent.map { .int($0) } ?? .null), ("borrowsFrom", info.borrowsFrom.map { .int($0) } ?? .null),
            ("regions", .array(regions)), ("pages", .array(pages)),
        ] + swapJSON())
    }
}

/// `dump frames`: physical memory, frame by frame (runs merged), with the reverse map.
public struct FrameDump {
    let machine: Machine

    /// The frame dump of `machine`.
    public init(machine: Machine) { self.machine = machine }

    private func name(_ pid: PID) -> String { machine.processName(pid) ?? "pid \(pid)" }

    /// "anonymous", "cache", "shmem".
    private func kind(_ f: FrameInfo) -> String {
        switch f.kind {
        case .anonymous: return "anonymous"
        case .pageCache(let file, _): return file < 0 ? "shmem" : "page cache"
        case .zero: return "zero page"
        case .pageTable: return "page-table"
        }
    }

    /// "libc page 3" / "libc pages 0-7" / "".
    private func contents(_ first: FrameInfo, _ n: Int) -> String {
        guard case .pageCache(let file, let page) = first.kind else { return "" }
        let fileName = machine.file(id: file)?.name ?? "file \(file)"
        return n == 1 ? "\(fileName) page \(page)" : "\(fileName) pages \(page)-\(page + n - 1)"
    }

    /// The text form.
    public func lines(everyFrame: Bool) -> [String] {
        var out = [summary()]
        let (frames, zero) = machine.usedFramesAndZeroPage
        if !frames.isEmpty { out += frameTable(everyFrame: everyFrame, frames: frames).table.render() }
        if let zero, let line = zeroPageLine(zero) { out.append(line) }
        return out
    }

    /// "zero page (frame N, outside the M frames): K mappings, ..." when anything maps it.
    public func zeroPageLine() -> String? {
        machine.frame(machine.zeroPageFrame).flatMap(zeroPageLine)
    }

    private func zeroPageLine(_ zero: FrameInfo) -> String? {
        guard !zero.mappers.isEmpty else { return nil }
        return "zero page (frame \(machine.zeroPageFrame), outside the \(machine.stats.frames) frames): \(Format.count(zero.mappers.count, "mapping")), \(zeroMappers(zero.mappers))"
    }

    /// "frames: 37 of 128 used (anonymous 9, page cache 28), 91 free".
    public func summary() -> String {
        let stats = machine.stats
        let tables = machine.config.tableFrames ? ", page tables \(stats.pageTableFrames)" : ""
        return "frames: \(stats.used) of \(stats.frames) used (anonymous \(stats.anonymous), page cache \(stats.pageCache)\(tables)), \(stats.free) free"
    }

    /// The table of used frames and the frames each row covers, so a caller can show one
    /// frame's row with the full table's alignment.
    public func frameTable(everyFrame: Bool) -> (table: TextTable, rows: [ClosedRange<Int>]) {
        frameTable(everyFrame: everyFrame, frames: machine.usedFrames)
    }

    private func frameTable(everyFrame: Bool, frames: [FrameInfo]) -> (table: TextTable, rows: [ClosedRange<Int>]) {
        var table = TextTable([.init("frame"), .init("kind"), .init("holds"), .init("mapcount", .right), .init("dirty"),
                               .init("value", .right), .init("mapped by")], indent: "  ")
        var rows: [ClosedRange<Int>] = []
        var i = 0
        while i < frames.count {
            var j = i + 1
            if !everyFrame {
                while j < frames.count, continues(frames[j - 1], frames[j]) { j += 1 }
            }
            let first = frames[i], n = j - i
            table.add([n == 1 ? "\(first.number)" : "\(first.number)-\(frames[j - 1].number)", kind(first), contents(first, n),
                       "\(first.mapcount)", first.dirty ? "yes" : "no", "\(first.value)", mappers(first.mappers, n, frame: first.number)])
            rows.append(first.number...frames[j - 1].number)
            i = j
        }
        return (table, rows)
    }

    /// "shell 0x10000, ls 0x10000" (runs: "shell 0x10000..0x18000"); past
    /// `ProcessDump.namesShown` mappers the first ones and "and N more (dump frame F)".
    private func mappers(_ list: [Mapper], _ n: Int, frame: Int) -> String {
        if list.isEmpty { return "-" }
        let ps = machine.pageSize
        let shown = list.count > ProcessDump.namesShown ? list.prefix(ProcessDump.namesShown) : list[...]
        let text = shown.map { m in
            n == 1 ? "\(name(m.pid)) \(Format.hex(m.vpn &* ps))" : "\(name(m.pid)) \(Format.hex(m.vpn &* ps))..\(Format.hex((m.vpn + n) &* ps))"
        }.joined(separator: ", ")
        guard list.count > shown.count else { return text }
        return text + " and \(list.count - shown.count) more (dump frame \(frame))"
    }

    /// Zero-page mappers grouped per process into runs of pages.
    private func zeroMappers(_ list: [Mapper]) -> String {
        var parts: [String] = []
        var i = 0
        let ps = machine.pageSize
        while i < list.count {
            var j = i + 1
            while j < list.count, list[j].pid == list[i].pid, list[j].vpn == list[j - 1].vpn + 1 { j += 1 }
            let n = j - i
            let a = list[i]
            parts.append(n == 1 ? "\(name(a.pid)) \(Format.hex(a.vpn &* ps))" : "\(name(a.pid)) \(Format.hex(a.vpn &* ps))..\(Format.hex((a.vpn + n) &* ps))")
            i = j
            if parts.count > ProcessDump.namesShown { break }
        }
        guard parts.count > ProcessDump.namesShown else { return parts.joined(separator: ", ") }
        var rest = 1   // runs after the ones shown
        while i < list.count {
            var j = i + 1
            while j < list.count, list[j].pid == list[i].pid, list[j].vpn == list[j - 1].vpn + 1 { j += 1 }
            rest += 1
            i = j
        }
        return parts.prefix(ProcessDump.namesShown).joined(separator: ", ") + " and \(rest) more (dump frame \(machine.zeroPageFrame))"
    }

    /// Whether frame `b` continues the row frame `a` ends.
    private func continues(_ a: FrameInfo, _ b: FrameInfo) -> Bool {
        guard b.number == a.number + 1, b.mapcount == a.mapcount, b.dirty == a.dirty, b.value == a.value,
              b.mappers.count == a.mappers.count else { return false }
        switch (a.kind, b.kind) {
        case (.anonymous, .anonymous): break
        case (.pageCache(let f, let p), .pageCache(let g, let q)) where f == g && q == p + 1: break
        default: return false
        }
        for (x, y) in zip(a.mappers, b.mappers) where x.pid != y.pid || y.vpn != x.vpn + 1 { return false }
        return true
    }

    /// The JSON form: every used frame.
    func json() -> JSON {
        let stats = machine.stats
        let ps = machine.pageSize
        let list = machine.usedFramesAndZeroPage.used.map { f -> JSON in
            var file: JSON = .null, page: JSON = .null
            if case .pageCache(let id, let p) = f.kind {
                file = .string(machine.file(id: id)?.name ?? "\(id)")
                page = .int(p)
            }
            return .object([
                ("frame", .int(f.number)), ("kind", .string(kind(f))), ("file", file), ("page", page),
                ("mapcount", .int(f.mapcount)), ("dirty", .bool(f.dirty)), ("value", .int(Int(f.value))),
                ("mappers", .array(f.mappers.map { .object([("pid", .int($0.pid)), ("process", .string(name($0.pid))), ("address", .int($0.vpn &* ps))]) })),
            ])
        }
        return .object([
            ("frames", .int(stats.frames)), ("used", .int(stats.used)), ("free", .int(stats.free)),
            ("anonymous", .int(stats.anonymous)), ("pageCache", .int(stats.pageCache)),
            ("zeroPage", .object([("frame", .int(machine.zeroPageFrame)), ("mappings", .int(stats.zeroPageMappings))])),
            ("list", .array(list)),
        ])
    }
}

/// `dump frame N`: one frame and every mapping of it, one per line (what `dump frames`
/// summarises when thousands of processes map a frame).
struct FrameDetail {
    let machine: Machine
    let info: FrameInfo

    /// The text form.
    func lines() -> [String] {
        let ps = machine.pageSize
        var head = "frame \(info.number): "
        switch info.kind {
        case .zero:
            head += "the shared zero page, outside the \(machine.config.frames) frames"
        case .anonymous:
            head += "anonymous, mapcount \(info.mapcount), \(info.dirty ? "dirty" : "clean"), value \(info.value)"
        case .pageCache(let file, let page):
            let fileName = machine.file(id: file)?.name ?? "file \(file)"
            head += "\(file < 0 ? "shmem" : "page cache"), \(fileName) page \(page), mapcount \(info.mapcount), \(info.dirty ? "dirty" : "clean"), value \(info.value)"
        case .pageTable:
            head += "page-table"
        }
        var out = [head]
        guard !info.mappers.isEmpty else {
            out.append("  mapped by nobody")
            return out
        }
        out.append("  mapped by \(Format.count(info.mappers.count, "page-table entry", "page-table entries")):")
        var table = TextTable([.init("process"), .init("pid", .right), .init("address")], indent: "  ")
        for m in info.mappers {
            table.add([machine.processName(m.pid) ?? "pid \(m.pid)", "\(m.pid)", Format.hex(m.vpn &* ps)])
        }
        out += table.render()
        return out
    }

    /// The JSON form.
    func json() -> JSON {
        var kind = "anonymous"
        var file: JSON = .null, page: JSON = .null
        switch info.kind {
        case .zero: kind = "zero page"
        case .pageTable: kind = "page-table"
        case .anonymous: break
        case .pageCache(let id, let p):
            kind = id < 0 ? "shmem" : "page cache"
            file = .string(machine.file(id: id)?.name ?? "\(id)")
            page = .int(p)
        }
        let ps = machine.pageSize
        return .object([
            ("frame", .int(info.number)), ("kind", .string(kind)), ("file", file), ("page", page),
            ("mapcount", .int(info.mapcount)), ("dirty", .bool(info.dirty)), ("value", .int(Int(info.value))),
            ("mappers", .array(info.mappers.map {
                .object([("pid", .int($0.pid)), ("process", .string(machine.processName($0.pid) ?? "")), ("address", .int($0.vpn &* ps))])
            })),
        ])
    }
}
