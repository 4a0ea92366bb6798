import CowEngine

/// Turns engine events into short lines for people, merging runs (64 demand-zero faults on
/// consecutive pages are one line, not 64):
///
///     fault  shell 0x10000..0x50000 (64 pages): demand-zero, new frames 0-63
///     copy   ls 0x10000: copy-on-write, frame 3 copied to frame 70
///     killed ls: SIGSEGV at 0x20000 (write to read-only)
///
/// The lines are written as UTF-8 into a `StyledLines` buffer on the caller's stack (no
/// interpolation, no intermediate strings): a million-line script prints a million of them, so
/// this is the interpreter's hot path. The machine is passed in (borrowed) rather than stored:
/// storing a copy would retain each of its arrays once per command.
enum EventRenderer {
    /// Appends the lines for `events` to `text`.
    static func render(_ events: ArraySlice<Event>, of machine: Machine, into text: inout StyledLines) {
        var i = events.startIndex
        while i < events.endIndex {
            let run = runLength(events, from: i)
            let style = line(events[i..<(i + run)], of: machine, into: &text)
            text.endLine(style: style)
            i += run
        }
    }

    /// Name of a pid (the latest name it had), without building a whole `ProcessInfo`.
    private static func name(_ pid: PID, _ machine: Machine) -> String { machine.processName(pid) ?? "pid \(pid)" }

    /// Appends "0x10000" or "0x10000..0x50000 (64 pages)" for a run starting at `vpn`.
    private static func pages(_ vpn: Int, _ count: Int, pageSize: Int, into text: inout StyledLines) {
        text.hex(vpn &* pageSize)
        guard count != 1 else { return }
        text.append("..")
        text.hex((vpn + count) &* pageSize)
        text.append(" (")
        text.decimal(count)
        text.append(" pages)")
    }

    /// Appends "<tag> <name> <pages>: " (the start of every fault line).
    private static func faultHead(_ tag: StaticString, _ pid: PID, _ vpn: Int, _ count: Int, _ machine: Machine,
                                  into text: inout StyledLines) {
        text.append(tag)
        if let name = machine.processName(pid) {
            text.append(string: name)
        } else {
            text.append("pid ")
            text.decimal(pid)
        }
        text.append(" ")
        pages(vpn, count, pageSize: machine.pageSize, into: &text)
        text.append(": ")
    }

    /// How many events from `start` merge into one line.
    private static func runLength(_ events: ArraySlice<Event>, from start: Int) -> Int {
        var n = 1
        while start + n < events.endIndex, continues(events[start + n - 1], events[start + n]) { n += 1 }
        return n
    }

    /// Whether `next` extends the run that `previous` ends.
    private static func continues(_ previous: Event, _ next: Event) -> Bool {
        switch (previous, next) {
        case (.demandZero(let p, let v, _), .demandZero(let q, let w, _)): return p == q && w == v + 1
        case (.zeroPageMapped(let p, let v), .zeroPageMapped(let q, let w)): return p == q && w == v + 1
        case (.sharedMapped(let p, let v, _), .sharedMapped(let q, let w, _)): return p == q && w == v + 1
        case (.writeNotified(let p, let v, _), .writeNotified(let q, let w, _)): return p == q && w == v + 1
        case (.copyOnWrite(let p, let v, _, _), .copyOnWrite(let q, let w, _, _)): return p == q && w == v + 1
        case (.copyOnWriteReuse(let p, let v, _), .copyOnWriteReuse(let q, let w, _)): return p == q && w == v + 1
        case (.fileRead(let p, let v, _, let m1, let n1), .fileRead(let q, let w, _, let m2, let n2)):
            return p == q && w == v + 1 && m1 == m2 && n1 <= 1 && n2 <= 1
        default: return false
        }
    }

