import Testing
import CowEngine
@testable import CowLanguage

/// Files kept in memory for `trace ... from FILE`.
private final class TraceFiles: @unchecked Sendable {
    var files: [String: String] = [:]

    var access: ScriptFiles {
        ScriptFiles(read: { path in
            guard let text = self.files[path] else { return .failure(SystemIO.Failure(reason: "No such file or directory")) }
            return .success(SourceFile(name: path, text: text))
        }, write: { _, _, _ in .failure(SystemIO.Failure(reason: "read-only")) })
    }
}

/// `trace`'s errors, seen from a script: each is a `file:line:column` error with a caret at the
/// bad reference (in the script or in the trace file) and nothing of the trace runs.
@Suite struct TraceCommandTests {
    /// Two frames and swap, so that a trace that ran would leave faults and swap in use.
    static let setup = """
        config frames 2
        config swap 8
        spawn p
        map p anon 0x10000 pages 8 rw as heap

        """

    /// Runs `setup` + `command` (line 5 of t.cow); returns every line printed after the setup's
    /// four, and `faults(p)` / `swap_used` read afterwards in the same session.
    static func traced(_ command: String, files: [String: String] = [:]) -> (ok: Bool, lines: [String], after: String) {
        let memory = TraceFiles()
        memory.files = files
        let sink = BufferSink()
        let session = Session(options: SessionOptions(), output: sink, files: memory.access)
        let ok = session.run(source: setup + command + "\n", fileName: "t.cow")
        let lines = sink.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().dropFirst(4).map(String.init)
        let mark = sink.text.count
        _ = session.run(source: "echo \"{faults(p)} faults, {swap_used} slots\"", fileName: "u.cow")
        let after = String(sink.text.dropFirst(mark).filter { $0 != "\n" })
        return (ok, lines, after)
    }

    @Test func aGoodTraceRuns() {
        let r = Self.traced("trace p 0x10000 write 1,2,3,1")
        #expect(r.ok)
        // 1 and 2 fill memory, 3 evicts 1 (to slot 0), 1 comes back from swap (major) evicting
        // 2 (to slot 1) and freeing slot 0.
        #expect(r.lines.contains("trace  p: 4 writes, 0 hits, 4 misses (1 major), hit rate 0.00%; policy lru, 2 frames"))
        #expect(r.after == "4 faults, 1 slots")
    }

    /// `show trace ...` (the wording) prints the per-access lines as `trace ... show`
    /// does, at top level and inside a quiet block. LRU, 2 frames, 1,2,3,1 worked by hand: 3
    /// evicts 1, 1 evicts 2; every access misses.
    @Test func theShowPrefixPrintsEachAccess() {
        let steps = ["Access: 1  MISS LRU ->    [1] <- MRU Replaced:- [Hits:0 Misses:1]",
                     "Access: 2  MISS LRU -> [1, 2] <- MRU Replaced:- [Hits:0 Misses:2]",
                     "Access: 3  MISS LRU -> [2, 3] <- MRU Replaced:1 [Hits:0 Misses:3]",
                     "Access: 1  MISS LRU -> [3, 1] <- MRU Replaced:2 [Hits:0 Misses:4]"]
        let summary = "trace  p: 4 writes, 0 hits, 4 misses (1 major), hit rate 0.00%; policy lru, 2 frames"
        for command in ["trace p 0x10000 write 1,2,3,1 show", "show trace p 0x10000 write 1,2,3,1",
                        "quiet\n  show trace p 0x10000 write 1,2,3,1\nend"] {
            let r = Self.traced(command)
            #expect(r.ok)
            #expect(Array(r.lines.prefix(5)) == steps + [summary], "\(command)")
        }
        let plain = Self.traced("trace p 0x10000 write 1,2,3,1")
        #expect(!plain.lines.contains { $0.hasPrefix("Access:") }, "without `show` only the summary")
        let quietSuffix = Self.traced("show trace p 0x10000 write 1,2,3,1 quiet")
        #expect(quietSuffix.lines.isEmpty, "an explicit `quiet` word wins")
    }

