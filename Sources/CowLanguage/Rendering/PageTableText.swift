import CowEngine

/// The page tables' figures as `stats` shows them (issue 13).
public enum PageTableText {
    /// "28 kB", or "48 bytes" when not whole kB (tiny pages).
    static func kB(_ bytes: Int) -> String {
        bytes % 1024 == 0 ? "\(bytes / 1024) kB" : "\(bytes) bytes"
    }

    /// `stats`' row: PageTables, its pages, VmPTE summed over the live processes, the layout.
    static func statsLine(_ machine: Machine) -> String {
        let total = machine.pageTablePagesTotal
        var below = 0, tops = 0
        for p in machine.processes where p.isAlive && p.borrowsFrom == nil {
            tops += 1
            below += machine.pageTablePages(of: p.pid) ?? 0
        }
        let shared = machine.onDemandForkCounts.sharedNow
        let sharedText = shared == 0 ? "" : ", \(shared) shared counted in each sharer"
        return "\(kB(total * machine.pageSize)) in \(Format.count(total, "page")) (\(tops) top, \(below) below: VmPTE \(kB(below * machine.pageSize))\(sharedText)), \(machine.tableLayout)"
    }

    /// `stats --json`'s fields.
    static func statsJSON(_ machine: Machine) -> [(String, JSON)] {
        var below = 0
        for p in machine.processes where p.isAlive && p.borrowsFrom == nil { below += machine.pageTablePages(of: p.pid) ?? 0 }
        return [("pageTablePages", .int(machine.pageTablePagesTotal)), ("pageTablesBytes", .int(machine.pageTablePagesTotal * machine.pageSize)),
                ("vmPTEBytes", .int(below * machine.pageSize)),
                ("pageTableLayout", .object([("levelBits", .array(machine.tableLayout.levelBits.map { .int($0) })),
                                             ("pageSize", .int(machine.pageSize))]))]
    }

    /// `stats`' on-demand-fork row: "512 page-table pages shared now; 512 shared by forks, 0 copied".
    static func onDemandLine(_ machine: Machine) -> String {
        let c = machine.onDemandForkCounts
        return "\(Format.count(c.sharedNow, "page-table page")) shared now; \(c.sharedAtForks) shared by forks, \(c.copied) copied"
    }

    /// `stats --json`'s on-demand-fork fields.
    static func onDemandJSON(_ machine: Machine) -> [(String, JSON)] {
        let c = machine.onDemandForkCounts
        return [("pageTablesSharedNow", .int(c.sharedNow)), ("pageTablesSharedByForks", .int(c.sharedAtForks)),
                ("pageTablesCopied", .int(c.copied))]
    }
}

extension PageTableText {
    /// Name of a level: x86-64's PGD, PUD, PMD, PTE; the two-level layout's PD and PT; else L0, L1...
    static func levelName(_ layout: PageTableLayout, _ level: Int) -> String {
        if layout.levelBits == [9, 9, 9, 9] && layout.pageShift == 12 { return ["PGD", "PUD", "PMD", "PTE"][level] }
        if layout == .twoLevel { return ["PD", "PT"][level] }
        return "L\(level)"
    }

    /// A process sharing a table, by name and pid: `c (pid 2)`.
    static func sharer(_ machine: Machine, _ pid: PID) -> String {
        machine.process(pid).map { "\($0.name) (pid \(pid))" } ?? "pid \(pid)"
    }

    /// A table page's name: `T12`.
    static func table(_ id: Int) -> String { "T\(id)" }

    /// `dump P tables`: the tree, one table page a row, indented by level.
    static func tree(_ machine: Machine, _ info: ProcessInfo) -> [String] {
        let layout = machine.tableLayout
        let nodes = machine.pageTableTree(of: info.pid)
        let owner = info.borrowsFrom.map { " (the address space of pid \($0), lent through vfork)" } ?? ""
        guard !nodes.isEmpty else { return ["\(info.name) (pid \(info.pid)): no page tables (\(info.isAlive ? "no address space" : "not alive"))"] }
        let below = nodes.count - 1
        let lines = ["\(info.name) (pid \(info.pid))\(owner): \(Format.count(nodes.count, "table page")) (\(below) below the top: VmPTE \(kB(below * machine.pageSize))), \(layout)"]
        let shares = nodes.contains { !$0.sharedWith.isEmpty }      // on-demand fork: a column only then
        var columns: [TextTable.Column] = [.init("level"), .init("table"), .init("index", .right), .init("covers"), .init("in use", .right), .init("indexes used")]
        if shares { columns.append(.init("shared with")) }
        var t = TextTable(columns)
        for n in nodes {
            let level = String(repeating: " ", count: n.page.level) + levelName(layout, n.page.level)
            let covers = "\(Format.hex(n.page.pages.lowerBound &* machine.pageSize))..\(Format.hex(n.page.pages.upperBound &* machine.pageSize))"
            let used = n.usedIndexes.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" } ?? "-"
            var row = [level, table(n.page.id), n.indexInParent.map(String.init) ?? "-", covers,
                       "\(n.inUse) of \(layout.entries(level: n.page.level))", used]
            if shares { row.append(n.sharedWith.isEmpty ? "-" : n.sharedWith.map { sharer(machine, $0) }.joined(separator: ", ")) }
            t.add(row)
        }
        return lines + t.render()
    }

    /// `translate P ADDR [read|write]`: the walk, then where the access lands or the fault it takes.
    /// `translate`'s lines for a live process, nil when the walk cannot be made (solution sheets).
    public static func translation(_ machine: Machine, _ info: ProcessInfo, address: Int, write: Bool) -> [String]? {
        guard info.isAlive, let t = try? machine.translate(info.pid, vpn: address / machine.pageSize) else { return nil }
        return translation(machine, info, address: address, write: write, t)
    }

