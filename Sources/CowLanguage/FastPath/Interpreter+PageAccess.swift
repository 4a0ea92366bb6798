// The fast path for literal `read`/`write` lines.
//
// Why it exists: most lines of a long trace-like script (the 1,000,000-line benchmark,
// generated homework traces) are `write P ADDR VALUE` or `read P ADDR` with literal operands.
// Lexing each such line into tokens and building a command with expression trees costs several
// allocations per line; instead the parser recognises exactly that shape straight from the bytes
// (`Parser+AccessLines.swift`) into a `PageAccess`, plain data with no allocation, and the
// session runs it with the same checks and messages as the general command
// (`Interpreter+PageAccess.swift`). Anything else (any other shape, anything unusual) is left to the
// general parser. `FastPathEquivalenceTests` runs thousands of random scripts both ways and
// requires byte-identical output, so the two cannot drift apart.
import CowEngine

/// Running a resolved access (see `PageAccess`).
extension Interpreter {
    /// Runs a resolved `read` or `write`: the same steps, checks and messages as the general
    /// commands, from literals instead of expressions.
    func run(_ access: PageAccess) throws(ScriptError) {
        if access.isWrite {
            // A write needs only the pid: the process named last is taken without its name (a
            // retain and a release of the name per line).
            let pid: PID
            if case .name(let name) = access.process, name == lastPidLookup.shortName {
                pid = lastPidLookup.pid
            } else {
                pid = try pidAndName(access).pid
            }
            let vpns = try pageRange(access)
            try write(access.value, to: vpns, of: pid, spans: Self.errorSpans(access))
            return
        }
        let info = try pidAndName(access)
        let vpns = try pageRange(access)
        if access.isWrite {
            try write(access.value, to: vpns, of: info.pid, spans: Self.errorSpans(access))
        } else {
            try read(vpns, of: info, spans: Self.errorSpans(access))
        }
    }

    /// Where the errors of a resolved access point.
    private static func errorSpans(_ access: PageAccess) -> ErrorSpans {
        ErrorSpans(command: access.keyword, process: access.processSpan, range: access.rangeSpan)
    }

    /// As `pidAndName(_:)` for a resolved access: the process named last costs one comparison.
    func pidAndName(_ access: PageAccess) throws(ScriptError) -> (pid: PID, name: String) {
        if case .name(let name) = access.process, name == lastPidLookup.shortName { return (lastPidLookup.pid, lastPidLookup.name) }
        return try pidAndName(access.processReference)
    }

    /// The pages of a resolved access's range (the literals checked as `pageRange` checks them).
    func pageRange(_ access: PageAccess) throws(ScriptError) -> Range<Int> {
        let start = try address(access.address, at: access.addressSpan)
        let first = try firstPage(start, at: access.addressSpan, aligned: false)
        switch access.extent {
        case .single:
            return first..<(first + 1)
        case .pages(let count):
            return try pages(from: first, start: start, count: count, at: access.extentSpan, range: access.rangeSpan)
        case .end(let end):
            return try pages(from: first, start: start, end: end, at: access.extentSpan, range: access.rangeSpan)
        }
    }
}
