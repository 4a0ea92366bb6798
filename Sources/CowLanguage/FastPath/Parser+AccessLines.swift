/// Resolving a literal `read`/`write` line straight from its bytes.
///
/// Most lines of a long trace-like script are `write P ADDR VALUE` (or `read P ADDR`, or with
/// `pages N` / `..END`) with literal operands. Before lexing a line, the parser tries to read it
/// as exactly that: a handful of tokens scanned with the lexer's own rules (`Lexer.scanWord`,
/// `Lexer.scanPlainInteger`), checked against that one shape, giving a `PageAccess` at once. Any
/// other line (any other shape, anything unusual in it, a `;`) is left alone and lexed and
/// parsed as usual, which also reports its errors; so the result is always what the general
/// parser would have produced for the line.
extension Parser {
    /// When the lexer's next line is a literal `read`/`write`: consumes it, keeps its statement in
    /// `resolvedAccess` and returns the span of its line break. Otherwise nil, nothing consumed.
    mutating func resolveAccessLine() -> SourceSpan? {
        guard let line = lexer.peekLine() else { return nil }
        resolvedAccess = file.bytes.withUnsafeBufferPointer { Self.resolveAccess(line, in: $0) }
        guard resolvedAccess != nil else { return nil }
        return lexer.skipLine(line)
    }

    private static func resolveAccess(_ line: (start: Int, end: Int, number: Int), in bytes: UnsafeBufferPointer<UInt8>)
        -> PageAccess? {
        // Every place is kept as a 32-bit offset from the line's start.
        guard line.end - line.start <= Int(UInt32.max) else { return nil }
        var tokens = AccessLineTokens(bytes: bytes, from: line.start, to: line.end)
        guard case .word(let keyword) = tokens.next() else { return nil }
        let isWrite: Bool
        if tokens.spells(keyword, "write") {
            isWrite = true
        } else if tokens.spells(keyword, "read") {
            isWrite = false
        } else {
            return nil
        }
        let process: PageAccess.Process
        let processRange: Range<Int>
        switch tokens.next() {
        case .word(let range) where !Keywords.isReserved(utf8: UnsafeBufferPointer(rebasing: bytes[range])):
            guard let name = ShortName(UnsafeBufferPointer(rebasing: bytes[range])) else { return nil }
            process = .name(name)
            processRange = range
        case .integer(let pid, let range) where !tokens.isHex(range):
            process = .pid(pid)
            processRange = range
        default:
            return nil
        }
        guard case .integer(let address, let addressRange) = tokens.next() else { return nil }
        var extent = PageAccess.Extent.single
        var extentRange = addressRange
        var next = tokens.next()
        if case .word(let range) = next, tokens.spells(range, "pages") {
            guard case .integer(let count, let countRange) = tokens.next() else { return nil }
            extent = .pages(count)
            extentRange = countRange
            next = tokens.next()
        } else if case .dotDot = next {
            guard case .integer(let end, let endRange) = tokens.next() else { return nil }
            extent = .end(end)
            extentRange = endRange
            next = tokens.next()
        }
        var value = 0
        var valueRange = addressRange.lowerBound..<extentRange.upperBound
        if isWrite {
            guard case .integer(let v, let range) = next else { return nil }
            value = v
            valueRange = range
            next = tokens.next()
        }
        guard case .end = next else { return nil }
        func place(_ range: Range<Int>) -> PageAccess.Place {
            PageAccess.Place(start: UInt32(truncatingIfNeeded: range.lowerBound - line.start),
                             end: UInt32(truncatingIfNeeded: range.upperBound - line.start))   // fits: checked above
        }
        return PageAccess(process: process, address: address, extent: extent, value: value, line: line.number,
                          lineStart: line.start, keywordPlace: place(keyword), processPlace: place(processRange),
                          addressPlace: place(addressRange), extentPlace: place(extentRange), valuePlace: place(valueRange),
                          isWrite: isWrite)
    }
}

/// The tokens of a line as far as a literal `read`/`write` needs them: words, plain integers and
/// `..`, found exactly as the lexer finds them; anything else is `.other` (the line is then not
/// resolved). A `#` ends the line, as a comment does. It reads the source through an unsafe
/// buffer (no bounds checks): every index it reads is below `limit`, the line's end.
private struct AccessLineTokens {
    enum Token {
        case word(Range<Int>)
        case integer(Int, Range<Int>)
        case dotDot
        case end
        case other
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let limit: Int

    init(bytes: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) {
        self.bytes = bytes
        self.position = start
        self.limit = limit
    }

    mutating func next() -> Token {
        while position < limit, bytes[position] == Ascii.space || bytes[position] == Ascii.tab || bytes[position] == Ascii.cr {
            position += 1
        }
        guard position < limit, bytes[position] != Ascii.hash else { return .end }
        let start = position
        let c = bytes[position]
        if Ascii.isWordStart(c) {
            position = Lexer.scanWord(bytes, from: start, to: limit)
            return .word(start..<position)
        }
        if Ascii.isDigit(c) {
            guard let (value, end) = Lexer.scanPlainInteger(bytes, from: start, to: limit) else { return .other }
            position = end
            return .integer(value, start..<end)
        }
        if c == Ascii.dot, start + 1 < limit, bytes[start + 1] == Ascii.dot {
            position += 2
            return .dotDot
        }
        return .other
    }

    /// Whether the word at `range` is `expected`.
    func spells(_ range: Range<Int>, _ expected: StaticString) -> Bool {
        guard range.count == expected.utf8CodeUnitCount else { return false }
        let pointer = expected.utf8Start
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] != pointer[i &- range.lowerBound] { return false }
            i &+= 1
        }
        return true
    }

    /// Whether the number at `range` is written in hexadecimal (`0x...`: not a pid).
    func isHex(_ range: Range<Int>) -> Bool {
        range.count > 1 && bytes[range.lowerBound] == Ascii.zero
            && (bytes[range.lowerBound + 1] == Ascii.lowerX || bytes[range.lowerBound + 1] == Ascii.upperX)
    }
}