    static func translation(_ machine: Machine, _ info: ProcessInfo, address: Int, write: Bool, _ t: Translation) -> [String] {
        let layout = machine.tableLayout
        let access = write ? "write" : "read"
        var lines = ["translate \(info.name) \(Format.hex(address)) \(access): page \(Format.hex(t.vpn)), offset \(Format.hex(address - t.vpn &* machine.pageSize)); "
                     + "indexes " + (0..<layout.levels).map { "\(layout.index(t.vpn, level: $0))" }.joined(separator: ", ")]
        var table = TextTable([.init(""), .init(""), .init(""), .init("")], showsHeader: false, indent: "  ")
        for s in t.steps {
            let target: String
            if s.level + 1 < layout.levels {
                target = s.next.map { "-> table \(Self.table($0))" } ?? "-> empty (no \(levelName(layout, s.level + 1)) table here)"
            } else if let e = t.entry {
                target = e.frame == machine.zeroPageFrame ? "-> the zero page (frame \(e.frame)), flags \(e.flags)" : "-> frame \(e.frame), flags \(e.flags)"
            } else if let slot = t.swapSlot {
                target = "-> not present: swap slot \(slot)"
            } else {
                target = "-> empty"
            }
            table.add([levelName(layout, s.level), "table \(Self.table(s.table))", "entry \(s.index)", target])
        }
        lines += table.render()
        lines.append("  " + outcome(machine, address: address, write: write, t))
        return lines
    }

    /// The last line of `translate`.
    private static func outcome(_ machine: Machine, address: Int, write: Bool, _ t: Translation) -> String {
        let access = write ? "write" : "read"
        let frame = t.entry.map { "\($0.frame)" } ?? "?"
        guard let fault = TranslationFault(t, write: write, levels: machine.tableLayout.levels, zeroPageFrame: machine.zeroPageFrame) else {
            let physical = Format.hex((t.entry?.frame ?? 0) &* machine.pageSize + (address - t.vpn &* machine.pageSize))
            return "\(access): frame \(frame), physical address \(physical)"
        }
        switch fault {
        case .noRegion: return "\(access): SIGSEGV, no region maps \(Format.hex(address))"
        case .protection:
            let region = t.region.map { "region \($0.name) is \($0.permissions)" } ?? ""
            return "\(access): SIGSEGV, protection: \(region)"
        case .notPresent:
            if let missing = t.steps.first(where: { $0.level + 1 < machine.tableLayout.levels && $0.next == nil }) {
                return "\(access): page fault, not present: no \(levelName(machine.tableLayout, missing.level + 1)) table yet (the fault allocates the missing tables, then maps the page)"
            }
            if let slot = t.swapSlot { return "\(access): page fault, not present: the page is in swap slot \(slot) (the fault swaps it in)" }
            return "\(access): page fault, not present: the entry is empty (never touched, or dropped)"
        case .sharedTable:
            return "\(access): page fault, write-protected at the level above: the last-level table is shared (on-demand fork); the fault copies it, then handles the page"
        case .zeroPage: return "write: page fault, write-protected: the zero page (the fault maps a new zero-filled frame)"
        case .copyOnWrite:
            let sharers = t.mapcount == 1 ? "mapped by this entry alone" : "mapped by \(t.mapcount) entries"
            return "write: page fault, write-protected for copy-on-write: frame \(frame) is \(sharers)"
        case .writeNotification: return "write: page fault, write notification: frame \(frame) is a clean shared page mapped read-only"
        case .writeProtected: return "write: page fault, write-protected: frame \(frame)"
        }
    }
}

/// Why an access would fault, as the last line of `translate` says and `fault(P, ADDR [, write])`
/// returns it (the raw value); no value: the access would reach its frame.
enum TranslationFault: String {
    /// SIGSEGV: no region maps the address.
    case noRegion = "no region"
    /// SIGSEGV: the region's rights forbid the access.
    case protection = "protection"
    /// A page fault: a table, the entry or the page is missing (never touched, dropped, in swap).
    case notPresent = "not present"
    /// A page fault: a write (or a fault that fills an entry) under a last-level table shared
    /// by on-demand fork, write-protected at the level above: the fault copies the table.
    case sharedTable = "shared table"
    /// A page fault: a write to the zero page.
    case zeroPage = "zero page"
    /// A page fault: a write to a page write-protected for copy-on-write.
    case copyOnWrite = "copy-on-write"
    /// A page fault: a write to a clean shared page mapped read-only.
    case writeNotification = "write notification"
    /// A page fault: another write-protected entry.
    case writeProtected = "write-protected"

    /// The fault an access would take after walk `t` (`levels`: the layout's), nil if none.
    init?(_ t: Translation, write: Bool, levels: Int, zeroPageFrame: Int) {
        guard let region = t.region else { self = .noRegion; return }
        if write && !region.permissions.contains(.write) || region.permissions.isEmpty { self = .protection; return }
        if t.steps.contains(where: { $0.level + 1 < levels && $0.next == nil }) { self = .notPresent; return }
        if t.sharedLeaf && (write || t.entry == nil) { self = .sharedTable; return }
        guard let e = t.entry else { self = .notPresent; return }
        if !write || e.flags.contains(.writable) { return nil }
        if e.frame == zeroPageFrame { self = .zeroPage }
        else if e.flags.contains(.copyOnWrite) { self = .copyOnWrite }
        else if region.isShared { self = .writeNotification }
        else { self = .writeProtected }
    }
}