    @Test func aBadNumberInTheList() {
        var r = Self.traced("trace p 0x10000 write 1,2,x,4")
        #expect(!r.ok)
        #expect(r.lines == ["t.cow:5:27: error: unknown variable `x`",
                            "    trace p 0x10000 write 1,2,x,4",
                            "                              ^",
                            "note: set it first with `let x = ...`"])
        #expect(r.after == "0 faults, 0 slots")

        r = Self.traced("trace p 0x10000 write 1,2,-3")
        #expect(r.lines == ["t.cow:5:27: error: a page number must not be negative, found -3",
                            "    trace p 0x10000 write 1,2,-3",
                            "                              ^~"])
        #expect(r.after == "0 faults, 0 slots")

        r = Self.traced("trace p 0x10000 write 1,(1/2),3")
        #expect(r.lines.prefix(3) == ["t.cow:5:25: error: a page number must be a whole number, found 1/2",
                                      "    trace p 0x10000 write 1,(1/2),3",
                                      "                            ^~~~~"])
        #expect(r.after == "0 faults, 0 slots")

        r = Self.traced("trace p 0x10000 write 1,2,3a")
        #expect(r.lines.prefix(3) == ["t.cow:5:27: error: `3a` is not a number (write a space between a number and a word)",
                                      "    trace p 0x10000 write 1,2,3a",
                                      "                              ^~"])
        #expect(r.after == "0 faults, 0 slots")

        r = Self.traced("trace p 0x10000 write 1,2 3")
        #expect(r.lines.first == "t.cow:5:27: error: expected `show`, `quiet` or the end of the command after `2`, found `3`")
        #expect(r.lines.contains("note: separate page numbers with commas: `0,1,2`"))
        #expect(r.after == "0 faults, 0 slots")

        // Past the end of the 48-bit address space: 2^36 pages of 4096 bytes, minus the base's 0x10.
        r = Self.traced("trace p 0x10000 write 1,68719476720")
        #expect(r.lines == ["t.cow:5:25: error: page 68719476720 is past the end of the address space (0x1000000000000)",
                            "    trace p 0x10000 write 1,68719476720",
                            "                            ^~~~~~~~~~~"])
        #expect(r.after == "0 faults, 0 slots")
    }

    @Test func anEmptyList() {
        var r = Self.traced("trace p 0x10000 write")
        #expect(r.lines.prefix(3) == ["t.cow:5:22: error: expected page numbers (`0,1,2,0`) or `from FILE` after `write`, found the end of the line",
                                      "    trace p 0x10000 write",
                                      "                         ^"])
        #expect(r.after == "0 faults, 0 slots")

        r = Self.traced("trace p 0x10000 write 1,2,")
        #expect(r.lines.first == "t.cow:5:27: error: expected a number after `,`, found the end of the line")
        #expect(r.after == "0 faults, 0 slots")

        // A file with comments and blanks only holds no reference either.
        r = Self.traced("trace p 0x10000 write from empty.txt", files: ["empty.txt": "# nothing here\n\n  \n"])
        #expect(r.lines == ["t.cow:5:28: error: empty.txt holds no page number",
                            "    trace p 0x10000 write from empty.txt",
                            "                               ^~~~~~~~~"])
        #expect(r.after == "0 faults, 0 slots")
    }

    @Test func aMissingFile() {
        let r = Self.traced("trace p 0x10000 write from nope.txt quiet")
        #expect(r.lines == ["t.cow:5:28: error: cannot read nope.txt: No such file or directory",
                            "    trace p 0x10000 write from nope.txt quiet",
                            "                               ^~~~~~~~"])
        #expect(r.after == "0 faults, 0 slots")
    }

    @Test func aBadTokenInTheFileIsReportedAtItsPlace() {
        let refs = "1, 2, 3\n4 5   # a comment\n0, 1, x 2\n"
        var r = Self.traced("trace p 0x10000 write from refs.txt", files: ["refs.txt": refs])
        #expect(r.lines == ["refs.txt:3:7: error: expected a page number (a whole number from 0), found `x`",
                            "    0, 1, x 2",
                            "          ^",
                            "note: in the trace file of the command at t.cow:5"])
        #expect(r.after == "0 faults, 0 slots")

        // A negative number is refused at its place in the file, not by the engine at the command.
        r = Self.traced("trace p 0x10000 write from refs.txt", files: ["refs.txt": "1 2\n3 -2 4\n"])
        #expect(r.lines.prefix(3) == ["refs.txt:2:3: error: a page number must not be negative, found -2",
                                      "    3 -2 4",
                                      "      ^~"])
        #expect(r.after == "0 faults, 0 slots")

        // Signs are not part of a page number, in decimal or hexadecimal.
        for bad in ["+2", "0x-3", "0x+3", "0x", "1.5", "99999999999999999999"] {
            r = Self.traced("trace p 0x10000 write from refs.txt", files: ["refs.txt": "1\n\n0 \(bad)\n"])
            #expect(r.lines.first == "refs.txt:3:3: error: expected a page number (a whole number from 0), found `\(bad)`", "\(bad)")
            #expect(r.after == "0 faults, 0 slots")
        }

        // Hexadecimal and commas without blanks are fine.
        r = Self.traced("trace p 0x10000 write from refs.txt quiet", files: ["refs.txt": "0x1,0X2,3\n"])
        #expect(r.ok && r.lines.isEmpty && r.after == "3 faults, 1 slots")
    }

    @Test func tooManyReferences() {
        // 4,000,000 references are allowed; the 4,000,001st is refused where it is written.
        let refs = String(repeating: "1 ", count: Machine.maxTraceLength) + "2\n"
        let r = Self.traced("trace p 0x10000 write from refs.txt", files: ["refs.txt": refs])
        #expect(r.lines.first == "refs.txt:1:\(2 * Machine.maxTraceLength + 1): error: a trace takes at most 4000000 references")
        #expect(r.lines.contains("note: in the trace file of the command at t.cow:5"))
        #expect(r.after == "0 faults, 0 slots")
    }

    /// A kill ends the trace; the killing access faulted, so it is a miss, not a hit.
    @Test func aKillStopsTheTraceAtAMiss() {
        let r = Self.traced("trace p 0x10000 read 0,9,1")
        #expect(r.ok)
        #expect(r.lines.contains("trace  p: 2 reads, 0 hits, 2 misses, hit rate 0.00%; policy lru, 2 frames; stopped at access 2 of 3: p was killed (SIGSEGV at page 0x19)"))
        #expect(r.after == "1 faults, 0 slots")
    }
}