    /// "frame 3" for one frame, "frames 0-63" (see `Format.frameList`) for several.
    private static func frames(_ frames: [Int], into text: inout StyledLines) {
        if frames.count == 1 {
            text.append("frame ")
            text.decimal(frames[0])
        } else {
            text.append("frames ")
            text.append(string: Format.frameList(frames))
        }
    }

    /// Appends the line for a run of like events (a run of one for the unmergeable kinds) and
    /// returns its style.
    private static func line(_ run: ArraySlice<Event>, of machine: Machine, into text: inout StyledLines) -> OutputStyle {
        guard let first = run.first else { return .event }
        let n = run.count
        let pageSize = machine.pageSize
        func name(_ pid: PID) -> String { Self.name(pid, machine) }
        switch first {
        case .demandZero(let pid, let vpn, let frame):
            faultHead("fault  ", pid, vpn, n, machine, into: &text)
            if n == 1 {
                text.append("demand-zero, new frame ")   // the most common line: one piece
                text.decimal(frame)
            } else {
                text.append("demand-zero, new ")
                frames(run.compactMap { if case .demandZero(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .zeroPageMapped(let pid, let vpn):
            faultHead("fault  ", pid, vpn, n, machine, into: &text)
            if n == 1 {
                text.append("read of untouched memory maps the zero page")
            } else {
                text.append("reads of untouched memory map the zero page")
            }
            return .fault
        case .fileRead(let pid, let vpn, let frame, let major, let mapped):
            faultHead(major ? "major  " : "fault  ", pid, vpn, n, machine, into: &text)
            if major { text.append("read from disk into ") } else { text.append("page cache hit, ") }
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
                if mapped > 1 {
                    text.append(", ")
                    text.decimal(mapped)
                    text.append(" pages mapped (fault-around)")
                }
                if mapped == 0 { text.append(" (copied, not mapped)") }
            } else {
                frames(run.compactMap { if case .fileRead(_, _, let f, _, _) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .sharedMapped(let pid, let vpn, let frame):
            faultHead("fault  ", pid, vpn, n, machine, into: &text)
            text.append("shared page already in memory, ")
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
            } else {
                frames(run.compactMap { if case .sharedMapped(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .writeNotified(let pid, let vpn, let frame):
            faultHead("fault  ", pid, vpn, n, machine, into: &text)
            text.append("write to a clean shared file page (write notification): made writable and dirty, no copy, ")
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
            } else {
                frames(run.compactMap { if case .writeNotified(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .copyOnWrite(let pid, let vpn, let from, let to):
            faultHead("copy   ", pid, vpn, n, machine, into: &text)
            text.append("copy-on-write, ")
            if n == 1 {
                text.append("frame ")
                text.decimal(from)
                text.append(" copied to frame ")
                text.decimal(to)
            } else {
                var sources: [Int] = [], targets: [Int] = []
                for e in run { if case .copyOnWrite(_, _, let f, let t) = e { sources.append(f); targets.append(t) } }
                text.append("frames ")
                text.append(string: Format.frameList(sources))
                text.append(" copied to ")
                text.append(string: Format.frameList(targets))
            }
            return .copy
        case .copyOnWriteReuse(let pid, let vpn, let frame):
            faultHead("reuse  ", pid, vpn, n, machine, into: &text)
            text.append("copy-on-write fault by the only user keeps ")
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
            } else {
                frames(run.compactMap { if case .copyOnWriteReuse(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            text.append(", no copy")
            return .copy
        case .segfault(let pid, let vpn, let reason):
            text.append(string: "killed \(name(pid)): SIGSEGV at \(Format.hex(vpn &* pageSize)) (\(reason.rawValue))")
            return .fault
        case .outOfMemory(let pid, let vpn):
            text.append(string: "killed \(name(pid)): out of memory at \(Format.hex(vpn &* pageSize)) (no free frame)")
            return .fault
        case .busError(let pid, let vpn, let file):
            let fileName = machine.file(id: file)?.name ?? "its file"
            text.append(string: "killed \(name(pid)): SIGBUS at \(Format.hex(vpn &* pageSize)) (past the end of file \(fileName))")
            return .fault
        case .readAhead(let pid, let file, let first, let pages, let read):
            let fileName = machine.file(id: file)?.name ?? "the file"
            let window = "pages \(first)-\(first + pages - 1) of \(fileName)"
            if read == pages {
                text.append(string: "ahead  \(name(pid)): \(window) read from disk in one I/O (readahead)")
            } else {
                text.append(string: "ahead  \(name(pid)): \(read) pages of \(fileName) read from disk in one I/O (readahead window: \(window), the rest was cached)")
            }
            return .fault
        case .hugePageMapped(let pid, let vpn, let frame, let count):
            faultHead("fault  ", pid, vpn, count, machine, into: &text)
            text.append(string: "huge page (\(count &* pageSize / 1024) kB), new frames \(frame)-\(frame + count - 1) in one fault")
            return .fault
        case .hugePageSplit(let pid, let vpn):
            text.append("split  ")
            text.append(string: name(pid))
            text.append(" ")
            pages(vpn, Machine.hugePagePages, pageSize: pageSize, into: &text)
            text.append(": huge page mapping split into ordinary page-table entries (the frames stay)")
            return .event
        case .spawned(let pid):
            text.append("spawn  ")
            text.append(string: name(pid))
            text.append(" (pid ")
            text.decimal(pid)
            text.append(")")
            return .event
        case .forked(let parent, let child, let entries, let copied, let vfork, let tablePages, let tablesShared):
            if vfork {
                text.append(string: "vfork  \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): the child borrows the address space; \(name(parent)) waits")
                return .event
            }
            let copyText = copied == 0 ? "no frame copied" : "\(Format.frames(copied)) copied"
            if let tablesShared {
                text.append(string: "fork   \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): \(Format.count(tablesShared, "page-table page")) shared, \(tablePages ?? 0) copied, \(Format.count(entries, "entry", "entries")), \(copyText)")
                return .event
            }
            if let tablePages {
                text.append(string: "fork   \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): \(Format.count(tablePages, "page-table page")) copied, \(Format.count(entries, "entry", "entries")), \(copyText)")
                return .event
            }
            text.append(string: "fork   \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): \(Format.count(entries, "page-table entry", "page-table entries")) copied, \(copyText)")
            return .event
        case .pageTableCopied(let pid, let vpn, let table):
            faultHead("fault  ", pid, vpn, 1, machine, into: &text)
            text.append(string: "page-table page copied (on-demand fork: new table page \(table), no longer shared)")
            return .fault
        case .execed(let pid, let freed):
            text.append(string: "exec   \(name(pid)): new empty address space, \(Format.frames(freed)) freed")
            return .event
        case .exited(let pid, let freed):
            text.append(string: "exit   \(name(pid)): \(Format.frames(freed)) freed")
            return .event
        case .resumed(let pid):
            text.append(string: "resume \(name(pid)): its vfork child is gone, it runs again")
            return .event
        case .reclaimed(let frame, let page, let entries, let why):
            text.append(string: SwapText.reclaimed(frame: frame, page: page, entries: entries, why: why, machine: machine))
            return .event
        case .swappedIn(let pid, let vpn, let slot, let frame, let major, let slotFreed):
            faultHead(major ? "major  " : "fault  ", pid, vpn, 1, machine, into: &text)
            text.append(string: SwapText.swappedIn(slot: slot, frame: frame, major: major, slotFreed: slotFreed))
            return .fault
        case .oomKilled(let victim, let score, let pid, let vpn):
            text.append(string: SwapText.oomKilled(victim: victim, score: score, pid: pid, vpn: vpn, machine: machine))
            return .fault
        case .tlbInvalidated(let pid, let entries, let cause):
            text.append(string: TLBText.invalidated(pid: pid, entries: entries, cause: cause, machine: machine))
            return .event
        }
    }
}
