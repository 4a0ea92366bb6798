import Testing
import PropertyBased
import CowEngine
@testable import CowLanguage

/// The fast path for literal `read`/`write` lines (Sources/CowLanguage/FastPath) must mean
/// exactly what the general parser and interpreter make of the same lines: thousands of random
/// scripts, run both ways, must print byte-identical output with identical styles.
@Suite struct FastPathEquivalenceTests {
    /// A machine with live, dead and forked processes, writable, read-only and shared regions.
    static let setup = """
        config frames 48
        spawn a
        spawn b
        map a anon 0x10000 pages 8 rw as heap
        map a anon 0x40000 pages 2 r as ro
        map b anon 0x10000 pages 4 shared
        fork a as c
        spawn d
        exit d

        """

    static let processes = ["a", "b", "c", "d", "zz", "1", "2", "3", "4", "99", "0x1", "a_very_long_process_name", "\"a\"", "(1)"]
    static let addresses = ["0x10000", "0x11000", "0x17fff", "0x10004", "0x40000", "0x41000", "0x80000", "0", "65536",
                            "0x0_0001_0000", "1_0", "0xffffffffffff", "0x1000000000000", "99999999999999999999", "0x", "heap"]
    static let counts = ["0", "1", "2", "3", "9", "17", "0x2", "99999999999", "-1", "(1 + 1)"]
    static let values = ["0", "1", "7", "42", "0x7f", "9223372036854775807", "99999999999999999999", "-1", "(2 * 3)", "x"]
    static let others = ["stats", "exit c", "fork a as c", "fork b", "dump a", "write a", "read", "let x = 3", "quiet write a 0x10000 5"]
    static let spaces = [" ", " ", " ", "  ", "\t"]

    /// A script line from one random number.
    static func line(_ r: UInt64) -> String {
        var r = r
        func pick<T>(_ list: [T]) -> T {
            let element = list[Int(r % UInt64(list.count))]
            r /= UInt64(list.count)
            return element
        }
        if pick(Array(0..<12)) == 0 { return pick(others) }
        let isWrite = pick([true, true, false])
        var words = [isWrite ? "write" : "read", pick(processes), pick(addresses)]
        switch pick([0, 0, 0, 1, 2]) {
        case 1: words += ["pages", pick(counts)]
        case 2:
            words[2] += pick(["..", "..", " .. "]) + pick(["0x12000", "0x10000", "0xffff", "0x18000", "0x19000", "0x42000"])
        default: break
        }
        if isWrite { words.append(pick(values)) }
        var text = ""
        for (k, word) in words.enumerated() { text += (k == 0 ? "" : pick(spaces)) + word }
        switch pick(Array(0..<10)) {
        case 0: text += " # a comment"
        case 1: text += "; read a 0x10000"
        case 2: text += " extra"
        case 3: text = "  " + text
        default: break
        }
        return text
    }

    /// The output of `script` (text and styles), with the fast path on or off.
    static func run(_ script: String, fastPath: Bool) -> (String, [String]) {
        let sink = BufferSink(keepsPieces: true)
        let session = Session(options: SessionOptions(keepGoing: true), output: sink)
        session.interpreter.usesFastPath = fastPath
        _ = session.run(source: script, fileName: "random.cow")
        return (sink.text, sink.pieces.map { "\($0.style)" })
    }

    @Test("the fast path and the general parser + interpreter print the same bytes for random scripts")
    func sameOutput() async {
        await propertyCheck(count: 2000, input: Gen.uint64(in: 0...UInt64.max).array(of: 1...30)) { numbers in
            let script = Self.setup + numbers.map(Self.line).joined(separator: "\n") + "\n"
            let fast = Self.run(script, fastPath: true)
            let general = Self.run(script, fastPath: false)
            #expect(fast.0 == general.0, "\(script)")
            #expect(fast.1 == general.1, "\(script)")
        }
    }

    @Test("the random scripts do take the fast path, and do reach errors (the comparison is not vacuous)")
    func notVacuous() {
        var generator = SplitMix64(seed: 7)
        var resolved = 0, general = 0
        var text = ""
        for _ in 0..<2000 { text += Self.line(generator.next()) + "\n" }
        var parser = Parser(file: SourceFile(name: "t.cow", text: text), fastPath: true)
        while let result = parser.next() {
            guard case .success(let statement) = result else { continue }
            if case .access = statement.form { resolved += 1 } else { general += 1 }
        }
        #expect(resolved > 200)
        #expect(general > 200)
        let output = Self.run(Self.setup + text, fastPath: true).0
        #expect(output.contains("error: no process named `zz`"))
        #expect(output.contains("killed"))
        #expect(output.contains("copy-on-write"))
    }
}
