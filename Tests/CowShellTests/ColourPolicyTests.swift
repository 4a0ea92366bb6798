import Testing
import CowTestSupport
@testable import CowLanguage

/// One colour rule (no-color.org) for scripts and the REPL: an empty NO_COLOR means not set.
@Suite("colour policy", .serialized)
struct ColourPolicyTests {
    @Test("NO_COLOR: non-empty turns colour off, empty means not set; TERM=dumb; never into a pipe")
    func rule() {
        #expect(ColourPolicy.colours(isTerminal: true, environment: { _ in nil }))
        #expect(ColourPolicy.colours(isTerminal: true, environment: { $0 == "NO_COLOR" ? "" : nil }))
        #expect(!ColourPolicy.colours(isTerminal: true, environment: { $0 == "NO_COLOR" ? "1" : nil }))
        #expect(!ColourPolicy.colours(isTerminal: true, environment: { $0 == "TERM" ? "dumb" : nil }))
        #expect(!ColourPolicy.colours(isTerminal: false, environment: { _ in nil }))
    }

    /// The error of a script run on a terminal, raw.
    func scriptError(noColour: String) throws -> String {
        let terminal = try PseudoTerminal(
            executable: try CowsimBinary.require(), arguments: ["-c", "frobnicate"],
            environment: ["TERM": "xterm", "NO_COLOR": noColour, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        _ = terminal.waitForExit()
        return terminal.rawOutput
    }

    @Test("a script on a terminal follows the same rule as the REPL (an empty NO_COLOR keeps colour)")
    func scriptsFollowTheRule() throws {
        #expect(try scriptError(noColour: "").contains("\u{1B}[1;31m"))
        #expect(!(try scriptError(noColour: "1")).contains("\u{1B}[1;31m"))
    }
}
