import Testing
import CowEngine
@testable import CowLanguage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh temporary directory.
func temporaryDirectory() -> String {
    var template = Array("/tmp/cowlang-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }.map { String(cString: $0) } ?? "/tmp"
}

func readFileText(_ path: String) -> String? {
    guard case .success(let bytes) = SystemIO.readFile(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct SessionTests {
    @Test func transcriptKeepsSuccessfulCommandsOnly() {
        let s = Session(output: BufferSink())
        _ = s.runLine("spawn a; map a anon 0 pages 2; forc; echo \"not run\"")
        _ = s.runLine("help")
        _ = s.runLine("repeat 2\n  write a 0 1\nend")
        _ = s.runLine("write zz 0 1")
        #expect(s.transcript == ["spawn a", "map a anon 0 pages 2", "repeat 2\n  write a 0 1\nend"])
        _ = s.runLine("map a anon 0x9000 pages 2; echo \"x\"")
        #expect(s.transcript == ["spawn a", "map a anon 0 pages 2", "repeat 2\n  write a 0 1\nend", "map a anon 0x9000 pages 2", "echo \"x\""])
    }

    @Test func saveWritesAReplayableScript() throws {
        let dir = temporaryDirectory()
        let sink = BufferSink()
        let s = Session(output: sink)
        #expect(s.runLine("spawn a; map a anon 0 pages 2 as h; write a 0 pages 2 5; fork a as b; write b 0 6"))
        #expect(s.runLine("save \(dir)/saved.cow"))
        #expect(sink.text.hasSuffix("saved 5 commands to \(dir)/saved.cow\n"))
        let text = try #require(readFileText(dir + "/saved.cow"))
        #expect(text == "# saved by cowsim 0.1.0\nspawn a\nmap a anon 0 pages 2 as h\nwrite a 0 pages 2 5\nfork a as b\nwrite b 0 6\n")
        // Replaying gives the same state.
        let replay = Session(output: BufferSink())
        #expect(replay.run(file: dir + "/saved.cow"))
        #expect(replay.machine.stats == s.machine.stats)
        #expect(replay.machine.pageTable(of: 2) == s.machine.pageTable(of: 2))
        unlink(dir + "/saved.cow")
        rmdir(dir)
    }

    @Test func sourceResolvesAgainstTheScriptsDirectoryAndInlinesIntoTheTranscript() throws {
        let dir = temporaryDirectory()
        mkdir(dir + "/lib", 0o755)
        _ = SystemIO.writeFile(dir + "/lib/setup.cow", "spawn a\nsource more.cow\n")
        _ = SystemIO.writeFile(dir + "/lib/more.cow", "map a anon 0 pages 1\n")
        _ = SystemIO.writeFile(dir + "/main.cow", "source lib/setup.cow\nwrite a 0 3\n")
        _ = SystemIO.writeFile(dir + "/loop.cow", "source loop.cow\n")
        _ = SystemIO.writeFile(dir + "/bad.cow", "spawn x\nforc\n")
        let s = Session(output: BufferSink())
        #expect(s.run(file: dir + "/main.cow"))
        #expect(s.transcript == ["spawn a", "map a anon 0 pages 1", "write a 0 3"])
        let loop = Session(output: BufferSink())
        let sink = BufferSink()
        loop.output = sink
        #expect(!loop.run(file: dir + "/loop.cow"))
        #expect(sink.text.contains("error: `source` nested more than 16 deep: does a file source itself?"))
        let bad = BufferSink()
        let b = Session(output: bad)
        #expect(!b.run(source: "source \(dir)/bad.cow\necho \"not reached\"", fileName: "outer.cow"))
        #expect(bad.text.hasPrefix("spawn  x (pid 1)\n\(dir)/bad.cow:2:1: error: unknown command `forc`\n"))
        #expect(!bad.text.contains("not reached"))
        for f in ["lib/setup.cow", "lib/more.cow", "main.cow", "loop.cow", "bad.cow"] { unlink(dir + "/" + f) }
        rmdir(dir + "/lib")
        rmdir(dir)
    }

    @Test func keepGoingReportsEveryErrorAndReturnsFalse() {
        let sink = BufferSink()
        let s = Session(options: SessionOptions(keepGoing: true), output: sink)
        #expect(!s.run(source: "forc\necho \"one\"\nexpect 1 == 2\necho \"two\"", fileName: "k.cow"))
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains(": error: ") } == ["k.cow:1:1: error: unknown command `forc`",
                                                             "k.cow:3:8: error: expectation failed: 1 == 2"])
        #expect(lines.contains("one") && lines.contains("two"))
    }

    @Test func incompleteBlocks() {
        let s = Session(output: BufferSink())
        #expect(s.isIncomplete("repeat 3"))
        #expect(s.isIncomplete("repeat 3\n  write a 0 1"))
        #expect(!s.isIncomplete("repeat 3\n  write a 0 1\nend"))
        #expect(s.isIncomplete("quiet"))
        #expect(!s.isIncomplete("quiet stats"))
        #expect(s.isIncomplete("quiet repeat 2"))
        #expect(!s.isIncomplete("stats; echo \"repeat\""))
        #expect(s.isIncomplete("repeat 2; repeat 3; end"))
        #expect(!s.isIncomplete("end"))
    }

    @Test func promptSummary() {
        let s = Session(output: BufferSink())
        #expect(s.promptSummary == "0 procs, 0/256 frames")
        _ = s.runLine("config frames 64; spawn a; map a anon 0 pages 3; write a 0 pages 3 1")
        #expect(s.promptSummary == "1 proc, 3/64 frames")
        _ = s.runLine("fork a; fork a")
        #expect(s.promptSummary == "3 procs, 3/64 frames")
    }

    @Test func interruptStopsARepeatCleanly() {
        let sink = BufferSink()
        let s = Session(options: SessionOptions(keepGoing: true), output: sink)
        let counter = Counter()
        s.isInterrupted = { counter.tick() > 50 }
        #expect(!s.run(source: "spawn a\nmap a anon 0 pages 4\nrepeat 1000000\n  write a 0 pages 4 1\nend\necho \"after\"", fileName: "i.cow"))
        #expect(sink.text.contains("i.cow:3:1: error: interrupted after "))
        #expect(!sink.text.contains("after\n"))
        #expect(s.machine.check().isEmpty)
    }

    @Test func executeParsedStatementsOneByOne() {
        let file = SourceFile(name: "v.cow", text: "spawn a\n#> spawn  a (pid 1)\necho \"x\"\n#> x\n")
        let (statements, diagnostics) = Parser.parse(file)
        #expect(diagnostics.isEmpty)
        #expect(statements.map(\.expectedOutput) == [["spawn  a (pid 1)"], ["x"]])
        let s = Session(output: BufferSink())
        for statement in statements {
            let sink = BufferSink()
            s.output = sink
            #expect(s.execute(statement, in: file))
            #expect(sink.text == statement.expectedOutput.map { $0 + "\n" }.joined())
        }
    }

    @Test func quietSwitchesEventRecordingOff() {
        let r = run("spawn a\nmap a anon 0 pages 2\nquiet write a 0 pages 2 1\nwrite a 0 2")
        #expect(r.lines == ["spawn  a (pid 1)", "a: mapped anon.0x0 0x0..0x2000 (2 pages, rw-, private anonymous)"])
        #expect(r.session.machine.recordsEvents)
        let noEvents = run("spawn a\nmap a anon 0 pages 1\nwrite a 0 1", options: SessionOptions(showEvents: false))
        // `spawn` is an engine event like `fork` (issue 10), so it is hidden with the other events.
        #expect(noEvents.lines == ["a: mapped anon.0x0 0x0..0x1000 (1 page, rw-, private anonymous)"])
    }

    @Test func quietOptionSilencesAllButErrorsQuestionsAndShow() {
        let r = run("spawn a\nmap a anon 0 pages 2\nwrite a 0 1\nask \"q\" 1\nshow echo \"shown\"\necho \"hidden\"\nforc",
                    options: SessionOptions(quiet: true))
        #expect(r.lines == ["Q1 (1 point): q", "shown", "t.cow:7:1: error: unknown command `forc`", "    forc", "    ^~~~",
                            "note: did you mean `fork`?"])
        #expect(!r.session.machine.recordsEvents)
    }

    @Test func jsonOutputs() {
        let r = run("spawn a\nmap a anon 0x1000 pages 2 as h\nquiet write a 0x1000 1\nquiet\n  show dump a\n  show smaps a\n  show stats\n  show dump frames\nend",
                    options: SessionOptions(json: true))
        #expect(r.ok)
        #expect(r.output.contains("""
            "pages": [
                {
                  "vpn": 1,
                  "address": 4096,
                  "frame": 0,
                  "flags": ["present", "writable", "user", "dirty", "accessed"],
                  "mapcount": 1,
                  "sharedWith": [],
                  "region": "h"
                }
              ]
            }
            """))
        #expect(r.output.contains("""
              "total": {
                "Size": 8,
                "Rss": 4,
                "Pss": 4,
                "PssPages": "1",
            """))
        #expect(r.output.contains("\"savedBySharing\": 0\n}"))
        #expect(r.output.contains("""
                  "mappers": [
                    {
                      "pid": 1,
                      "process": "a",
                      "address": 4096
                    }
                  ]
            """))
    }

    @Test func jsonEscapes() {
        #expect(JSON.string("a\"b\\c\n\u{1}").rendered() == #""a\"b\\c\n\u0001""#)
        #expect(JSON.object([]).rendered() == "{}")
        #expect(JSON.array([]).rendered() == "[]")
        #expect(JSON.array([.int(1), .null, .bool(true)]).rendered() == "[1, null, true]")
    }

    @Test func styledOutput() {
        let sink = BufferSink(keepsPieces: true)
        let s = Session(output: sink)
        _ = s.run(source: "spawn a\nmap a anon 0 pages 2\nwrite a 0 1\nfork a as b\nwrite b 0 2\ncheck\nforc", fileName: "s.cow")
        let styles = sink.pieces.map(\.style)
        #expect(styles == [.event, .dim, .fault, .event, .copy, .success, .error])
        #expect(ANSIColour.paint("x\n", style: .copy) == "\u{1B}[35mx\u{1B}[0m\n")
        #expect(ANSIColour.paint("x\n", style: .plain) == "x\n")
    }
}
