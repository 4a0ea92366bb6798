import CowEngine

/// Turning written arguments into engine values: processes, page ranges, names, numbers.
extension Interpreter {
    /// An error pointing at `span` of the file being run.
    func fail(_ message: String, at span: SourceSpan, notes: [String] = []) -> ScriptError {
        .failed(Diagnostic(message, at: span, in: currentFile, notes: notes))
    }

    // MARK: - Processes

    /// The process a command names; it must be alive unless `allowDead`.
    func process(_ ref: ProcessReference, allowDead: Bool = false) throws(ScriptError) -> ProcessInfo {
        let info: ProcessInfo
        switch ref.kind {
        case .name(let name):
            if let found = machine.process(named: name) {
                info = found
            } else if let value = variables[name] {
                info = try process(from: value, at: ref.span)
            } else {
                throw unknownProcess(name, at: ref.span)
            }
        case .pid(let expr):
            info = try process(from: try evaluate(expr), at: ref.span)
        case .string(let literal):
            let name = try interpolate(literal)
            guard let found = machine.process(named: name) else { throw unknownProcess(name, at: ref.span) }
            info = found
        }
        if !allowDead, !info.isAlive { throw deadProcess(info, at: ref.span) }
        return info
    }

    /// The pid and name of the process a command names (alive unless `allowDead`), keeping no
    /// snapshot of its regions: a command that changes the machine must not hold one across the
    /// change, or the engine's region array is shared and gets copied whole (65,530 regions).
    func processTarget(_ ref: ProcessReference, allowDead: Bool = false) throws(ScriptError) -> (pid: PID, name: String) {
        let info = try process(ref, allowDead: allowDead)
        return (info.pid, info.name)
    }

    /// Whether process `pid` has a region called `name` (O(1): the engine counts names).
    func hasRegion(_ pid: PID, named name: String) -> Bool {
        machine.hasRegion(pid, named: name)
    }

    /// The pid and name a reference names, without building a full `ProcessInfo` (the hot path
    /// of `read` and `write`; the engine itself refuses dead processes).
    func pidAndName(_ ref: ProcessReference) throws(ScriptError) -> (pid: PID, name: String) {
        if case .name(let name) = ref.kind {
            if name == lastPidLookup.name { return (lastPidLookup.pid, name) }
            if let pid = pidByName[name] {
                lastPidLookup = PidLookup(pid: pid, name: name, shortName: ShortName(name.utf8))
                return (pid, name)
            }
            if let info = machine.process(named: name) {
                pidByName[name] = info.pid
                return (info.pid, name)
            }
        }
        let info = try process(ref, allowDead: true)
        return (info.pid, info.name)
    }

    /// A process from a value: a number is a pid, text a name.
    func process(from value: Value, at span: SourceSpan) throws(ScriptError) -> ProcessInfo {
        switch value {
        case .number(let r):
            guard r.denominator == 1, let found = machine.process(r.numerator) else {
                let all = machine.processes
                let known = all.prefix(Self.namesListed).map { "\($0.pid) (\($0.name))" }
                throw fail("no process with pid \(r)", at: span,
                           notes: [known.isEmpty ? "no processes yet; create one with `spawn NAME`"
                                                 : "known: " + Self.listed(known, total: all.count)])
            }
            return found
        case .text(let name):
            guard let found = machine.process(named: name) else { throw unknownProcess(name, at: span) }
            return found
        default:
            throw fail("expected a process (a name or a pid), found \(value.kindName)", at: span)
        }
    }

    /// How many names an unknown-process error lists before "and N more".
    static let namesListed = 8

    /// `shown` joined with commas, then "and N more" for the `total - shown.count` left out.
    static func listed(_ shown: [String], total: Int) -> String {
        shown.joined(separator: ", ") + (total > shown.count ? " and \(total - shown.count) more" : "")
    }

    /// "no process named `sh`; known: shell, ls" (the first `namesListed` live names, then
    /// "and N more").
    func unknownProcess(_ name: String, at span: SourceSpan) -> ScriptError {
        let alive = machine.processes.filter(\.isAlive).map(\.name)
        var notes: [String] = []
        if let near = Suggestions.nearest(to: name, in: alive) { notes.append("did you mean `\(near)`?") }
        if alive.isEmpty, machine.processes.isEmpty {
            return fail("no process named \(Diagnostic.quoted(name)); there are no processes yet (create one with `spawn NAME`)", at: span, notes: notes)
        }
        if alive.isEmpty {
            return fail("no process named \(Diagnostic.quoted(name)); no process is alive (\(machine.processes.count == 1 ? "the only one has exited or was killed" : "all \(machine.processes.count) have exited or were killed"))",
                        at: span, notes: notes)
        }
        return fail("no process named \(Diagnostic.quoted(name)); known: \(Self.listed(Array(alive.prefix(Self.namesListed)), total: alive.count))",
                    at: span, notes: notes)
    }

