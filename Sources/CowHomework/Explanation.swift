import CowEngine
import CowLanguage

/// What an answer's expression looks at, gathered from its syntax tree: the solution sheet
/// shows the state behind each of them (smaps rows, page-table rows, frame rows, counters).
enum ExplainedThing: Equatable {
    /// `rss`, `pss`, `uss`... of a process (a region of it, or all).
    case usage(PID, region: String?, functions: [String])
    /// `faults`, `copies`... of a process.
    case counters(PID)
    /// `alive`, `pid` of a process.
    case state(PID)
    /// `frame`, `mapcount`, `value` of one page.
    case page(PID, vpn: Int)
    /// `table`, `fault` of one address: the walk `translate` prints.
    case walk(PID, address: Int, write: Bool)
    /// A machine-wide figure (`frames_used`, `saved_by_sharing`...).
    case machine(String)
    /// A variable and its value.
    case variable(String, Value)
}

/// Lines of state that explain an answer, taken at the moment of the `ask`: for every process,
/// region, page, machine figure and variable the expression names, the matching rows of
/// `smaps`, `dump` and `dump frames` (selected from the engine's data: usage per region, the
/// page table, the frame table and its reverse map), and how Pss adds up. Never changes the
/// session and never fails: what cannot be resolved is skipped.
struct Explainer {
    let session: Interpreter
    private var machine: Machine { session.machine }

    /// The hook `Interpreter.questionExplainer` takes.
    static func explain(_ session: Interpreter, _ expr: Expr) -> [String] { Explainer(session: session).explanation(of: expr) }

    func explanation(of expr: Expr) -> [String] {
        var things: [ExplainedThing] = []
        gather(expr, into: &things)
        // Variables first: they say which of the problem's random choices the answer uses.
        let variables = things.filter { if case .variable = $0 { return true } else { return false } }
        var lines: [String] = []
        for thing in variables + things.filter({ !variables.contains($0) }) { lines += explain(thing) }
        return lines
    }

    // MARK: - Gathering

    private func gather(_ expr: Expr, into things: inout [ExplainedThing]) {
        switch expr.kind {
        case .number, .none, .boolean, .string: return
        case .word(let name):
            if let value = session.variable(name) {
                add(.variable(name, value), to: &things)
            } else if FunctionCatalog.constantNames.contains(name) {
                add(.machine(name), to: &things)
            }
        case .unary(_, let inner): gather(inner, into: &things)
        case .binary(_, let l, let r):
            gather(l, into: &things)
            gather(r, into: &things)
        case .call(let name, let arguments):
            gatherCall(name.text, arguments, into: &things)
        }
    }

    private func gatherCall(_ name: String, _ arguments: [Expr], into things: inout [ExplainedThing]) {
        if FunctionCatalog.usageNames.contains(name) || FunctionCatalog.counterNames.contains(name)
            || ["alive", "pid", "frame", "mapcount", "value"].contains(name) {
            guard let first = arguments.first, let info = explainedProcess(first, into: &things) else { return }
            if FunctionCatalog.usageNames.contains(name) {
                let region = arguments.count == 2 ? explainedRegion(arguments[1]) : nil
                addUsage(info.pid, region: region, function: name, to: &things)
            } else if FunctionCatalog.counterNames.contains(name) {
                add(.counters(info.pid), to: &things)
            } else if name == "alive" || name == "pid" {
                add(.state(info.pid), to: &things)
            } else if arguments.count == 2 {
                gather(arguments[1], into: &things)
                guard let address = session.peekAddress(arguments[1]) else { return }
                add(.page(info.pid, vpn: address / machine.pageSize), to: &things)
            }
            return
        }
        if name == "table" || name == "fault" {
            guard arguments.count >= 2, let info = explainedProcess(arguments[0], into: &things) else { return }
            gather(arguments[1], into: &things)
            guard let address = session.peekAddress(arguments[1]) else { return }
            var write = false
            if name == "fault", arguments.count == 3 {
                if case .word("write") = arguments[2].kind { write = true }
                else if case .text("write")? = session.peek(arguments[2]) { write = true }
                else { gather(arguments[2], into: &things) }
            }
            add(.walk(info.pid, address: address, write: write), to: &things)
            return
        }
        if FunctionCatalog.constantNames.contains(name) {
            add(.machine(name), to: &things)
            return
        }
        for argument in arguments { gather(argument, into: &things) }
    }

