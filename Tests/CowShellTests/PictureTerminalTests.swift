import Testing
import CowTestSupport

/// Issue 15: `draw` in the REPL, in a real 80-column pseudo-terminal (the width comes from the
/// terminal, not from a default).
@Suite("draw in a pseudo-terminal", .serialized)
struct PictureTerminalTests {
    static let setup = [
        "config frames 128; library libc text 32 data 8 cached; spawn shell",
        "map-library shell libc at 0x400000; map shell anon 0x10000 pages 16 rw as heap",
        "quiet read shell 0x400000 pages 32; quiet write shell 0x10000 pages 16 1; fork shell as ls; write ls 0x10000 7",
    ]

    @Test("draw fits the terminal's 80 columns")
    func drawAt80Columns() throws {
        // COLUMNS says 200: the terminal's own width (80) wins.
        let shell = try TerminalTests.Shell(environment: ["COLUMNS": "200"])
        #expect(shell.waitForPrompt())
        for line in Self.setup { _ = shell.run(line) }
        let lines = shell.run("draw")
        let expected = [
            "draw: 2 processes; 57 of 128 frames in use",
            "  shell (pid 1)               ls (pid 2)                    frames",
            "  libc.text 0x400000 32p R ---libc.text 0x400000 32p R ---> ~ 0-31 x2 libc",
            "  heap 0x10000 1p C --------------------------------------> # 40 anonymous",
            "  heap 0x11000 15p C ---------heap 0x11000 15p C ---------> = 41-55 x2 anonymous",
            "                              heap 0x10000 1p W ----------> # 56 anonymous",
            "legend: # private, = shared, ~ page cache, xN: mapcount, entries: C",
            "  copy-on-write, W writable, R read-only, Np N pages",
            "left out: 8 frames in use mapped by no entry drawn (8 of them page cache)",
        ]
        let start = try #require(lines.firstIndex(of: expected[0]), "saw \(lines)")
        #expect(Array(lines[start..<min(start + expected.count, lines.count)]) == expected, "saw \(lines)")
        #expect(!shell.terminal.textSinceMark.contains("\u{1B}["), "NO_COLOR is set: no colour")
    }

    @Test("set draw on draws after every line")
    func setDrawOn() throws {
        let shell = try TerminalTests.Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("set draw on")
        let lines = shell.run("spawn a; map a anon 0x1000 pages 2 as heap; write a 0x1000 5")
        #expect(lines.contains("draw: 1 process; 1 of 256 frames in use"), "saw \(lines)")
        #expect(lines.contains("  heap 0x1000 1p W ---> # 0 anonymous"), "saw \(lines)")
    }
}
