import CowTestSupport
import Testing

/// Issue 9, language hardening, through the shipped binary: `--steps`, terminal-safe output,
/// and `smaps` on an 80-column terminal versus a pipe.
@Suite struct LanguageHardeningBinaryTests {
    static let smapsScript = "library libc text 32 data 8 cached; spawn shell; map-library shell libc at 0x400000; "
        + "map shell anon 0x10000 pages 16 rw as heap; fork shell as ls; quiet write ls 0x10000 7; smaps ls"

    @Test func stepsFlagSetsTheBudget() throws {
        let r = try CowsimBinary.run(["--steps", "100", "-c", "repeat 0x7ffffffff000; end"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("-c:1:1: error: step budget exhausted after 100 of 140737488351232 repetitions: this run took more than 100 steps\n"))
        let ok = try CowsimBinary.run(["--steps", "100", "-c", "repeat 50; end"])
        #expect(ok.status == 0)
        let zero = try CowsimBinary.run(["--steps", "0", "-c", "echo 1"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--steps must be at least 1, found 0"))
    }

    @Test func echoedEscapesNeverReachTheOutputRaw() throws {
        let r = try CowsimBinary.run(["-"], input: "echo \"\u{1B}]0;title\u{07}\u{1B}[2J\"\n")
        #expect(r.status == 0)
        #expect(r.stdout == "\\u{1B}]0;title\\u{7}\\u{1B}[2J\n")
    }

    @Test func smapsOnAnEightyColumnTerminalIsNarrow() throws {
        let binary = try CowsimBinary.require()
        let terminal = try PseudoTerminal(executable: binary, arguments: ["-c", Self.smapsScript],
                                          environment: ["TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(terminal.waitForExit() == 0)
        let lines = terminal.screenText.split(separator: "\n").map { String($0.trimmingSuffix("\r")) }
        #expect(lines.contains("smaps of ls (pid 2), sizes in kB; Pss pages exact"))
        #expect(lines.contains("  heap  0x10000..0x20000"))
        let report = lines.drop { !$0.hasPrefix("smaps of") }
        #expect(report.count == 17)
        #expect(report.allSatisfy { $0.count <= 80 })
    }

    @Test func smapsToAPipeKeepsTheWideTable() throws {
        let r = try CowsimBinary.run(["-c", Self.smapsScript])
        #expect(r.status == 0)
        #expect(r.stdout.contains("smaps of ls (pid 2): sizes in kB as /proc/2/smaps prints them; Pss pages exact\n"
                                  + "  region     range               Size  Rss  Pss  Pss pages  Shared_Clean  Shared_Dirty  Private_Clean  Private_Dirty  Anonymous\n"))
    }
}

private extension Substring {
    func trimmingSuffix(_ suffix: String) -> Substring { hasSuffix(suffix) ? dropLast(suffix.count) : self }
}
