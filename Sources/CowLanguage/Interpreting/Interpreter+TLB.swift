import CowEngine

// `config tlb N` and `dump P tlb` (the TLB itself is CowEngine's TLB/).

extension Interpreter {
    func runTLBCommand(_ command: Command, keyword: SourceSpan) throws(ScriptError) {
        switch command {
        case .configTLB(let e):
            let entries = try integer(e, "the number of TLB entries", in: 0...65_536)
            try engine(ErrorSpans(command: keyword, range: e.span)) { (m: inout Machine) throws(EngineError) in
                try m.setTLB(entries: entries)
            }
            say(entries == 0 ? "config: no TLB"
                : "config: TLB of \(Format.count(entries, "entry", "entries")) (fully associative, LRU, tagged with address-space ids)",
                style: .dim)
        case .dump(.tlb(let ref), _):
            let info = try process(ref)
            if options.json {
                let entries = machine.tlbEntries(info.pid).map { e -> JSON in
                    .object([("vpn", .int(e.vpn)), ("frame", .int(e.frame)), ("writable", .bool(e.writable)), ("lru", .int(e.recency))])
                }
                let c = info.counters
                sayJSON(.object([("pid", .int(info.pid)), ("name", .string(info.name)), ("capacity", .int(machine.config.tlbEntries)),
                                 ("hits", .int(c.tlbHits)), ("misses", .int(c.tlbMisses)),
                                 ("invalidations", .int(c.tlbInvalidations)), ("entries", .array(entries))]))
            } else {
                say(lines: TLBText.dump(info, machine: machine))
            }
        default:
            break
        }
    }
}
