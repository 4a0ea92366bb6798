import CowEngine

/// The words of the TLB's event line and of `dump P tlb`.
enum TLBText {
    /// "tlb    shell: 3 TLB entries invalidated (fork write-protected the pages they cached)".
    static func invalidated(pid: PID?, entries: Int, cause: TLBCause, machine: Machine) -> String {
        let count = Format.count(entries, "TLB entry", "TLB entries")
        let why: String
        switch cause {
        case .fork: why = "fork write-protected the pages they cached"
        case .unmap: why = "unmap"
        case .protect: why = "protect changed the rights"
        case .madvise: why = "advise dropped the pages"
        case .mremap: why = "mremap moved the pages"
        case .truncate: why = "truncate removed the pages"
        case .writeback: why = "writeback made the pages clean and read-only"
        case .reclaim: why = "reclaim took the frame"
        }
        guard let pid else { return "tlb    \(count) invalidated in the processes mapping the pages (\(why): a shootdown)" }
        return "tlb    \(machine.processName(pid) ?? "pid \(pid)"): \(count) invalidated (\(why))"
    }

    /// `dump P tlb`: one line per entry of the process's address space, most recently used first.
    static func dump(_ info: ProcessInfo, machine: Machine) -> [String] {
        let capacity = machine.config.tlbEntries
        guard capacity > 0 else { return ["no TLB (config tlb N adds one)"] }
        let entries = machine.tlbEntries(info.pid)
        let c = info.counters
        var lines = ["TLB of \(info.name) (pid \(info.pid)): \(Format.count(entries.count, "entry", "entries")) (the TLB holds \(machine.tlbCount) of \(capacity)); \(Format.count(c.tlbHits, "hit")), \(Format.count(c.tlbMisses, "miss", "misses")), \(Format.count(c.tlbInvalidations, "invalidation"))"]
        guard !entries.isEmpty else { return lines }
        var table = TextTable([.init("page"), .init("vpn", .right), .init("frame", .right),
                               .init("perms"), .init("lru", .right)])
        for e in entries {
            let frame = e.frame == machine.zeroPageFrame ? "zero" : "\(e.frame)"
            table.add([Format.hex(e.vpn &* machine.pageSize), "\(e.vpn)", frame, e.writable ? "rw" : "r-", "\(e.recency)"])
        }
        lines += table.render()
        return lines
    }
}
