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

/// `read P ADDR` or `write P ADDR VALUE` (the range may also be `ADDR pages N` or `ADDR..END`)
/// where every operand is a literal: a process name or decimal pid, and numbers. Most lines of a
/// long trace-like script have this shape, so the parser resolves it into this value instead of
/// a command with expression trees. It is plain data (even the process name is kept inline), so
/// making, moving and dropping it costs no allocation and no reference counting. It means exactly
/// what the general command means (`command` rebuilds that), and the interpreter checks it with
/// the same functions, so output and errors are the same.
struct PageAccess: Sendable {
    /// How the process is named.
    enum Process: Sendable {
        case name(ShortName)
        case pid(Int)
    }

    /// How far the range reaches, as written after the address.
    enum Extent: Sendable {
        case single
        case pages(Int)
        case end(Int)
    }

    /// Where a part is written on the statement's line, as byte offsets from the line's start
    /// (spans are built from these when needed; five full `SourceSpan`s would triple the size).
    struct Place: Sendable {
        var start: UInt32
        var end: UInt32
    }

    var process: Process
    var address: Int
    var extent: Extent
    /// The value to write (0 for a read).
    var value: Int
    /// The line and where it starts (every part is on it).
    var line: Int
    var lineStart: Int
    var keywordPlace: Place
    var processPlace: Place
    var addressPlace: Place
    /// The `pages` count or the end address (the address itself for `.single`).
    var extentPlace: Place
    /// The value (the range's last part for a read).
    var valuePlace: Place
    /// `write` (else `read`).
    var isWrite: Bool

    private func span(_ place: Place) -> SourceSpan {
        SourceSpan(start: lineStart + Int(place.start), end: lineStart + Int(place.end), line: line, lineStart: lineStart)
    }

    var keyword: SourceSpan { span(keywordPlace) }
    var processSpan: SourceSpan { span(processPlace) }
    var addressSpan: SourceSpan { span(addressPlace) }
    var extentSpan: SourceSpan { span(extentPlace) }
    var valueSpan: SourceSpan { span(valuePlace) }

    /// The whole range as written.
    var rangeSpan: SourceSpan { span(Place(start: addressPlace.start, end: extentPlace.end)) }

    /// The statement's text, from the keyword to the last operand.
    var span: SourceSpan { span(Place(start: keywordPlace.start, end: valuePlace.end)) }

    /// The process as the general syntax names it.
    var processReference: ProcessReference {
        switch process {
        case .name(let name): return ProcessReference(kind: .name(name.string), span: processSpan)
        case .pid(let pid): return ProcessReference(kind: .pid(Self.number(pid, processSpan)), span: processSpan)
        }
    }

    /// The range as the general syntax has it.
    var rangeArgument: RangeArgument {
        let start = Self.number(address, addressSpan)
        switch extent {
        case .single: return RangeArgument(start: start, extent: .single, span: rangeSpan)
        case .pages(let count): return RangeArgument(start: start, extent: .pages(Self.number(count, extentSpan)), span: rangeSpan)
        case .end(let end): return RangeArgument(start: start, extent: .end(Self.number(end, extentSpan)), span: rangeSpan)
        }
    }

    /// The general command this access stands for.
    var command: Command {
        isWrite ? .write(processReference, rangeArgument, value: Self.number(value, valueSpan)) : .read(processReference, rangeArgument)
    }

    /// A literal number as an expression (as the parser builds one).
    private static func number(_ n: Int, _ span: SourceSpan) -> Expr { Expr(.number(Rational(n)), span: span) }
}

/// A name of at most 16 bytes kept inline, as plain data (see `PageAccess`). Names are words, so
/// they never hold a zero byte; the bytes are packed low byte first into two integers, padded
/// with zeros.
struct ShortName: Equatable, Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    /// The name spelt by `bytes`; nil if it is longer than 16 bytes or holds a zero byte.
    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count <= 16 else { return nil }
        var k: UInt64 = 0
        for byte in bytes {
            guard byte != 0 else { return nil }
            if k < 8 { low |= UInt64(byte) << (8 * k) } else { high |= UInt64(byte) << (8 * (k - 8)) }
            k += 1
        }
    }

    /// The name as a string.
    var string: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            var count = 0
            for k in 0..<16 {
                let byte = UInt8(truncatingIfNeeded: (k < 8 ? low >> (8 * k) : high >> (8 * (k - 8))))
                if byte == 0 { break }
                buffer[k] = byte
                count += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }
}
