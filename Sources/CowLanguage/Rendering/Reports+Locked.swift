import CowEngine

/// smaps' `Locked` column: shown only when some region of the process is mlock'd, so every
/// report without `mlock` is unchanged. Locked is the Pss of the locked regions, as the kernel's
/// pss_locked: fixed point under `linux` (rule 8: each VMA's sum `>> 22`, the total row all sums
/// shifted once as smaps_rollup does), the exact figure truncated to whole kB per row otherwise.
extension SmapsReport {
    /// Whether the report shows it.
    var showsLocked: Bool { info.regions.contains { $0.locked } }

    /// Locked in kB of a region row; of the total row when `rows` is given.
    func lockedCell(_ u: Usage, rows: [Row]? = nil) -> String {
        if machine.smapsPssIsFixedPoint { return "\(rows == nil ? u.smapsLockedKiB : u.rollupLockedKiB)" }
        if let rows { return "\(rows.reduce(0) { $0 &+ exactLockedKiB($1.usage) })" }
        return "\(exactLockedKiB(u))"
    }

    private func exactLockedKiB(_ u: Usage) -> Int {
        guard let scale = Rational(machine.pageSize, 1024), let kib = u.lockedPss.multiplied(by: scale) else {
            return Int(u.lockedPss.doubleValue * Double(machine.pageSize) / 1024)
        }
        return kib.truncated()
    }
}
