import CowEngine

/// How `smaps` lays its figures out: one wide table row per region, or a narrow block per
/// region that fits an 80-column terminal.
public enum SmapsLayout: String, Sendable, CaseIterable {
    case wide, narrow
}

/// `smaps P`: per region the figures of /proc/PID/smaps in kB (Pss truncated to whole kB per
/// region, exactly as Linux prints it), the exact Pss in pages beside it, and a total line.
public struct SmapsReport {
    /// Read through the narrow interface (a kernel backend can answer it too).
    let machine: any MemoryFigures
    let info: ProcessInfo

    /// The report of `info` on `machine`.
    public init(machine: Machine, info: ProcessInfo) {
        self.machine = machine
        self.info = info
    }

    /// The report of `info` read through `figures` (the machine, or a backend's figures).
    public init(figures: any MemoryFigures, info: ProcessInfo) {
        self.machine = figures
        self.info = info
    }

    /// One row: a region name (split parts together), its extent and usage.
    struct Row {
        var name: String
        var start: Int
        var end: Int
        var pages: Int
        var usage: Usage
    }

    /// Rows in address order, one per distinct region name.
    func rows() -> [Row] {
        var rows: [Row] = []
        var index: [String: Int] = [:]
        let usages = machine.usageByRegionName(of: info.pid) ?? [:]
        for r in info.regions {
            if let k = index[r.name] {
                rows[k].end = r.end
                rows[k].pages += r.pages
                continue
            }
            index[r.name] = rows.count
            rows.append(Row(name: r.name, start: r.start, end: r.end, pages: r.pages,
                            usage: usages[r.name] ?? Usage()))
        }
        return rows
    }

    private var kib: Int { machine.pageSize / 1024 }
    private func kB(_ pages: Int) -> Int { pages &* machine.pageSize / 1024 }

    /// The text form: `layout` if given; otherwise the wide table, or the narrow layout when
    /// `width` (the terminal's columns; nil for files and pipes) cannot hold the wide table.
    func lines(layout: SmapsLayout?, width: Int?) -> [String] {
        switch layout {
        case .wide: return lines()
        case .narrow: return narrowLines()
        case nil:
            let wide = lines()
            guard let width, wide.contains(where: { $0.count > width }) else { return wide }
            return narrowLines()
        }
    }

