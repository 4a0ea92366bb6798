import CowEngine

// `map ... populate`, `mlock` / `munlock` and `mremap P RANGE size N` (issue 11).
extension Interpreter {
    /// Faults in the pages of a mapping just made (MAP_POPULATE), printing the faults' events.
    func populate(_ info: (pid: PID, name: String), _ vpns: Range<Int>, write: Bool, keyword: SourceSpan) throws(ScriptError) {
        let outcome = try engineShowingEvents(ErrorSpans(command: keyword)) { (m: inout Machine) throws(EngineError) in
            try m.populate(info.pid, at: vpns.lowerBound, pages: vpns.count)
        }
        try mirror(.populate(info.pid, vpn: vpns.lowerBound, pages: vpns.count, write: write), at: keyword)
        sayPopulated(info.name, vpns, outcome)
    }

    private func sayPopulated(_ name: String, _ vpns: Range<Int>, _ outcome: Machine.PopulateOutcome) {
        guard backendLink == nil else { return }
        say("\(name): populated \(rangeText(vpns)) (\(Format.pages(vpns.count))): \(Format.count(outcome.faults, "fault"))", style: .dim)
    }

    /// `mlock P RANGE` / `munlock P RANGE`.
    func runMlock(_ ref: ProcessReference, _ range: RangeArgument, lock: Bool, keyword: SourceSpan) throws(ScriptError) {
        let info = try processTarget(ref)
        let vpns = try pageRange(range, aligned: true, of: info.pid)
        let spans = ErrorSpans(command: keyword, process: ref.span, range: range.span)
        if lock {
            let outcome = try engineShowingEvents(spans) { (m: inout Machine) throws(EngineError) in
                try m.mlock(info.pid, at: vpns.lowerBound, pages: vpns.count)
            }
            try mirror(.mlock(info.pid, vpn: vpns.lowerBound, pages: vpns.count, lock: true), at: keyword)
            say("\(info.name): locked \(rangeText(vpns)) (\(Format.pages(vpns.count)))"
                + (backendLink == nil ? ", populated with \(Format.count(outcome.faults, "fault"))" : ""), style: .dim)
        } else {
            try engine(spans) { (m: inout Machine) throws(EngineError) in
                try m.munlock(info.pid, at: vpns.lowerBound, pages: vpns.count)
            }
            try mirror(.mlock(info.pid, vpn: vpns.lowerBound, pages: vpns.count, lock: false), at: keyword)
            say("\(info.name): unlocked \(rangeText(vpns)) (\(Format.pages(vpns.count)))", style: .dim)
        }
    }

    /// `mremap P RANGE size N`.
    func runMremapResize(_ ref: ProcessReference, _ range: RangeArgument, _ size: Expr, keyword: SourceSpan) throws(ScriptError) {
        let newPages = try integer(size, "the new size (in pages)", in: 1...Machine.maxPages)
        let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
            try m.mremapResize(pid, at: pages.lowerBound, pages: pages.count, newPages: newPages)
        }
        try mirror(.mremapResize(info.pid, vpn: vpns.lowerBound, pages: vpns.count, newPages: newPages), at: keyword)
        let now = vpns.lowerBound..<(vpns.lowerBound + newPages)
        let verb = newPages < vpns.count ? "shrank" : newPages > vpns.count ? "grew" : "kept"
        say("\(info.name): \(verb) \(rangeText(vpns)) (\(Format.pages(vpns.count))) in place to \(rangeText(now)) (\(Format.pages(newPages)))", style: .dim)
    }
}