    /// The process a function's first argument names (as `processArgument` resolves it); a
    /// variable holding it is explained too.
    private func explainedProcess(_ expr: Expr, into things: inout [ExplainedThing]) -> ProcessInfo? {
        if case .word(let name) = expr.kind {
            if !session.isProcessName(name), let value = session.variable(name) { add(.variable(name, value), to: &things) }
            return session.peekProcess(expr)
        }
        gather(expr, into: &things)
        return session.peekProcess(expr)
    }

    private func explainedRegion(_ expr: Expr) -> String? {
        if case .word(let w) = expr.kind { return w }
        if case .text(let t)? = session.peek(expr) { return t }
        return nil
    }

    private func add(_ thing: ExplainedThing, to things: inout [ExplainedThing]) {
        if !things.contains(thing) { things.append(thing) }
    }

    /// Usage of the same process and region is one section, whatever functions ask about it.
    private func addUsage(_ pid: PID, region: String?, function: String, to things: inout [ExplainedThing]) {
        for (i, thing) in things.enumerated() {
            if case .usage(pid, region: region, functions: let functions) = thing {
                if !functions.contains(function) { things[i] = .usage(pid, region: region, functions: functions + [function]) }
                return
            }
        }
        things.append(.usage(pid, region: region, functions: [function]))
    }

    // MARK: - Explaining

    /// Rows shown per table at most (homework problems are small; this keeps sheets readable).
    static let explanationRowLimit = 24

    private func explain(_ thing: ExplainedThing) -> [String] {
        switch thing {
        case .variable(let name, let value):
            return ["\(name) = \(TerminalText.escaped(value.description, keepingNewlines: false))"]
        case .machine(let name):
            return explainMachine(name)
        case .state(let pid):
            guard let info = machine.process(pid) else { return [] }
            return [ProcessDump(machine: machine, info: info).heading()]
        case .counters(let pid):
            guard let info = machine.process(pid) else { return [] }
            let c = info.counters
            return ["\(info.name) (pid \(pid)): \(Format.count(c.faults, "fault")) (\(c.minorFaults) minor, \(c.majorFaults) major), "
                    + "\(Format.count(c.copies, "copy-on-write copy", "copy-on-write copies")), \(Format.count(c.reuses, "reuse"))"]
                + (info.isAlive ? pageTableRows(info, region: nil) : [])
        case .page(let pid, let vpn):
            return explainPage(pid, vpn: vpn)
        case .usage(let pid, let region, let functions):
            return explainUsage(pid, region: region, functions: functions)
        case .walk(let pid, let address, let write):
            guard let info = machine.process(pid) else { return [] }
            return PageTableText.translation(machine, info, address: address, write: write) ?? []
        }
    }

    private func explainMachine(_ name: String) -> [String] {
        switch name {
        case "frames_used", "frames_free", "frames_anonymous", "frames_page_cache":
            let dump = FrameDump(machine: machine)
            var rows = machine.usedFrames.isEmpty ? [] : dump.frameTable(everyFrame: false).table.render()
            if let zero = dump.zeroPageLine() { rows.append("  " + zero) }
            return ["dump frames:", "  " + dump.summary()] + limited(rows)
        case "saved_by_sharing":
            let wanted: Set = ["frames", "sharing"]
            let stats = StatsReport(machine: machine).table()
            return ["stats:"] + stats.render(rowsWhere: { wanted.contains(StatsReport.titles[$0]) }).map { "  " + $0 }
        default:
            return []   // page_size, zero_page, frames_total: constants of the machine
        }
    }