    /// "ls (pid 2) was killed by SIGSEGV ...; a dead process cannot run commands".
    func deadProcess(_ info: ProcessInfo, at span: SourceSpan) -> ScriptError {
        fail("\(info.name) (pid \(info.pid)) \(deathDescription(info.state)); a dead process cannot do anything", at: span,
             notes: ["`alive(\(info.name))` tells whether a process is alive"])
    }

    /// "has exited", "was killed by SIGSEGV at 0x20000 (write to read-only)".
    func deathDescription(_ state: ProcessState) -> String {
        switch state {
        case .exited: return "has exited"
        case .killed(.segfault(let vpn, let reason)):
            return "was killed by SIGSEGV at \(Format.hex(vpn &* machine.pageSize)) (\(reason.rawValue))"
        case .killed(.outOfMemory(let vpn)):
            return "was killed for lack of memory at \(Format.hex(vpn &* machine.pageSize))"
        case .killed(.oomVictim(let pid, let vpn)):
            let faulter = machine.processName(pid) ?? "pid \(pid)"
            return "was killed by the out-of-memory killer when \(faulter) faulted at \(Format.hex(vpn &* machine.pageSize))"
        case .killed(.busError(let vpn)):
            return "was killed by SIGBUS at \(Format.hex(vpn &* machine.pageSize)) (past the end of its file)"
        case .running: return "is running"
        case .suspended(let child):
            let name = machine.process(child).map { "\($0.name) (pid \(child))" } ?? "pid \(child)"
            return "is suspended until its vfork child \(name) exits or execs"
        }
    }

    /// Refuses a name with control characters, at its own span (the engine's rule and message,
    /// checked first here where the engine's error would point at another argument).
    func checkPrintable(_ name: String, _ what: String, at span: SourceSpan) throws(ScriptError) {
        // The rule and its wording are the engine's (Names.swift); only the caret is placed here.
        if let problem = Machine.unprintableNameProblem(name, what) { throw fail(problem, at: span) }
    }

    // MARK: - Numbers

    /// A whole number; `what` names it in errors ("the number of pages").
    func integer(_ expr: Expr, _ what: String) throws(ScriptError) -> Int {
        let value = try evaluate(expr)
        guard case .number(let r) = value else {
            throw fail("\(what) must be a number, found \(value.kindName)", at: expr.span)
        }
        guard r.denominator == 1 else { throw fail("\(what) must be a whole number, found \(r)", at: expr.span) }
        return r.numerator
    }

