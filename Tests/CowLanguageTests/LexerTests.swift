import Testing
@testable import CowLanguage

/// The tokens of one line, as (kind) values, without the trailing newline/end.
func kinds(_ text: String) -> [TokenKind] {
    Lexer.tokens(of: SourceFile(name: "t", text: text)).map(\.kind).filter {
        if case .newline = $0 { return false }
        if case .end = $0 { return false }
        return true
    }
}

@Suite struct LexerTests {
    @Test func wordsJoinDotsAndDashesBeforeLetters() {
        #expect(kinds("map-library libc.text anon.0x10000 zero-page") ==
                [.word("map-library"), .word("libc.text"), .word("anon.0x10000"), .word("zero-page")])
        #expect(kinds("n-1") == [.word("n"), .symbol(.minus), .integer(1)])
        #expect(kinds("a..b") == [.word("a"), .symbol(.dotDot), .word("b")])
        #expect(kinds("x-y") == [.word("x-y")])
        #expect(kinds("end.") == [.word("end"), .invalid("unexpected character `.`")])
        #expect(kinds("_a1 b_2") == [.word("_a1"), .word("b_2")])
    }

    @Test func numbers() {
        #expect(kinds("4096 0x10000 0X1f 1_000_000 0x7fffffffffffffff") ==
                [.integer(4096), .integer(65536), .integer(31), .integer(1_000_000), .integer(Int.max)])
        #expect(kinds("0.5 12.25") == [.decimal(numerator: 5, denominator: 10), .decimal(numerator: 1225, denominator: 100)])
        #expect(kinds("0x10000..0x14000") == [.integer(0x10000), .symbol(.dotDot), .integer(0x14000)])
        #expect(kinds("1..5") == [.integer(1), .symbol(.dotDot), .integer(5)])
    }

    @Test func badNumbers() {
        #expect(kinds("0x") == [.invalid("`0x` must be followed by hexadecimal digits")])
        #expect(kinds("0xg1") == [.invalid("`0xg1` is not a number (hexadecimal digits are 0-9 and a-f)")])
        #expect(kinds("16pages") == [.invalid("`16pages` is not a number (write a space between a number and a word)")])
        #expect(kinds("9223372036854775808") == [.invalid("number `9223372036854775808` is too large (the largest is 9223372036854775807)")])
        #expect(kinds("0x8000000000000000") == [.invalid("number `0x8000000000000000` is too large (the largest is 0x7fffffffffffffff)")])
    }

    @Test func stringsWithEscapesAndInterpolation() {
        #expect(kinds(#""a\"b\\c\n\{x\}""#) == [.string([.text("a\"b\\c\n{x}")])])
        let tokens = kinds(#""rss {rss(ls)}!""#)
        guard case .string(let parts) = tokens.first, parts.count == 3 else {
            Issue.record("expected a string of three parts, got \(tokens)")
            return
        }
        #expect(parts[0] == .text("rss "))
        #expect(parts[2] == .text("!"))
        guard case .expression(let inner, let span) = parts[1] else {
            Issue.record("the middle part is not an expression")
            return
        }
        #expect(inner.map(\.kind) == [.word("rss"), .symbol(.leftParen), .word("ls"), .symbol(.rightParen), .end])
        #expect(span.start == 5 && span.end == 14)
    }

    @Test func badStrings() {
        #expect(kinds(#""abc"#) == [.invalid("unterminated string (missing the closing `\"` on this line)")])
        #expect(kinds(#""a {b""#) == [.invalid("unterminated `{` in a string (write `\\{` for a brace)")])
        #expect(kinds(#""a } b""#) == [.invalid("unmatched `}` in a string (write `\\}` for a brace)")])
        #expect(kinds(#""\q""#) == [.invalid("unknown escape `\\q` in a string (known: \\\" \\\\ \\n \\t \\{ \\})")])
    }

    @Test func commentsAndExpectedOutput() {
        #expect(kinds("stats # the counters") == [.word("stats")])
        #expect(kinds("#!/usr/bin/env cowsim") == [])
        #expect(kinds("#> fork   a") == [.expectedOutput("fork   a")])
        #expect(kinds("  #>") == [.expectedOutput("")])
        #expect(kinds("stats #> not expected output") == [.word("stats")])
    }

    @Test func symbolsAndStrayCharacters() {
        #expect(kinds("( ) , + - * / % == != < <= > >= = .. ;") ==
                [.symbol(.leftParen), .symbol(.rightParen), .symbol(.comma), .symbol(.plus), .symbol(.minus), .symbol(.star),
                 .symbol(.slash), .symbol(.percent), .symbol(.equalEqual), .symbol(.notEqual), .symbol(.less), .symbol(.lessEqual),
                 .symbol(.greater), .symbol(.greaterEqual), .symbol(.equal), .symbol(.dotDot), .symbol(.semicolon)])
        #expect(kinds("@ é !") == [.invalid("unexpected character `@`"), .invalid("unexpected character `é`"),
                                    .invalid("unexpected character `!`")])
        #expect(kinds("\u{1}") == [.invalid("unexpected control character (byte 1)")])
    }

    @Test func byteOrderMarkIsSkipped() {
        let file = SourceFile(name: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("stats".utf8))
        #expect(Lexer.tokens(of: file).first?.kind == .word("stats"))
    }

    @Test func linesAndColumns() {
        let tokens = Lexer.tokens(of: SourceFile(name: "t", text: "spawn a\n  fork a\r\n"))
        let fork = tokens.first { $0.kind == .word("fork") }
        #expect(fork?.span.line == 2)
        #expect(fork?.span.start == 10)
        #expect(fork?.span.lineStart == 8)
        #expect(tokens.last?.kind == .end)
    }
}
