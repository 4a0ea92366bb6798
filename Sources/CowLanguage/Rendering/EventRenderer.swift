import CowEngine

/// Turns engine events into short lines for people, merging runs (64 demand-zero faults on
/// consecutive pages are one line, not 64):
///
///     fault  shell 0x10000..0x50000 (64 pages): demand-zero, new frames 0-63
///     copy   ls 0x10000: copy-on-write, frame 3 copied to frame 70
///     killed ls: SIGSEGV at 0x20000 (write to read-only)
struct EventRenderer {
    let machine: Machine

    /// One rendered line and its style.
    struct Line: Equatable {
        var text: String
        var style: OutputStyle
    }

    /// The events as lines.
    func render(_ events: [Event]) -> [Line] {
        var lines: [Line] = []
        var i = 0
        while i < events.count {
            let run = runLength(events, from: i)
            lines.append(line(Array(events[i..<(i + run)])))
            i += run
        }
        return lines
    }

    private func name(_ pid: PID) -> String { machine.process(pid)?.name ?? "pid \(pid)" }

    private func address(_ vpn: Int) -> String { Format.hex(vpn &* machine.pageSize) }

    /// "0x10000" or "0x10000..0x50000 (64 pages)" for a run starting at `vpn`.
    private func pages(_ vpn: Int, _ count: Int) -> String {
        count == 1 ? address(vpn) : "\(address(vpn))..\(address(vpn + count)) (\(count) pages)"
    }

    /// How many events from `start` merge into one line.
    private func runLength(_ events: [Event], from start: Int) -> Int {
        var n = 1
        while start + n < events.count, continues(events[start + n - 1], events[start + n]) { n += 1 }
        return n
    }

    /// Whether `next` extends the run that `previous` ends.
    private func continues(_ previous: Event, _ next: Event) -> Bool {
        switch (previous, next) {
        case (.demandZero(let p, let v, _), .demandZero(let q, let w, _)): return p == q && w == v + 1
        case (.zeroPageMapped(let p, let v), .zeroPageMapped(let q, let w)): return p == q && w == v + 1
        case (.sharedMapped(let p, let v, _), .sharedMapped(let q, let w, _)): return p == q && w == v + 1
        case (.copyOnWrite(let p, let v, _, _), .copyOnWrite(let q, let w, _, _)): return p == q && w == v + 1
        case (.copyOnWriteReuse(let p, let v, _), .copyOnWriteReuse(let q, let w, _)): return p == q && w == v + 1
        case (.fileRead(let p, let v, _, let m1, let n1), .fileRead(let q, let w, _, let m2, let n2)):
            return p == q && w == v + 1 && m1 == m2 && n1 <= 1 && n2 <= 1
        default: return false
        }
    }

    /// The line for a run of like events (a run of one for the unmergeable kinds).
    private func line(_ run: [Event]) -> Line {
        guard let first = run.first else { return Line(text: "", style: .event) }
        let n = run.count
        switch first {
        case .demandZero(let pid, let vpn, _):
            let frames = run.compactMap { if case .demandZero(_, _, let f) = $0 { return f } else { return nil } }
            let what = n == 1 ? "new frame \(frames[0])" : "new frames \(Format.frameList(frames))"
            return Line(text: "fault  \(name(pid)) \(pages(vpn, n)): demand-zero, \(what)", style: .fault)
        case .zeroPageMapped(let pid, let vpn):
            let what = n == 1 ? "read of untouched memory maps the zero page" : "reads of untouched memory map the zero page"
            return Line(text: "fault  \(name(pid)) \(pages(vpn, n)): \(what)", style: .fault)
        case .fileRead(let pid, let vpn, let frame, let major, let mapped):
            let frames = run.compactMap { if case .fileRead(_, _, let f, _, _) = $0 { return f } else { return nil } }
            let tag = major ? "major " : "fault "
            let source = major ? "read from disk into" : "page cache hit,"
            let frameText = n == 1 ? "frame \(frame)" : "frames \(Format.frameList(frames))"
            var text = "\(tag) \(name(pid)) \(pages(vpn, n)): \(source) \(frameText)"
            if n == 1, mapped > 1 { text += ", \(mapped) pages mapped (fault-around)" }
            if n == 1, mapped == 0 { text += " (copied, not mapped)" }
            return Line(text: text, style: .fault)
        case .sharedMapped(let pid, let vpn, _):
            let frames = run.compactMap { if case .sharedMapped(_, _, let f) = $0 { return f } else { return nil } }
            let what = n == 1 ? "frame \(frames[0])" : "frames \(Format.frameList(frames))"
            return Line(text: "fault  \(name(pid)) \(pages(vpn, n)): shared page already in memory, \(what)", style: .fault)
        case .copyOnWrite(let pid, let vpn, _, _):
            var from: [Int] = [], to: [Int] = []
            for e in run { if case .copyOnWrite(_, _, let f, let t) = e { from.append(f); to.append(t) } }
            let what = n == 1 ? "frame \(from[0]) copied to frame \(to[0])"
                : "frames \(Format.frameList(from)) copied to \(Format.frameList(to))"
            return Line(text: "copy   \(name(pid)) \(pages(vpn, n)): copy-on-write, \(what)", style: .copy)
        case .copyOnWriteReuse(let pid, let vpn, _):
            let frames = run.compactMap { if case .copyOnWriteReuse(_, _, let f) = $0 { return f } else { return nil } }
            let what = n == 1 ? "frame \(frames[0])" : "frames \(Format.frameList(frames))"
            return Line(text: "reuse  \(name(pid)) \(pages(vpn, n)): copy-on-write fault by the only user keeps \(what), no copy", style: .copy)
        case .segfault(let pid, let vpn, let reason):
            return Line(text: "killed \(name(pid)): SIGSEGV at \(address(vpn)) (\(reason.rawValue))", style: .fault)
        case .outOfMemory(let pid, let vpn):
            return Line(text: "killed \(name(pid)): out of memory at \(address(vpn)) (no free frame)", style: .fault)
        case .forked(let parent, let child, let entries, let copied, let vfork):
            if vfork {
                return Line(text: "vfork  \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): the child borrows the address space; \(name(parent)) waits", style: .event)
            }
            let copyText = copied == 0 ? "no frame copied" : "\(Format.frames(copied)) copied"
            return Line(text: "fork   \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): \(Format.count(entries, "page-table entry", "page-table entries")) copied, \(copyText)", style: .event)
        case .execed(let pid, let freed):
            return Line(text: "exec   \(name(pid)): new empty address space, \(Format.frames(freed)) freed", style: .event)
        case .exited(let pid, let freed):
            return Line(text: "exit   \(name(pid)): \(Format.frames(freed)) freed", style: .event)
        case .resumed(let pid):
            return Line(text: "resume \(name(pid)): its vfork child is gone, it runs again", style: .event)
        }
    }
}
