import CowEngine

/// `dump swap` (the swap slots in use and the entries naming each), and the swap entries of
/// `dump P`, which appear only when the process has some (so dumps without swap are unchanged).
public struct SwapDump {
    let machine: Machine

    /// The swap dump of `machine`.
    public init(machine: Machine) { self.machine = machine }

    private func name(_ pid: PID) -> String { machine.processName(pid) ?? "pid \(pid)" }

    /// "swap: 1 of 8 slots used; 2 pages written to swap, 1 read back" (or that there is none).
    public func summary() -> String {
        guard machine.swapCapacity > 0 else { return "swap: none configured (`config swap PAGES` adds swap space)" }
        let traffic = machine.swapTraffic
        return "swap: \(machine.swapUsed) of \(Format.count(machine.swapCapacity, "slot")) used; "
            + "\(Format.count(traffic.pagesOut, "page")) written to swap, \(traffic.pagesIn) read back"
    }

    /// The text form: the summary, then one row per slot in use.
    public func lines() -> [String] {
        var out = [summary()]
        let slots = machine.swapSlots
        guard !slots.isEmpty else { return out }
        var table = TextTable([.init("slot", .right), .init("swap count", .right), .init("value", .right), .init("swap cache"),
                               .init("entries")], indent: "  ")
        for s in slots {
            let entries = s.referrers.map { "\(name($0.pid)) \(Format.hex($0.vpn &* machine.pageSize))" }
            table.add(["\(s.slot)", "\(s.count)", "\(s.value)", s.cachedIn.map { "frame \($0)" } ?? "-",
                       ProcessDump.summarised(entries)])
        }
        out += table.render()
        out.append("swap count: page-table entries naming the slot (a page shared by copy-on-write when it was swapped out has one per sharer); swap cache: the frame holding the slot's page after one of them swapped it back in")
        return out
    }

    /// The JSON form.
    func json() -> JSON {
        let traffic = machine.swapTraffic
        let slots = machine.swapSlots.map { s -> JSON in
            .object([
                ("slot", .int(s.slot)), ("count", .int(s.count)), ("value", .int(Int(s.value))),
                ("swapCache", s.cachedIn.map { .int($0) } ?? .null),
                ("entries", .array(s.referrers.map {
                    .object([("pid", .int($0.pid)), ("process", .string(name($0.pid))), ("address", .int($0.vpn &* machine.pageSize))])
                })),
            ])
        }
        return .object([("slots", .int(machine.swapCapacity)), ("used", .int(machine.swapUsed)),
                        ("pagesOut", .int(traffic.pagesOut)), ("pagesIn", .int(traffic.pagesIn)), ("inUse", .array(slots))])
    }
}

extension ProcessDump {
    /// The swap entries of the process (runs of consecutive pages in consecutive slots with the
    /// same swap count share a row unless `everyPage`), or nothing when it has none.
    func swapLines(everyPage: Bool) -> [String] {
        let entries = machine.swapEntries(of: info.pid)
        guard !entries.isEmpty else { return [] }
        var counts: [Int: Int] = [:]
        for s in machine.swapSlots { counts[s.slot] = s.count }
        var table = TextTable([.init("address"), .init("pages", .right), .init("slot", .right), .init("swap count", .right),
                               .init("region")], indent: "  ")
        let ps = machine.pageSize
        var i = 0
        while i < entries.count {
            let first = entries[i]
            var j = i + 1
            if !everyPage {
                while j < entries.count, entries[j].vpn == entries[j - 1].vpn + 1, entries[j].slot == entries[j - 1].slot + 1,
                      entries[j].region == first.region, counts[entries[j].slot] == counts[first.slot] { j += 1 }
            }
            let last = entries[j - 1]
            let n = j - i
            table.add([n == 1 ? Format.hex(first.vpn &* ps) : "\(Format.hex(first.vpn &* ps))..\(Format.hex((last.vpn + 1) &* ps))",
                       "\(n)", n == 1 ? "\(first.slot)" : "\(first.slot)-\(last.slot)", "\(counts[first.slot] ?? 0)", first.region])
            i = j
        }
        return ["swap entries: \(Format.count(entries.count, "page")) in swap (`dump swap` lists the slots)"] + table.render()
    }

    /// The swap entries as JSON members (none when the process has none).
    func swapJSON() -> [(String, JSON)] {
        let entries = machine.swapEntries(of: info.pid)
        guard !entries.isEmpty else { return [] }
        return [("swapEntries", .array(entries.map {
            .object([("vpn", .int($0.vpn)), ("address", .int($0.vpn &* machine.pageSize)), ("slot", .int($0.slot)),
                     ("region", .string($0.region))])
        }))]
    }
}