    /// The narrow form, for an 80-column terminal: per region a line with its name and range,
    /// then its nine figures three to a line, aligned across regions.
    ///
    ///     smaps of p (pid 1), sizes in kB; Pss pages exact
    ///       heap  0x10000..0x20000
    ///         Size            64  Rss            64  Pss             32
    ///         Pss pages        8  Shared_Clean    0  Shared_Dirty     0
    ///         Private_Clean    0  Private_Dirty  64  Anonymous       64
    func narrowLines() -> [String] {
        var out = ["smaps of \(info.name) (pid \(info.pid)), sizes in kB; Pss pages exact"]
        let rows = rows()
        if rows.isEmpty {
            out.append("  no regions")
            return out
        }
        let ps = machine.pageSize
        let showsSwap = Self.showsSwap(rows)
        let showsLocked = self.showsLocked
        let showsHuge = showsHugePages(rows)
        let titles = ["Size", "Rss", "Pss", "Pss pages", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous"]
            + hugePageTitles(rows) + (showsSwap ? Self.swapTitles : []) + (showsLocked ? ["Locked"] : [])
        let lineCount = (titles.count + 2) / 3
        var headings: [String] = []
        var table = TextTable([.init(""), .init("", .right), .init(""), .init("", .right), .init(""), .init("", .right)],
                              showsHeader: false, indent: "    ")
        func add(_ heading: String, _ cells: [String]) {
            headings.append(heading)
            for line in 0..<lineCount {
                var row: [String] = []
                for k in (3 * line)..<(3 * line + 3) { row += k < titles.count ? [titles[k], cells[k]] : ["", ""] }
                table.add(row)
            }
        }
        var total = Usage()
        var totalPages = 0
        var totalPssKiB = 0
        for row in rows {
            let pssKiB = regionPssKiB(row.usage)
            add("  \(row.name)  \(Format.hex(row.start &* ps))..\(Format.hex(row.end &* ps))",
                cells(row.pages, row.usage, pssKiB) + hugePageCells(row.usage, showsHuge) + (showsSwap ? swapCells(row.usage) : [])
                    + (showsLocked ? [lockedCell(row.usage)] : []))
            totalPages += row.pages
            totalPssKiB += pssKiB
            total.add(row.usage)
        }
        add("  total", cells(totalPages, total, totalRowPssKiB(total, summed: totalPssKiB))
                + hugePageCells(total, showsHuge) + (showsSwap ? swapCells(total, rows: rows) : []) + (showsLocked ? [lockedCell(total, rows: rows)] : []))
        let figures = table.render()
        for (k, heading) in headings.enumerated() {
            out.append(heading)
            out += figures[(lineCount * k)..<(lineCount * k + lineCount)]
        }
        return out
    }

    /// The wide form: one table row per region (the layout of files, pipes and transcripts).
    func lines() -> [String] {
        var out = ["smaps of \(info.name) (pid \(info.pid)): sizes in kB as /proc/\(info.pid)/smaps prints them; Pss pages exact"]
        guard let table = table() else {
            out.append("  no regions")
            return out
        }
        out += table.table.render()
        return out
    }

    /// The table of `smaps P` (regions, then `total`) and the region name of each row (nil for
    /// the total), so a caller can show one region's row with the full table's alignment; nil
    /// when the process has no regions.
    public func table() -> (table: TextTable, regions: [String?])? {
        let rows = rows()
        if rows.isEmpty { return nil }
        let showsSwap = Self.showsSwap(rows)
        let showsLocked = self.showsLocked
        let showsHuge = showsHugePages(rows)
        let titles = ["Size", "Rss", "Pss", "Pss pages", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous"]
            + hugePageTitles(rows) + (showsSwap ? Self.swapTitles : []) + (showsLocked ? ["Locked"] : [])
        var table = TextTable([.init("region"), .init("range")] + titles.map { .init($0, .right) }, indent: "  ")
        let ps = machine.pageSize
        var total = Usage()
        var totalPages = 0
        var totalPssKiB = 0
        for row in rows {
            let u = row.usage
            let pssKiB = regionPssKiB(u)
            table.add([row.name, "\(Format.hex(row.start &* ps))..\(Format.hex(row.end &* ps))"] + cells(row.pages, u, pssKiB)
                      + hugePageCells(u, showsHuge) + (showsSwap ? swapCells(u) : []) + (showsLocked ? [lockedCell(u)] : []))
            totalPages += row.pages
            totalPssKiB += pssKiB
            total.add(u)
        }
        table.add(["total", ""] + cells(totalPages, total, totalRowPssKiB(total, summed: totalPssKiB))
                  + hugePageCells(total, showsHuge) + (showsSwap ? swapCells(total, rows: rows) : []) + (showsLocked ? [lockedCell(total, rows: rows)] : []))
        return (table, rows.map(\.name) + [nil])
    }

    /// A region row's Pss in kB: `textbook` truncates the exact Pss of each part to whole kB;
    /// `linux` shifts each part's fixed-point sum (conformance rule 8), as smaps does.
    private func regionPssKiB(_ u: Usage) -> Int {
        machine.smapsPssIsFixedPoint ? u.smapsPssKiB : u.pssKiB(pageSize: machine.pageSize)
    }

    /// The `total` row's Pss in kB: `textbook` adds the rows' kB (`summed`); `linux` adds the
    /// fixed-point sums and shifts once, as smaps_rollup does (rule 8).
    private func totalRowPssKiB(_ total: Usage, summed: Int) -> Int {
        machine.smapsPssIsFixedPoint ? total.rollupPssKiB : summed
    }

    private func cells(_ pages: Int, _ u: Usage, _ pssKiB: Int) -> [String] {
        ["\(kB(pages))", "\(kB(u.rss))", "\(pssKiB)", u.pss.description, "\(kB(u.sharedClean))", "\(kB(u.sharedDirty))",
         "\(kB(u.privateClean))", "\(kB(u.privateDirty))", "\(kB(u.anonymous))"]
    }

    /// The JSON form (kB, plus exact Pss in pages as a string "64/3").
    func json() -> JSON {
        let ps = machine.pageSize
        func fields(_ pages: Int, _ u: Usage, whole: Bool = false) -> [(String, JSON)] {
            [("Size", .int(kB(pages))), ("Rss", .int(kB(u.rss))), ("Pss", .int(whole ? totalRowPssKiB(u, summed: u.pssKiB(pageSize: ps)) : regionPssKiB(u))),
             ("PssPages", .string(u.pss.description)), ("Shared_Clean", .int(kB(u.sharedClean))),
             ("Shared_Dirty", .int(kB(u.sharedDirty))), ("Private_Clean", .int(kB(u.privateClean))),
             ("Private_Dirty", .int(kB(u.privateDirty))), ("Anonymous", .int(kB(u.anonymous)))]
        }
        let rows = rows()
        let showsSwap = Self.showsSwap(rows)
        let showsLocked = self.showsLocked
        let showsHuge = showsHugePages(rows)
        func hugeFields(_ u: Usage) -> [(String, JSON)] {
            showsHuge ? [("AnonHugePages", .int(u.anonHugePages &* ps / 1024))] : []
        }
        let regions = rows.map { row -> JSON in
            .object([("name", .string(row.name)), ("start", .int(row.start &* ps)), ("end", .int(row.end &* ps))] + fields(row.pages, row.usage)
                    + hugeFields(row.usage) + (showsSwap ? swapFields(swapCells(row.usage)) : [])
                    + (showsLocked ? [("Locked", .int(Int(lockedCell(row.usage)) ?? 0))] : []))
        }
        let whole = machine.usage(of: info.pid) ?? Usage()
        let pages = rows.reduce(0) { $0 + $1.pages }
        return .object([("pid", .int(info.pid)), ("name", .string(info.name)), ("unit", .string("kB")),
                        ("regions", .array(regions)),
                        ("total", .object(fields(pages, whole, whole: true) + hugeFields(whole) + (showsSwap ? swapFields(swapCells(whole, rows: rows)) : [])
                                          + (showsLocked ? [("Locked", .int(Int(lockedCell(whole, rows: rows)) ?? 0))] : [])))])
    }
}

/// `stats`: machine-wide counters.
public struct StatsReport {
    let machine: Machine

    /// The report of `machine`.
    public init(machine: Machine) { self.machine = machine }

    /// The text form.
    public func lines() -> [String] { table().render() }

    /// The table of `stats`, one row per title (`machine`, `frames`, `zero page`, `processes`,
    /// `faults`, `copy-on-write`, `sharing`, in that order).
    public static let titles = ["machine", "frames", "zero page", "processes", "faults", "copy-on-write", "sharing"]

    /// The table (rows in the order of `titles`).
    public func table() -> TextTable {
        let s = machine.stats
        let c = machine.config
        var table = TextTable([.init(""), .init("")], showsHeader: false)
        table.add(["machine", "\(Format.frames(s.frames)) of \(c.pageSize) bytes, \(c.profile.rawValue) profile, fork \(c.forkMode.rawValue)"])
        let tables = c.tableFrames ? ", page tables \(s.pageTableFrames)" : ""     // `config page-tables ... frames`
        table.add(["frames", "\(s.used) used (anonymous \(s.anonymous), page cache \(s.pageCache), shared memory \(s.shmem) of it\(tables)), \(s.free) free"])
        table.add(["zero page", Format.count(s.zeroPageMappings, "mapping")])
        table.add(["processes", "\(s.processes) alive, \(machine.processes.count) created"])
        table.add(["faults", "\(s.minorFaults) minor, \(s.majorFaults) major"])
        table.add(["copy-on-write", "\(Format.count(s.copies, "copy", "copies")), \(Format.count(s.reuses, "reuse"))"])
        table.add(["sharing", "saves \(Format.frames(s.savedBySharing))"])
        if s.swapSlots > 0 {
            let traffic = machine.swapTraffic
            table.add(["swap", "\(s.swapUsed) of \(Format.count(s.swapSlots, "slot")) used; \(Format.count(traffic.pagesOut, "page")) written to swap, \(traffic.pagesIn) read back"])
        }
        if s.tlbEntries > 0 {
            table.add(["tlb", "\(Format.count(s.tlbEntries, "entry", "entries")) (\(machine.tlbCount) in use): \(Format.count(s.tlbHits, "hit")), \(Format.count(s.tlbMisses, "miss", "misses")), \(Format.count(s.tlbInvalidations, "invalidation"))"])
        }
        if machine.showsPageTables { table.add(["page tables", PageTableText.statsLine(machine)]) }
        if machine.showsOnDemandFork { table.add(["on-demand fork", PageTableText.onDemandLine(machine)]) }
        return table
    }

    /// The JSON form.
    func json() -> JSON {
        let s = machine.stats
        let c = machine.config
        return .object([
            ("frames", .int(s.frames)), ("pageSize", .int(c.pageSize)), ("profile", .string(c.profile.rawValue)),
            ("forkMode", .string(c.forkMode.rawValue)), ("used", .int(s.used)), ("free", .int(s.free)),
            ("anonymous", .int(s.anonymous)), ("pageCache", .int(s.pageCache)), ("shmem", .int(s.shmem)),
            ("zeroPageMappings", .int(s.zeroPageMappings)), ("processes", .int(s.processes)),
            ("minorFaults", .int(s.minorFaults)), ("majorFaults", .int(s.majorFaults)), ("copies", .int(s.copies)),
            ("reuses", .int(s.reuses)), ("savedBySharing", .int(s.savedBySharing)),
        ] + (s.swapSlots > 0 ? [("swapSlots", .int(s.swapSlots)), ("swapUsed", .int(s.swapUsed))] : [])
          + (s.tlbEntries > 0 ? [("tlbEntries", .int(s.tlbEntries)), ("tlbHits", .int(s.tlbHits)), ("tlbMisses", .int(s.tlbMisses)),
                                 ("tlbInvalidations", .int(s.tlbInvalidations))] : [])
          + (machine.showsPageTables ? PageTableText.statsJSON(machine) : [])
          + (machine.showsOnDemandFork ? PageTableText.onDemandJSON(machine) : []))
    }
}
