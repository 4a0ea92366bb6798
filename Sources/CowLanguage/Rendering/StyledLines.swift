/// Lines of output being built as UTF-8, each with a style, in a scratch buffer on the caller's
/// stack (spilling to an array if they do not fit): appending a literal is a copy, numbers are
/// written digit by digit, and the sink gets the bytes without any `String` being made.
/// (Appending to a `String` piece by piece costs several times more, and a million-line script
/// prints a million event lines.) The scratch buffer is written through unchecked pointer
/// subscripts; every write is preceded by a check that it fits (`reserve`, `append(bytes:)`).
/// It cannot be copied: it lives on its caller's stack, beside its scratch buffer, and a copy
/// would share its `Overflow` object.
struct StyledLines: ~Copyable {
    /// Bytes of stack scratch a caller provides (longer output spills to the heap).
    static let scratchSize = 512

    private let scratch: UnsafeMutableBufferPointer<UInt8>
    /// Bytes written into `scratch`.
    private var count = 0
    /// The first run of lines of one style: where it ends and its style (most commands print
    /// one line, or a few of one style).
    private var firstRun: (end: Int, style: OutputStyle)?
    /// What does not fit the common case (nil until needed, so that making and dropping a
    /// `StyledLines` costs no reference counting).
    private var overflow: Overflow?

    /// Bytes that did not fit in the scratch buffer, and the runs after the first.
    private final class Overflow {
        /// Everything written, once it no longer fits in `scratch`.
        var spill: [UInt8]?
        /// The runs of lines after the first.
        var laterRuns: [(end: Int, style: OutputStyle)] = []
    }

    /// Lines built in `scratch`.
    init(scratch: UnsafeMutableBufferPointer<UInt8>) { self.scratch = scratch }

    /// Whether everything written is still in `scratch`.
    private var fitsInScratch: Bool { overflow?.spill == nil }

    /// Bytes written so far.
    private var written: Int { overflow?.spill?.count ?? count }

    /// Ends the line being built (appends its newline) and gives it its style.
    mutating func endLine(style: OutputStyle) {
        append("\n")
        let end = written
        if let overflow, let last = overflow.laterRuns.last {
            if last.style == style {
                overflow.laterRuns[overflow.laterRuns.count - 1].end = end
            } else {
                overflow.laterRuns.append((end, style))
            }
        } else if let first = firstRun, first.style != style {
            overflowStorage().laterRuns.append((end, style))
        } else {
            firstRun = (end, style)
        }
    }

    /// Hands the finished lines to `sink`, a run of lines of one style per call.
    func write(to sink: OutputSink) {
        guard let firstRun else { return }
        if overflow == nil {
            // The common case (one run, all in `scratch`): no closure, no list of later runs.
            sink.write(utf8: UnsafeBufferPointer(rebasing: scratch[0..<firstRun.end]), style: firstRun.style)
            return
        }
        withBytes { bytes in
            sink.write(utf8: UnsafeBufferPointer(rebasing: bytes[0..<firstRun.end]), style: firstRun.style)
            var start = firstRun.end
            for run in overflow?.laterRuns ?? [] {
                sink.write(utf8: UnsafeBufferPointer(rebasing: bytes[start..<run.end]), style: run.style)
                start = run.end
            }
        }
    }

    private func withBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if let spill = overflow?.spill {
            spill.withUnsafeBufferPointer(body)
        } else {
            body(UnsafeBufferPointer(rebasing: scratch[0..<count]))
        }
    }

    /// `overflow`, made if needed.
    private mutating func overflowStorage() -> Overflow {
        if let overflow { return overflow }
        let made = Overflow()
        overflow = made
        return made
    }

    // MARK: - Building a line

    @inline(__always) mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(bytes: $0) }
    }

    mutating func append(string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ append(bytes: $0) }) != nil { return }
        var text = string
        text.withUTF8 { append(bytes: $0) }
    }

    /// Decimal digits of `n` (as `String(n)`).
    mutating func decimal(_ n: Int) {
        var digits = 1
        var power: UInt = 10
        while digits < 19, n.magnitude >= power {   // (an Int has at most 19 digits)
            digits += 1
            power &*= 10
        }
        guard let end = reserve(digits + (n < 0 ? 1 : 0)) else { return append(string: String(n)) }
        var index = end
        var value = n.magnitude
        repeat {
            index -= 1
            scratch[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        } while value != 0
        if n < 0 { scratch[index - 1] = UInt8(ascii: "-") }
    }

    /// `0x` and lowercase hex digits of `n` (as `Format.hex`).
    mutating func hex(_ n: Int) {
        let digits = max(1, (UInt.bitWidth - n.magnitude.leadingZeroBitCount + 3) / 4)
        guard let end = reserve(digits + 2 + (n < 0 ? 1 : 0)) else { return append(string: Format.hex(n)) }
        var index = end
        var value = n.magnitude
        let hexDigits: StaticString = "0123456789abcdef"
        let digit = hexDigits.utf8Start
        repeat {
            index -= 1
            scratch[index] = digit[Int(truncatingIfNeeded: value & 15)]
            value >>= 4
        } while value != 0
        scratch[index - 2] = UInt8(ascii: "0")
        scratch[index - 1] = UInt8(ascii: "x")
        if n < 0 { scratch[index - 3] = UInt8(ascii: "-") }
    }

    /// Claims the next `n` bytes of the scratch buffer for the caller to fill and returns where
    /// they end; nil if they do not fit (the caller then appends a string instead).
    private mutating func reserve(_ n: Int) -> Int? {
        guard fitsInScratch, n <= scratch.count &- count else { return nil }
        count &+= n
        return count
    }

    @inline(__always) private mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard fitsInScratch, n <= scratch.count &- count, let source = bytes.baseAddress, let target = scratch.baseAddress else {
            return appendSpilling(bytes)
        }
        // Fits: checked just above. Short pieces (most are) are copied byte by byte, which is
        // cheaper than a call to `memmove`.
        let destination = target + count
        if n <= 16 {
            var k = 0
            while k < n {
                destination[k] = source[k]
                k &+= 1
            }
        } else {
            destination.update(from: source, count: n)
        }
        count &+= n
    }

    /// `append(bytes:)` once the scratch buffer is full.
    private mutating func appendSpilling(_ bytes: UnsafeBufferPointer<UInt8>) {
        let storage = overflowStorage()
        if storage.spill == nil { storage.spill = Array(scratch[0..<count]) }
        storage.spill?.append(contentsOf: bytes)
    }
}
