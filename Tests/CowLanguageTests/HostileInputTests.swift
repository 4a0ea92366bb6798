import Testing
import CowEngine
@testable import CowLanguage

/// Nothing a user types may crash or hang cowsim: every input ends in output or a diagnostic.
@Suite struct HostileInputTests {
    static let inputs: [String] = [
        "let x = 99999999999999999999999999999",
        "let x = 0x",
        "let x = 0xffffffffffffffffff",
        "echo \"unterminated",
        "echo \"{",
        "echo \"{}\"",
        "echo \"{1 +}\"",
        "let x = " + String(repeating: "(", count: 100_000),
        "let x = " + String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000),
        "let x = " + String(repeating: "-", count: 100_000) + "1",
        "expect " + String(repeating: "not ", count: 100_000) + "true",
        "let x = " + Array(repeating: "1", count: 100_000).joined(separator: "+"),
        "spawn s\nmap s anon 0x10000 pages 0",
        "spawn s\nread s 0x5000..0x5000",
        "spawn s\nread s 0x5000..0x4000",
        "spawn s\nmap s anon 0x7fffffffffff0000 pages 16",
        "spawn s\nmap s anon 0xfffffffff000 pages 9223372036854775807",
        "spawn s\nwrite s 0x7fffffffffffffff 1",
        "spawn s\nwrite s -1 1",
        "spawn s\nmap s anon 0 pages 16777217",
        "spawn s\nmap s anon 0 pages 4\nwrite s 0 pages 4 9223372036854775807",
        "spawn s\nmap s anon 0 pages 4\nwrite s 0 (1/3)",
        "config frames 16777217",
        "config frames -1",
        "config page-size 0",
        "config page-size 9223372036854775807",
        "file f pages 99999999999",
        "library l text 9223372036854775807 data 9223372036854775807",
        "repeat -5\nend",
        "repeat 9223372036854775807 as i\n  let x = i\nend",
        "source /dev/null",
        "source /",
        "save /nonexistent/dir/x.cow",
        "let x = random(-9223372036854775807 - 1, 9223372036854775807)\necho x",
        "let x = (-9223372036854775807 - 1) / -1",
        "let x = abs(-9223372036854775807 - 1)",
        "let x = floor(-9223372036854775807 - 1)",
        "echo 1/3 * 3/1 * 9223372036854775807 * 9223372036854775807",
        "spawn \"\"",
        "spawn s\nfork s as \"\"",
        "end end end",
        "repeat",
        "repeat 3\nrepeat 2\nend",
        "quiet",
        "show show show",
        "expect-error",
        "expect-error expect-error spawn s",
        "#> orphan expected output",
        ";;;;",
        "\u{0}\u{1}\u{7F}",
        "é ü 漢字 🐄",
        "\"\\",
        "map",
        "map-library",
        "dump frames frames",
        "help help help",
    ]

    /// The inputs above that are valid (everything else must end in a diagnostic).
    static let valid: Set<String> = [
        "source /dev/null", "#> orphan expected output", ";;;;",
        "let x = random(-9223372036854775807 - 1, 9223372036854775807)\necho x",
        "spawn s\nmap s anon 0 pages 4\nwrite s 0 pages 4 9223372036854775807",
        "let x = floor(-9223372036854775807 - 1)", "expect-error expect-error spawn s",
    ]

    @Test(arguments: inputs)
    func endsInOutputOrADiagnostic(_ input: String) {
        var interrupts = 0
        let sink = BufferSink()
        let session = Session(output: sink)
        // A very long `repeat` must be stoppable; stop it after a while as Ctrl-C would.
        session.isInterrupted = { false }
        if input.contains("9223372036854775807 as i") {
            let counter = Counter()
            session.isInterrupted = { counter.tick() > 1000 }
            interrupts = 1
        }
        _ = session.run(source: input, fileName: "h.cow")
        if interrupts == 1 { #expect(sink.text.contains("interrupted")) }
        if Self.valid.contains(input) {
            #expect(!sink.text.contains(": error: "), "\(sink.text)")
        } else {
            #expect(sink.text.contains("h.cow") && sink.text.contains("error: "), "no diagnostic for \(input.prefix(60)): \(sink.text)")
        }
        #expect(session.machine.check().isEmpty)
    }

    @Test func randomBytes() {
        var g = SplitMix64(seed: 2024)
        for _ in 0..<300 {
            let count = Int(g.next(below: 80))
            var bytes: [UInt8] = []
            for _ in 0..<count {
                // Mostly printable text with the language's own characters, some raw bytes.
                let pick = g.next(below: 10)
                if pick < 7 {
                    let alphabet = Array("spawn fork map write read 0x1000 pages .. ( ) \" { } # ; , + - * / = < > n s 9 \n".utf8)
                    bytes.append(alphabet[Int(g.next(below: UInt64(alphabet.count)))])
                } else {
                    bytes.append(UInt8(truncatingIfNeeded: g.next()))
                }
            }
            let sink = BufferSink()
            let session = Session(options: SessionOptions(keepGoing: true), output: sink)
            _ = session.run(SourceFile(name: "r.cow", bytes: bytes))
            #expect(session.machine.check().isEmpty)
            _ = session.completions(line: String(decoding: bytes, as: UTF8.self), cursor: count / 2)
            _ = session.isIncomplete(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// A thread-safe tick counter for the interrupt hook.
final class Counter: @unchecked Sendable {
    private var n = 0
    func tick() -> Int {
        n += 1
        return n
    }
}
