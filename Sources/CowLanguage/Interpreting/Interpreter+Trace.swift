import CowEngine

// `set policy NAME` and `trace P ADDR read|write LIST [show|quiet]` (issue 14).

extension Interpreter {
    /// The most bytes a `trace ... from FILE` may have (a page number and its separator take two
    /// bytes at least, so this holds more than `Machine.maxTraceLength` numbers).
    static let maxTraceFileBytes = 64 << 20

    /// At most this many reclaim events of a `trace` are printed; the summary counts the rest.
    static let maxTraceEvictionEvents = 1_000

    /// `set policy NAME`. RAND's generator starts from `--seed` (mixed with a constant, so it
    /// does not repeat `random`'s draws), afresh at each `set policy rand`.
    func setPolicy(_ policy: ReplacementPolicy) {
        withMachine { $0.setReplacementPolicy(policy, seed: options.seed ^ 0x706F_6C69_6379) }
        say("policy: \(policy.rawValue) (\(Self.policyDescription(policy)))", style: .dim)
    }

    static func policyDescription(_ policy: ReplacementPolicy) -> String {
        switch policy {
        case .fifo: return "reclaim takes the page resident longest"
        case .lru: return "reclaim takes the least recently used page"
        case .clock: return "reclaim takes the first page the clock hand finds unreferenced"
        case .opt: return "reclaim takes the page used again furthest ahead; `trace` tells it the future"
        case .rand: return "reclaim takes a page at random, seeded by --seed"
        case .linux: return "active and inactive lists with second chance"
        }
    }

    /// Runs a `trace`.
    func runTrace(_ t: TraceCommand, keyword: SourceSpan) throws(ScriptError) {
        let (pid, name) = try pidAndName(t.process)
        let start = try address(t.address)
        let base = try firstPage(start, at: t.address.span, aligned: false)
        let pages = try tracePages(t, base: base)
        let frames = machine.config.frames
        let policy = machine.replacementPolicy
        let stepper = TraceLines(policy: policy, width: Self.listWidth(pages, frames: frames))
        let observe: ((TraceStep) -> Void)? = t.output == .steps && !quiet
            ? { [self] step in say(stepper.line(step)) } : nil
        let evictionEvents = t.output == .summary ? Self.maxTraceEvictionEvents : 0
        let spans = ErrorSpans(command: keyword, process: t.process.span, range: t.referencesSpan)
        let summary = try engine(spans) { (m: inout Machine) throws(EngineError) -> TraceSummary in
            try m.trace(pid, base: base, pages: pages, write: t.write, evictionEvents: evictionEvents, observe: observe)
        }
        guard t.output != .quiet else { return }
        let verb = t.write ? "write" : "read"
        var line = "trace  \(name): \(Format.count(summary.accesses, verb)), \(Format.count(summary.hits, "hit")), "
            + "\(Format.count(summary.misses, "miss", "misses"))"
        if summary.majorFaults > 0 { line += " (\(summary.majorFaults) major)" }
        line += ", hit rate \(Self.percent(summary.hits, summary.accesses)); policy \(policy.rawValue), \(Format.frames(frames))"
        if let kill = summary.killed {
            line += "; stopped at access \(summary.accesses) of \(pages.count): \(name) was killed (\(Self.killText(kill)))"
        }
        say(line)
        if t.output == .summary, summary.evictionsNotShown > 0 {
            say("       \(Format.count(summary.evictionsNotShown, "more page", "more pages")) reclaimed, not shown (`trace ... quiet` shows none)",
                style: .dim)
        }
    }

    /// The page numbers of a trace, checked: whole numbers from 0, each with its page inside
    /// the address space. Errors point at the number (inline) or into the file.
    private func tracePages(_ t: TraceCommand, base: Int) throws(ScriptError) -> [Int] {
        let limit = machine.vpnLimit - base
        switch t.references {
        case .inline(let exprs):
            var pages: [Int] = []
            pages.reserveCapacity(exprs.count)
            for e in exprs {
                let page = try integer(e, "a page number")
                guard page >= 0 else { throw fail("a page number must not be negative, found \(page)", at: e.span) }
                guard page < limit else {
                    throw fail("page \(page) is past the end of the address space (\(Format.hex(machine.vpnLimit * machine.pageSize)))", at: e.span)
                }
                pages.append(page)
            }
            return pages
        case .file(let path, let span):
            let resolved = SourceFile.resolve(path, against: currentFile.directory)
            let file: SourceFile
            switch files.read(resolved) {
            case .failure(let failure): throw fail("cannot read \(resolved): \(failure.reason)", at: span)
            case .success(let f): file = f
            }
            guard file.bytes.count <= Self.maxTraceFileBytes else {
                throw fail("\(resolved) has \(file.bytes.count) bytes; a trace file may have at most \(Self.maxTraceFileBytes) (64 MiB)", at: span)
            }
            switch TraceFile.pages(of: file, limit: limit) {
            case .success(let pages):
                guard !pages.isEmpty else { throw fail("\(resolved) holds no page number", at: span) }
                return pages
            case .failure(let problem):
                throw .failed(Diagnostic(problem.message, at: problem.span, in: file,
                                         notes: ["in the trace file of the command at \(currentFile.name):\(span.line)"]))
            }
        }
    }