    private func explainPage(_ pid: PID, vpn: Int) -> [String] {
        guard let info = machine.process(pid) else { return [] }
        let address = Format.hex(vpn &* machine.pageSize)
        guard info.isAlive, let entry = machine.entry(pid, vpn: vpn) else {
            return ["\(info.name) \(address): no page present"]
        }
        let region = info.regions.index(containing: vpn).map { info.regions[$0].name } ?? "?"
        let zero = entry.frame == machine.zeroPageFrame
        var table = TextTable([.init("address"), .init("frame", .right), .init("flags"), .init("region")], indent: "  ")
        table.add([address, zero ? "zero" : "\(entry.frame)", entry.flags.description, region])
        var lines = ["dump \(info.name) (\(address)):"] + table.render()
        if zero {
            lines.append("the shared zero page: never counted in Rss or Pss, value 0")
        } else {
            let frames = FrameDump(machine: machine).frameTable(everyFrame: true)
            if frames.rows.contains(where: { $0.contains(entry.frame) }) {
                lines += ["dump frames (frame \(entry.frame)):"] + frames.table.render(rowsWhere: { frames.rows[$0].contains(entry.frame) })
            }
        }
        return lines
    }

    private func explainUsage(_ pid: PID, region: String?, functions: [String]) -> [String] {
        guard let info = machine.process(pid) else { return [] }
        let which = region.map { " (\($0))" } ?? ""
        guard info.isAlive else { return ["\(ProcessDump(machine: machine, info: info).heading()): a dead process uses no memory"] }
        var lines: [String] = []
        if let smaps = SmapsReport(machine: machine, info: info).table() {
            lines += ["smaps \(info.name)\(which):"] + smaps.table.render(rowsWhere: { region == nil || smaps.regions[$0] == region })
        }
        if functions.contains(where: { $0 != "size" }) {
            lines += pageTableRows(info, region: region)
            if let mapcounts = mapcountLine(info, region: region) { lines.append(mapcounts) }
        }
        return lines
    }

    /// The page-table rows of `dump P` for one region (or all), with the table's header.
    private func pageTableRows(_ info: ProcessInfo, region: String?) -> [String] {
        let dump = ProcessDump(machine: machine, info: info).pageTable(everyPage: false)
        let selected = dump.regions.indices.filter { region == nil || dump.regions[$0] == region }
        guard !selected.isEmpty else { return [] }
        let shown = Set(selected.prefix(Self.explanationRowLimit))
        var lines = ["dump \(info.name)\(region.map { " (\($0))" } ?? ""):"] + dump.table.render(rowsWhere: { shown.contains($0) })
        if selected.count > Self.explanationRowLimit { lines.append("  ... \(selected.count - Self.explanationRowLimit) more rows") }
        return lines
    }

    /// "ls heap: 16 present pages: 1 with mapcount 1, 15 with mapcount 2; Pss = 1 + 15/2 = 17/2".
    private func mapcountLine(_ info: ProcessInfo, region: String?) -> String? {
        var byMapcount: [Int: Int] = [:]
        var zeroPages = 0
        for page in machine.pageTable(of: info.pid) where region == nil || page.region == region {
            if page.entry.frame == machine.zeroPageFrame {
                zeroPages += 1
                continue
            }
            // O(1) per page: `machine.frame(_:)` would build the frame's reverse map (every page table).
            let count = max(1, machine.mapcount(ofFrame: page.entry.frame))
            byMapcount[count, default: 0] += 1
        }
        let present = byMapcount.values.reduce(0, +)
        let what = info.name + (region.map { " " + $0 } ?? "")
        guard present > 0 else {
            return zeroPages > 0 ? "\(what): only the zero page is mapped (\(Format.pages(zeroPages))), Rss 0" : nil
        }
        let keys = byMapcount.keys.sorted()
        let groups = keys.map { "\(byMapcount[$0] ?? 0) with mapcount \($0)" }
        var pss = Rational.zero
        var terms: [String] = []
        for k in keys {
            let count = byMapcount[k] ?? 0
            terms.append(k == 1 ? "\(count)" : "\(count)/\(k)")   // pages / mapcount, not reduced
            pss = pss.adding(Rational(count, k) ?? .zero) ?? pss
        }
        let sum = terms.joined(separator: " + ")
        var text = "\(what): \(Format.pages(present)) present: \(groups.joined(separator: ", ")); Pss = "
        text += sum == pss.description ? sum : "\(sum) = \(pss)"
        if zeroPages > 0 { text += "; \(Format.pages(zeroPages)) on the zero page (not counted)" }
        return text
    }

    private func limited(_ rows: [String]) -> [String] {
        guard rows.count > Self.explanationRowLimit else { return rows }
        return Array(rows.prefix(Self.explanationRowLimit)) + ["  ... \(rows.count - Self.explanationRowLimit) more rows"]
    }
}