    /// A whole number in a range.
    func integer(_ expr: Expr, _ what: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int {
        let n = try integer(expr, what)
        guard range.contains(n) else {
            throw fail("\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(n)", at: expr.span)
        }
        return n
    }

    // MARK: - Addresses

    /// A byte address: whole, not negative, inside the address space (48-bit unless the page-table layout says less).
    func address(_ expr: Expr) throws(ScriptError) -> Int {
        try address(try integer(expr, "an address"), at: expr.span)
    }

    /// `a` checked as a byte address written at `span`.
    func address(_ a: Int, at span: SourceSpan) throws(ScriptError) -> Int {
        guard a >= 0 else { throw fail("an address cannot be negative, found \(a)", at: span) }
        let limit = geometry.vpnLimit &* geometry.pageSize
        guard a < limit else {
            throw fail("address \(Format.hex(a)) is beyond the \(geometry.addressBits)-bit address space (it ends at \(Format.hex(limit)))", at: span)
        }
        return a
    }

    /// The pages a range covers, as virtual page numbers. `aligned` (mappings) requires the start
    /// to be a multiple of the page size.
    func pageRange(_ range: RangeArgument, aligned: Bool) throws(ScriptError) -> Range<Int> {
        let start = try address(range.start)
        let first = try firstPage(start, at: range.start.span, aligned: aligned)
        switch range.extent {
        case .single:
            return first..<(first + 1)
        case .pages(let expr):
            return try pages(from: first, start: start, count: try integer(expr, "the number of pages"), at: expr.span, range: range.span)
        case .end(let expr):
            return try pages(from: first, start: start, end: try integer(expr, "an address"), at: expr.span, range: range.span)
        }
    }

    /// `pageRange` for a command on process `pid`: a region's name written where an address goes
    /// (`write s heap 1`) is reported as such, with the region's addresses. (Checked only once
    /// the range has failed, so it costs nothing on the way of a correct command.)
    @inline(__always)
    func pageRange(_ range: RangeArgument, aligned: Bool, of pid: PID) throws(ScriptError) -> Range<Int> {
        do {
            return try pageRange(range, aligned: aligned)
        } catch {
            guard case .word(let name) = range.start.kind, variables[name] == nil,
                  let info = machine.process(pid), let region = info.regions.first(where: { $0.name == name }) else { throw error }
            let start = Format.hex(region.start &* geometry.pageSize)
            throw fail("`\(name)` is a region of \(info.name), not an address", at: range.start.span,
                       notes: ["\(name) is \(rangeText(region.start..<region.end)) (\(Format.pages(region.pages))): "
                               + "write its first address, `\(start)`, or the whole region as `\(start) pages \(region.pages)`"])
        }
    }

    /// The page holding address `start` (written at `span`), which must begin a page if `aligned`.
    func firstPage(_ start: Int, at span: SourceSpan, aligned: Bool) throws(ScriptError) -> Int {
        let pageSize = geometry.pageSize
        if aligned, start % pageSize != 0 {
            throw fail("address \(Format.hex(start)) is not a multiple of the page size (\(pageSize) = \(Format.hex(pageSize)))",
                       at: span)
        }
        return start / pageSize
    }

    /// `ADDR pages N`: `n` pages from page `first` (`n` written at `span`).
    func pages(from first: Int, start: Int, count n: Int, at span: SourceSpan, range: SourceSpan) throws(ScriptError) -> Range<Int> {
        guard n != 0 else { throw fail("the range is empty: `pages 0` holds no page", at: span) }
        guard n > 0 else { throw fail("the number of pages must be positive, found \(n)", at: span) }
        let (end, overflow) = first.addingReportingOverflow(n)
        guard !overflow, end <= geometry.vpnLimit else {
            throw fail("\(Format.hex(start)) plus \(Format.pages(n)) goes beyond the \(geometry.addressBits)-bit address space", at: range)
        }
        return first..<end
    }

    /// `ADDR..END`: every page holding a byte in [start, end) (`end` written at `span`).
    func pages(from first: Int, start: Int, end: Int, at span: SourceSpan, range: SourceSpan) throws(ScriptError) -> Range<Int> {
        guard end != start else { throw fail("the range is empty: \(Format.hex(start))..\(Format.hex(end)) holds no byte", at: range) }
        guard end > start else {
            throw fail("the range is reversed: its end \(Format.hex(end)) is below its start \(Format.hex(start))", at: range)
        }
        let lastPage = (end - 1) / geometry.pageSize
        guard lastPage < geometry.vpnLimit else {
            throw fail("address \(Format.hex(end)) is beyond the \(geometry.addressBits)-bit address space", at: span)
        }
        return first..<(lastPage + 1)
    }

    /// "0x10000..0x20000" for a run of pages.
    func rangeText(_ vpns: Range<Int>) -> String {
        "\(Format.hex(vpns.lowerBound &* machine.pageSize))..\(Format.hex(vpns.upperBound &* machine.pageSize))"
    }

    // MARK: - Names

    /// A name argument as text.
    func name(_ argument: NameArgument) throws(ScriptError) -> String {
        switch argument.kind {
        case .word(let w): return w
        case .string(let literal):
            let text = try interpolate(literal)
            guard !text.isEmpty else { throw fail("a name cannot be empty", at: argument.span) }
            return text
        }
    }

    /// Default name of a forked child: the parent's name without a `_N` suffix, then `_PID`
    /// (`shell` forks `shell_2`; `shell_2` forks `shell_3`).
    func defaultChildName(of parent: String) -> String {
        var base = Substring(parent)
        if let underscore = base.lastIndex(of: "_"), base[base.index(after: underscore)...].allSatisfy(\.isNumber),
           base.index(after: underscore) < base.endIndex, underscore > base.startIndex {
            base = base[..<underscore]
        }
        return uniqueProcessName(String(base) + "_\(machine.processCount + 1)")
    }

    /// `name`, or `name_2`, `name_3`... if a live process already has it.
    func uniqueProcessName(_ name: String) -> String {
        if !machine.isLiveProcessName(name) { return name }
        var k = 2
        while machine.isLiveProcessName("\(name)_\(k)") { k += 1 }
        return "\(name)_\(k)"
    }
}