    /// The width of a full frame list (`[1, 2, 3]`): as many entries as frames, or as distinct
    /// pages if fewer, each as wide as the widest page number (at most 200 columns).
    static func listWidth(_ pages: [Int], frames: Int) -> Int {
        let widest = String(pages.max() ?? 0).count
        var distinct = Set<Int>()
        for p in pages where distinct.count <= frames { distinct.insert(p) }
        let entries = max(1, min(frames, distinct.count))
        return min(200, 2 + entries * widest + (entries - 1) * 2)
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "0.00%" }
        let hundredths = (part * 10_000 + whole / 2) / whole
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    static func killText(_ kill: Kill) -> String {
        switch kill {
        case .outOfMemory: return "out of memory"
        case .segfault(let vpn, _): return "SIGSEGV at page \(Format.hex(vpn))"
        default: return "\(kill)"
        }
    }
}

/// The lines of `trace ... show`, in the layout of OSTEP's `paging-policy.py -c`:
/// `Access: 7  MISS LRU ->    [5, 4, 7] <- MRU Replaced:2 [Hits:1 Misses:6]`.
struct TraceLines {
    let left: String
    let right: String
    let width: Int

    init(policy: ReplacementPolicy, width: Int) {
        switch policy {
        case .fifo: (left, right) = ("FirstIn", "Lastin ")
        case .lru: (left, right) = ("LRU", "MRU")
        case .clock: (left, right) = ("Hand ", "Right")
        case .linux: (left, right) = ("Inactive", "Active")
        case .opt, .rand: (left, right) = ("Left ", "Right")
        }
        self.width = width
    }

    func line(_ step: TraceStep) -> String {
        var list = "["
        for (k, page) in step.resident.enumerated() {
            if k > 0 { list += step.activeFrom == k ? " | " : ", " }
            list += String(page)
        }
        if let a = step.activeFrom, a == step.resident.count, a > 0 { list += " |" }
        list += "]"
        let padding = String(repeating: " ", count: max(0, width - list.count))
        let replaced = step.replaced.isEmpty ? "-" : step.replaced.map(String.init).joined(separator: ",")
        return "Access: \(step.page)  \(step.hit ? "HIT " : "MISS") \(left) -> \(padding)\(list) <- \(right) Replaced:\(replaced) [Hits:\(step.hits) Misses:\(step.misses)]"
    }
}

/// Reading page numbers from a trace file: whole numbers (decimal or 0x hexadecimal) separated
/// by commas, blanks or newlines; `#` starts a comment to the end of the line.
enum TraceFile {
    struct TraceFileError: Error {
        var message: String
        var span: SourceSpan
    }

    static func pages(of file: SourceFile, limit: Int) -> Result<[Int], TraceFileError> {
        let bytes = file.bytes
        var pages: [Int] = []
        var i = 0, line = 1, lineStart = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") {
                line += 1
                i += 1
                lineStart = i
                continue
            }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if b == UInt8(ascii: "#") {
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            let start = i
            while i < bytes.count, !Self.separates(bytes[i]) { i += 1 }
            let span = SourceSpan(start: start, end: i, line: line, lineStart: lineStart)
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            let hex = text.hasPrefix("0x") || text.hasPrefix("0X")
            let digits = hex ? text.dropFirst(2) : Substring(text)
            // `Int(_:radix:)` takes a sign, which a page number never has (`-2` is refused, not
            // left for the engine to refuse without its place in the file).
            let signed = digits.hasPrefix("-") || digits.hasPrefix("+")
            let value = signed ? nil : Int(digits, radix: hex ? 16 : 10)
            if text.hasPrefix("-"), Int(text.dropFirst(), radix: 10) != nil {
                return .failure(TraceFileError(message: "a page number must not be negative, found \(text)", span: span))
            }
            guard let page = value else {
                let shown = text.count > 20 ? String(text.prefix(20)) + "..." : text
                return .failure(TraceFileError(message: "expected a page number (a whole number from 0), found `\(TerminalText.escaped(shown))`", span: span))
            }
            guard page < limit else {
                return .failure(TraceFileError(message: "page \(page) is past the end of the address space", span: span))
            }
            guard pages.count < Machine.maxTraceLength else {
                return .failure(TraceFileError(message: "a trace takes at most \(Machine.maxTraceLength) references", span: span))
            }
            pages.append(page)
        }
        return .success(pages)
    }

    static func separates(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
            || b == UInt8(ascii: ",") || b == UInt8(ascii: "#")
    }
}
