import CowEngine

/// smaps' `Swap` and `SwapPss` columns: shown only when some region of the process has a page
/// in swap, so the report of a machine without swap (every existing script) is unchanged.
extension SmapsReport {
    /// The two column titles.
    static let swapTitles = ["Swap", "SwapPss"]

    /// Whether the report shows them: some row has a swap entry.
    static func showsSwap(_ rows: [Row]) -> Bool { rows.contains { $0.usage.swap > 0 } }

    /// Swap and SwapPss in kB of a region row; of the total row when `rows` is given (textbook:
    /// the rows' SwapPss added; linux: all fixed-point sums shifted once, as smaps_rollup does).
    func swapCells(_ u: Usage, rows: [Row]? = nil) -> [String] {
        let swapKiB = u.swap &* machine.pageSize / 1024
        let pssKiB: Int
        if machine.smapsPssIsFixedPoint {
            pssKiB = rows == nil ? u.smapsSwapPssKiB : u.rollupSwapPssKiB
        } else if let rows {
            pssKiB = rows.reduce(0) { $0 &+ exactSwapPssKiB($1.usage) }
        } else {
            pssKiB = exactSwapPssKiB(u)
        }
        return ["\(swapKiB)", "\(pssKiB)"]
    }

    /// The exact SwapPss of a row truncated to whole kB (textbook).
    private func exactSwapPssKiB(_ u: Usage) -> Int {
        guard let scale = Rational(machine.pageSize, 1024), let kib = u.swapPss.multiplied(by: scale) else {
            return Int(u.swapPss.doubleValue * Double(machine.pageSize) / 1024)
        }
        return kib.truncated()
    }

    /// The cells as JSON members.
    func swapFields(_ cells: [String]) -> [(String, JSON)] {
        zip(Self.swapTitles, cells).map { ($0, .int(Int($1) ?? 0)) }
    }
}

/// smaps' `AnonHugePages` column (transparent huge pages, rule 17): shown only when some region
/// of the process is advised `hugepage` or maps a huge page, so every other report is unchanged.
extension SmapsReport {
    /// Whether the report shows it.
    func showsHugePages(_ rows: [Row]) -> Bool {
        rows.contains { $0.usage.anonHugePages > 0 } || info.regions.contains { $0.hugePages == .hugepage }
    }

    /// The column's titles, if shown.
    func hugePageTitles(_ rows: [Row]) -> [String] { showsHugePages(rows) ? ["AnonHugePages"] : [] }

    /// The column's cell (kB) for usage `u`, if shown.
    func hugePageCells(_ u: Usage, _ shown: Bool) -> [String] {
        shown ? ["\(u.anonHugePages &* machine.pageSize / 1024)"] : []
    }
}
