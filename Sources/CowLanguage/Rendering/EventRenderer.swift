import CowEngine

/// Turns engine events into short lines for people, merging runs (64 demand-zero faults on
/// consecutive pages are one line, not 64):
///
///     fault  shell 0x10000..0x50000 (64 pages): demand-zero, new frames 0-63
///     copy   ls 0x10000: copy-on-write, frame 3 copied to frame 70
///     killed ls: SIGSEGV at 0x20000 (write to read-only)
///
/// Lines are built by appending into one string (no interpolation, no intermediate strings):
/// a million-line script prints a million of them, so this is the interpreter's hot path.
struct EventRenderer {
    /// The machine the events happened on (for names and the page size).
    let machine: Machine
    /// Bytes per page, to turn vpns into addresses.
    var pageSize: Int { machine.pageSize }

    /// Name of a pid (the latest name it had), without building a whole `ProcessInfo`.
    private func name(_ pid: PID) -> String { machine.processName(pid) ?? "pid \(pid)" }

    /// One rendered line and its style.
    struct Line: Equatable {
        var text: String
        var style: OutputStyle
    }

    /// The events as lines (without their newlines).
    func render(_ events: [Event]) -> [Line] {
        var lines: [Line] = []
        write(events) { text, style in lines.append(Line(text: String(text.dropLast()), style: style)) }
        return lines
    }

    /// Hands each line, newline included, to `emit`. Lines are assembled in a stack buffer.
    func write(_ events: [Event], to emit: (String, OutputStyle) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: LineBuffer.scratchSize) { scratch in
            var i = 0
            while i < events.count {
                let run = runLength(events, from: i)
                var text = LineBuffer(scratch: scratch)
                let style = line(events[i..<(i + run)], into: &text)
                text.append("\n")
                emit(text.string, style)
                i += run
            }
        }
    }

    /// Appends "0x10000" or "0x10000..0x50000 (64 pages)" for a run starting at `vpn`.
    private func pages(_ vpn: Int, _ count: Int, into text: inout LineBuffer) {
        text.hex(vpn &* pageSize)
        guard count != 1 else { return }
        text.append("..")
        text.hex((vpn + count) &* pageSize)
        text.append(" (")
        text.decimal(count)
        text.append(" pages)")
    }

    /// Appends "<tag> <name> <pages>: " (the start of every fault line).
    private func faultHead(_ tag: StaticString, _ pid: PID, _ vpn: Int, _ count: Int, into text: inout LineBuffer) {
        text.append(tag)
        text.append(string: name(pid))
        text.append(" ")
        pages(vpn, count, into: &text)
        text.append(": ")
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

    /// "frame 3" for one frame, "frames 0-63" (see `Format.frameList`) for several.
    private func frames(_ frames: [Int], into text: inout LineBuffer) {
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
    private func line(_ run: ArraySlice<Event>, into text: inout LineBuffer) -> OutputStyle {
        guard let first = run.first else { return .event }
        let n = run.count
        switch first {
        case .demandZero(let pid, let vpn, let frame):
            faultHead("fault  ", pid, vpn, n, into: &text)
            text.append("demand-zero, new ")
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
            } else {
                frames(run.compactMap { if case .demandZero(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .zeroPageMapped(let pid, let vpn):
            faultHead("fault  ", pid, vpn, n, into: &text)
            if n == 1 {
                text.append("read of untouched memory maps the zero page")
            } else {
                text.append("reads of untouched memory map the zero page")
            }
            return .fault
        case .fileRead(let pid, let vpn, let frame, let major, let mapped):
            faultHead(major ? "major  " : "fault  ", pid, vpn, n, into: &text)
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
            faultHead("fault  ", pid, vpn, n, into: &text)
            text.append("shared page already in memory, ")
            if n == 1 {
                text.append("frame ")
                text.decimal(frame)
            } else {
                frames(run.compactMap { if case .sharedMapped(_, _, let f) = $0 { return f } else { return nil } }, into: &text)
            }
            return .fault
        case .copyOnWrite(let pid, let vpn, let from, let to):
            faultHead("copy   ", pid, vpn, n, into: &text)
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
            faultHead("reuse  ", pid, vpn, n, into: &text)
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
        case .forked(let parent, let child, let entries, let copied, let vfork):
            if vfork {
                text.append(string: "vfork  \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): the child borrows the address space; \(name(parent)) waits")
                return .event
            }
            let copyText = copied == 0 ? "no frame copied" : "\(Format.frames(copied)) copied"
            text.append(string: "fork   \(name(parent)) (pid \(parent)) -> \(name(child)) (pid \(child)): \(Format.count(entries, "page-table entry", "page-table entries")) copied, \(copyText)")
            return .event
        case .execed(let pid, let freed):
            text.append(string: "exec   \(name(pid)): new empty address space, \(Format.frames(freed)) freed")
            return .event
        case .exited(let pid, let freed):
            text.append(string: "exit   \(name(pid)): \(Format.frames(freed)) freed")
            return .event
        case .resumed(let pid):
            text.append(string: "resume \(name(pid)): its vfork child is gone, it runs again")
            return .event
        }
    }
}

/// A line being built as UTF-8 bytes in a caller's scratch buffer (spilling to an array if a
/// line is longer): appending a literal is a copy, numbers are written digit by digit, and the
/// `String` is made once at the end. (Appending to a `String` piece by piece costs several
/// times more, and every `write` of a million-line script prints such a line.)
struct LineBuffer {
    /// Bytes of stack scratch per line (longer lines spill to the heap).
    static let scratchSize = 256

    private let scratch: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    private var spill: [UInt8]?

    init(scratch: UnsafeMutableBufferPointer<UInt8>) { self.scratch = scratch }

    /// The line as a string.
    var string: String {
        if let spill { return String(decoding: spill, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: scratch[0..<count]), as: UTF8.self)
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(bytes: $0) }
    }

    mutating func append(string: String) {
        var text = string
        text.withUTF8 { append(bytes: $0) }
    }

    /// Decimal digits of `n` (as `String(n)`).
    mutating func decimal(_ n: Int) {
        number(n, hex: false)
    }

    /// `0x` and lowercase hex digits of `n` (as `Format.hex`).
    mutating func hex(_ n: Int) {
        number(n, hex: true)
    }

    private mutating func number(_ n: Int, hex: Bool) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var index = digits.count
            var value = n.magnitude
            repeat {
                index -= 1
                if hex {
                    let digit = UInt8(truncatingIfNeeded: value & 15)
                    digits[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    value >>= 4
                } else {
                    digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            } while value != 0
            if hex {
                index -= 2
                digits[index] = UInt8(ascii: "0")
                digits[index + 1] = UInt8(ascii: "x")
            }
            if n < 0 {
                index -= 1
                digits[index] = UInt8(ascii: "-")
            }
            append(bytes: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    private mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        if spill == nil, count + bytes.count <= scratch.count {
            if let source = bytes.baseAddress, let target = scratch.baseAddress {
                (target + count).update(from: source, count: bytes.count)
            }
            count += bytes.count
            return
        }
        if spill == nil { spill = Array(scratch[0..<count]) }
        spill?.append(contentsOf: bytes)
    }
}
