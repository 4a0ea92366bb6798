import CowEngine

/// The page tables' figures as `stats` shows them (issue 13).
enum PageTableText {
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
