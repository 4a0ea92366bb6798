import Testing
import CowEngine
@testable import CowLanguage
import CowTestSupport

/// Issue 15: the `draw` command and `set draw`, run by the interpreter.
@Suite struct DrawCommandTests {
    static let setup = PictureTests.seed + "\n"

    @Test func drawPrintsThePictureAt80ColumnsWhenTheWidthIsUnknown() {
        let r = run("quiet\n" + Self.setup + "end\ndraw")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.first == "draw: 2 processes; 57 of 128 frames in use")
        #expect(r.lines.contains("  heap 0x11000 15p C ---------heap 0x11000 15p C ---------> = 41-55 x2 anonymous"))
    }

    @Test func drawFitsTheSinksTerminalWidth() {
        let sink = BufferSink()
        sink.terminalWidth = 40
        let session = Session(output: sink)
        #expect(session.run(source: "quiet\n" + Self.setup + "end\ndraw shell ls", fileName: "t.cow"))
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.contains("  15p C ----15p C ----> = 41-55 x2 anon"))
    }

    @Test func drawOfOneProcessAndOfARegion() {
        let r = run("quiet\n" + Self.setup + "end\ndraw ls\ndraw ls heap")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.contains("draw: 1 process; 57 of 128 frames in use"))
        #expect(r.lines.contains("draw: ls, region heap; 57 of 128 frames in use"))
        #expect(r.lines.contains("  heap 0x10000 1p W --> # 56 anonymous") || r.lines.contains { $0.hasPrefix("  heap 0x10000 1p W -") && $0.hasSuffix("> # 56 anonymous") },
                "\(r.output)")
    }

    @Test func errorsPointAtTheWordAtFault() {
        #expect(firstError("spawn a\ndraw a b") == "t.cow:2:8: error: no process named `b`; known: a")
        #expect(firstError("spawn a\nmap a anon 0x1000 pages 1 as heap\nspawn b\ndraw a b heap")
                    == "t.cow:4:10: error: `heap` is a region of a; zoom into one region with `draw a heap` (one process and the region alone)")
        #expect(firstError("spawn a\ndraw a a") == "t.cow:2:8: error: a is named twice")
        #expect(firstError("spawn a\ndraw a to x.png") == "t.cow:2:11: error: `draw ... to` writes SVG or Graphviz DOT: the file name must end in .svg or .dot, found `x.png`")
        #expect(firstError("draw to") == "t.cow:1:8: error: expected a file name after `to`, found the end of the line")
        #expect(firstError("spawn a\nexit a\ndraw a").hasPrefix("t.cow:3:6: error: a (pid 1) "))
    }

    @Test func drawToFileWritesSVGAndDOTAndNeverClobbers() throws {
        let directory = try TemporaryDirectory()
        let svg = directory.path + "/fork.svg"
        let dot = directory.path + "/fork.dot"
        let r = run("quiet\n" + Self.setup + "end\ndraw shell ls to \(svg)\ndraw to \(dot)")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.contains("drew 2 processes, 4 frame runs as SVG to \(svg)"))
        #expect(r.lines.contains("drew 2 processes, 4 frame runs as Graphviz DOT to \(dot)"))
        let svgText = try #require(readFile(svg))
        #expect(svgText.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(try #require(readFile(dot)).contains("digraph cowsim {"))
        // An existing file is kept unless `replace` is given.
        #expect(SystemIO.writeFile(svg, "mine\n").isSuccess)
        let refused = run("spawn a\ndraw a to \(svg)")
        #expect(!refused.ok)
        #expect(refused.lines.first { $0.contains("error") } == "t.cow:2:11: error: \(svg) exists; `... to \(svg) replace` replaces it")
        #expect(readFile(svg) == "mine\n")
        let replaced = run("spawn a\ndraw a to \(svg) replace")
        #expect(replaced.ok, "\(replaced.output)")
        #expect(readFile(svg)?.contains("<svg") == true)
    }

    @Test func setDrawOnDrawsAfterEveryReplLine() {
        let sink = BufferSink()
        let session = Session(output: sink)
        #expect(session.runLine("set draw on"))
        #expect(sink.text.contains("draw: on (the machine is drawn after every line)"))
        sink.clear()
        #expect(session.runLine("spawn a; map a anon 0x1000 pages 2; write a 0x1000 1"))
        #expect(sink.text.contains("draw: 1 process; 1 of 256 frames in use\n"), "\(sink.text)")
        #expect(sink.text.contains("  anon.0x1000 0x1000 1p W ---> # 0 anonymous\n"), "\(sink.text)")
        sink.clear()
        #expect(session.runLine("set draw off"))
        #expect(session.runLine("write a 0x2000 1"))
        #expect(!sink.text.contains("draw: 1 process"))
        // Scripts are not drawn after each line.
        let r = run("set draw on\nspawn a")
        #expect(!r.output.contains("draw: 1 process"))
    }

    @Test func saveKeepsDrawButNotDrawToFile() throws {
        let directory = try TemporaryDirectory()
        let sink = BufferSink()
        let session = Session(output: sink)
        #expect(session.runLine("spawn a; draw; draw to \(directory.path)/a.svg"))
        #expect(session.transcript == ["spawn a", "draw"])
    }

    private func readFile(_ path: String) -> String? {
        if case .success(let bytes) = SystemIO.readFile(path) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { return true } else { return false } }
}
