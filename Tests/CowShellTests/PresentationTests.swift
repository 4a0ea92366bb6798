#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowLanguage
@testable import CowShell

@Suite("Prompt, colour and completion rules")
struct PresentationTests {
    @Test("the summary prompt shows the machine state; plain is fixed")
    func promptText() {
        #expect(PromptStyle.summary.text(summary: "3 procs, 41/64 frames") == "cowsim[3 procs, 41/64 frames]> ")
        #expect(PromptStyle.summary.text(summary: "  ") == "cowsim> ")
        #expect(PromptStyle.plain.text(summary: "3 procs, 41/64 frames") == "cowsim> ")
    }

    @Test("COWSIM_PROMPT switches the prompt")
    func promptFromEnvironment() {
        #expect(PromptStyle.fromEnvironment(["COWSIM_PROMPT": "plain"]) == .plain)
        #expect(PromptStyle.fromEnvironment(["COWSIM_PROMPT": "OFF"]) == .plain)
        #expect(PromptStyle.fromEnvironment(["COWSIM_PROMPT": "summary"]) == .summary)
        #expect(PromptStyle.fromEnvironment(["COWSIM_PROMPT": "sparkly"]) == nil)
        #expect(PromptStyle.fromEnvironment([:]) == nil)
    }

    @Test("colour only on a terminal, never with a non-empty NO_COLOR or TERM=dumb")
    func colourChoice() {
        #expect(ColourMode.auto.isEnabled(environment: [:], stdoutIsTerminal: true))
        #expect(!ColourMode.auto.isEnabled(environment: [:], stdoutIsTerminal: false))
        #expect(!ColourMode.auto.isEnabled(environment: ["NO_COLOR": "1"], stdoutIsTerminal: true))
        #expect(ColourMode.auto.isEnabled(environment: ["NO_COLOR": ""], stdoutIsTerminal: true))
        #expect(!ColourMode.auto.isEnabled(environment: ["TERM": "dumb"], stdoutIsTerminal: true))
        #expect(ColourMode.always.isEnabled(environment: ["NO_COLOR": "1"], stdoutIsTerminal: false))
        #expect(!ColourMode.never.isEnabled(environment: [:], stdoutIsTerminal: true))
    }

    @Test("faults, copies and errors get their colours; newlines stay outside the colour")
    func colourCodes() {
        #expect(TerminalSink.render("boom\n", style: .error, colour: true) == "\u{1B}[1;31mboom\u{1B}[0m\n")
        #expect(TerminalSink.render("SIGSEGV\n", style: .fault, colour: true) == "\u{1B}[33mSIGSEGV\u{1B}[0m\n")
        #expect(TerminalSink.render("copy\n", style: .copy, colour: true) == "\u{1B}[35mcopy\u{1B}[0m\n")
        #expect(TerminalSink.render("a\n\nb\n", style: .heading, colour: true)
                == "\u{1B}[1ma\u{1B}[0m\n\n\u{1B}[1mb\u{1B}[0m\n")
        #expect(TerminalSink.render("plain\n", style: .plain, colour: true) == "plain\n")
        #expect(TerminalSink.render("boom\n", style: .error, colour: false) == "boom\n")
    }

    @Test("TerminalSink writes errors to its error descriptor and the rest to its output")
    func sinkWrites() throws {
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        #expect(pipe(&output) == 0 && pipe(&errors) == 0)
        let sink = TerminalSink(colour: true, output: output[1], errors: errors[1])
        sink.write("x\n", style: .copy)
        sink.write("bad\n", style: .error)
        close(output[1])
        close(errors[1])
        #expect(readAll(output[0]) == "\u{1B}[35mx\u{1B}[0m\n")
        #expect(readAll(errors[0]) == "\u{1B}[1;31mbad\u{1B}[0m\n")
    }

    private func readAll(_ descriptor: Int32) -> String {
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while case let count = read(descriptor, &buffer, buffer.count), count > 0 {
            bytes.append(contentsOf: buffer.prefix(count))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("completion keeps candidates extending the word, once each, and inserts their common prefix")
    func completionMatches() {
        #expect(Completion.matches(word: "sp", candidates: ["spawn", "smaps", "spawn", "spin"]) == ["spawn", "spin"])
        #expect(Completion.matches(word: "", candidates: ["b", "a"]) == ["b", "a"])
        #expect(Completion.commonPrefix(["map", "map-library"]) == "map")
        #expect(Completion.commonPrefix(["libc.text", "libc.data"]) == "libc.")
        #expect(Completion.commonPrefix(["only"]) == "only")
        #expect(Completion.commonPrefix([]) == "")
    }

    @Test("file names are offered only as arguments of `source` and `save`")
    func fileNameFallback() {
        #expect(Completion.allowsFileNames(line: "source Scr", wordStart: 7))
        #expect(Completion.allowsFileNames(line: "spawn a; save ", wordStart: 14))
        #expect(!Completion.allowsFileNames(line: "sou", wordStart: 0))
        #expect(!Completion.allowsFileNames(line: "fork sh", wordStart: 5))
        #expect(!Completion.allowsFileNames(line: "source x; fork sh", wordStart: 15))
    }

    @Test("the banner is one line naming the version and `help`")
    func banner() {
        let text = bannerText(version: "1.2.3")
        #expect(text == "cowsim 1.2.3: type `help` for commands, Tab to complete, Ctrl-D to leave.")
    }
}
