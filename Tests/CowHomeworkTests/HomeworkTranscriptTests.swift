import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import CowLanguage
@testable import CowHomework

/// `#>` transcripts: comparing, the unified diff, rewriting (`--update`), and the test runner.
@Suite struct HomeworkTranscriptTests {
    static func transcript(_ text: String, name: String = "t.cow") -> Transcript {
        Transcript(file: SourceFile(name: name, text: text), options: SessionOptions())
    }

    @Test func matchingTranscript() {
        let t = Self.transcript("spawn a\n#> spawn  a (pid 1)\necho \"x\"; echo \"y\"\n#> y\nstats\necho \"\"\n#>\n")
        #expect(t.passed)
        #expect(t.checks.map(\.commandLine) == [1, 3, 6])
        #expect(t.checks.map(\.firstLine) == [2, 4, 7])
        #expect(t.diff() == [])
        #expect(t.updatedBytes() == t.file.bytes)
    }

    @Test func mismatchGivesAUnifiedDiff() {
        let text = """
            # a comment
            spawn a
            map a anon 0 pages 2
            #> a: mapped anon.0x0 0x0..0x2000 (2 pages, rw-, private anonymous)
            write a 0 pages 2 1
            #> fault  a 0x0..0x2000 (2 pages): demand-zero, new frames 0-1
            echo "{rss(a)} pages"
            #> 3 pages
            #> and more
            echo "end"

            """
        let t = Self.transcript(text)
        #expect(!t.passed && t.error == nil)
        #expect(t.mismatchSummary == "the output of line 7 differs from its `#>` lines")
        #expect(t.diff() == [
            "--- t.cow",
            "+++ t.cow (actual output)",
            "@@ -5,6 +5,5 @@",
            " write a 0 pages 2 1",
            " #> fault  a 0x0..0x2000 (2 pages): demand-zero, new frames 0-1",
            " echo \"{rss(a)} pages\"",
            "-#> 3 pages",
            "-#> and more",
            "+#> 2 pages",
            " echo \"end\"",
        ])
    }

    @Test func distantMismatchesMakeSeparateHunks() {
        var text = "echo \"a\"\n#> b\n"
        for k in 0..<8 { text += "# filler \(k)\n" }
        text += "echo \"c\"\n#> c\n#> d\n"
        let t = Self.transcript(text)
        #expect(t.mismatchSummary == "the output of line 1 differs from its `#>` lines (and 1 more command)")
        #expect(t.diff() == [
            "--- t.cow",
            "+++ t.cow (actual output)",
            "@@ -1,5 +1,5 @@",
            " echo \"a\"",
            "-#> b",
            "+#> a",
            " # filler 0",
            " # filler 1",
            " # filler 2",
            "@@ -10,4 +10,3 @@",
            " # filler 7",
            " echo \"c\"",
            " #> c",
            "-#> d",
        ])
    }

    @Test func updateRewritesOnlyTheExpectedLines() {
        let text = "spawn a   # keep this comment\n  #>   wrong\n  #> twice\necho \"x\"\r\n#> y\r\nquiet echo \"hidden\"\n#> hidden\necho \"last\"\n#>"
        let t = Self.transcript(text)
        #expect(t.diff().contains("-#> y") && t.diff().contains("+#> x"))
        let updated = String(decoding: t.updatedBytes(), as: UTF8.self)
        #expect(updated == "spawn a   # keep this comment\n  #> spawn  a (pid 1)\necho \"x\"\r\n#> x\r\nquiet echo \"hidden\"\necho \"last\"\n#> last")
        // Idempotent: the updated file matches, and updating it again changes nothing.
        let again = Self.transcript(updated)
        #expect(again.passed)
        #expect(again.updatedBytes() == Array(updated.utf8))
    }

    @Test func updateAddsLinesForLongerOutput() {
        let t = Self.transcript("spawn a\nmap a anon 0 pages 2\n#>\nwrite a 0 pages 2 1\n#> x\n#> y\n#> z\n")
        #expect(String(decoding: t.updatedBytes(), as: UTF8.self) == """
            spawn a
            map a anon 0 pages 2
            #> a: mapped anon.0x0 0x0..0x2000 (2 pages, rw-, private anonymous)
            write a 0 pages 2 1
            #> fault  a 0x0..0x2000 (2 pages): demand-zero, new frames 0-1

            """)
    }

    @Test func expectedLinesInsideABlockAreRefused() {
        let t = Self.transcript("repeat 2\n  echo \"x\"\n  #> x\nend\n")
        #expect(t.error == "t.cow:3: error: `#>` lines inside a `repeat`, `quiet` or `show` block are not checked; put them after its `end`\n")
        let after = Self.transcript("repeat 2\n  echo \"x\"\nend\n#> x\n#> x\n")
        #expect(after.passed)
    }

    @Test func errorsStopTheTranscript() {
        let t = Self.transcript("echo \"a\"\n#> a\nforc\necho \"b\"\n#> c\n")
        #expect(t.error?.hasPrefix("t.cow:3:1: error: unknown command `forc`\n") == true)
        #expect(t.checks.count == 1 && t.mismatches.isEmpty)
        let parse = Self.transcript("echo \"a\n")
        #expect(parse.error?.hasPrefix("t.cow:1:6: error: ") == true)
    }

    // MARK: - Files: verify, update, test

    final class Directory {
        let path: String
        init() throws {
            var template = Array("/tmp/cowsim-hw-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
            path = try #require(made.map { String(cString: $0) })
        }
        func write(_ name: String, _ text: String) {
            if let slash = name.lastIndex(of: "/") { _ = mkdir(path + "/" + name[..<slash], 0o755) }
            _ = SystemIO.writeFile(path + "/" + name, text)
        }
        func read(_ name: String) -> String {
            guard case .success(let bytes) = SystemIO.readFile(path + "/" + name) else { return "" }
            return String(decoding: bytes, as: UTF8.self)
        }
        deinit { _ = system("rm -rf '\(path)'") }
    }

    @Test func verifyAndUpdateFiles() throws {
        let dir = try Directory()
        dir.write("v.cow", "echo \"hi\"\n#> ho\n")
        let out = BufferSink()
        #expect(Transcript.verify(path: dir.path + "/v.cow", options: SessionOptions(), output: out) == 1)
        #expect(out.text == """
            --- \(dir.path)/v.cow
            +++ \(dir.path)/v.cow (actual output)
            @@ -1,2 +1,2 @@
             echo "hi"
            -#> ho
            +#> hi
            \(dir.path)/v.cow: the output of line 1 differs from its `#>` lines

            """)
        out.clear()
        #expect(Transcript.update(path: dir.path + "/v.cow", options: SessionOptions(), output: out) == 0)
        #expect(out.text == "\(dir.path)/v.cow: updated the expected output of 1 command\n")
        #expect(dir.read("v.cow") == "echo \"hi\"\n#> hi\n")
        out.clear()
        #expect(Transcript.update(path: dir.path + "/v.cow", options: SessionOptions(), output: out) == 0)
        #expect(out.text == "\(dir.path)/v.cow: up to date (1 command checked)\n")
        out.clear()
        #expect(Transcript.verify(path: dir.path + "/v.cow", options: SessionOptions(), output: out) == 0)
        #expect(out.text == "\(dir.path)/v.cow: transcript matches (1 command checked)\n")

        dir.write("bad.cow", "echo \"a\"\n#> b\nforc\n")
        out.clear()
        #expect(Transcript.update(path: dir.path + "/bad.cow", options: SessionOptions(), output: out) == 1)
        #expect(dir.read("bad.cow") == "echo \"a\"\n#> b\nforc\n")
        #expect(out.text.hasSuffix("\(dir.path)/bad.cow: not updated: the script fails\n"))
    }

    @Test func testSuiteCountsAndOrder() throws {
        let dir = try Directory()
        dir.write("b/pass.cow", "echo \"ok\"\n#> ok\n")
        dir.write("a/fail.cow", "expect 1 == 2\n")
        dir.write("a/z/mismatch.cow", "echo \"x\"\n#> y\n")
        dir.write("a/notes.md", "not a script")
        dir.write("a/hw.solution.md", "not a script either")
        dir.write(".hidden/skip.cow", "forc\n")
        let out = BufferSink()
        let status = TestSuite.run(paths: [dir.path + "/"], options: SessionOptions(), output: out, details: false)
        #expect(status == 1)
        #expect(out.text == """
            FAIL \(dir.path)/a/fail.cow: \(dir.path)/a/fail.cow:1:8: error: expectation failed: 1 == 2
            FAIL \(dir.path)/a/z/mismatch.cow: \(dir.path)/a/z/mismatch.cow:1: the output differs from its `#>` lines
            PASS \(dir.path)/b/pass.cow
            1 passed, 2 failed

            """)
        out.clear()
        #expect(TestSuite.run(paths: [dir.path + "/b", dir.path + "/nope"], options: SessionOptions(), output: out) == 1)
        #expect(out.text == """
            PASS \(dir.path)/b/pass.cow
            FAIL \(dir.path)/nope: cannot read \(dir.path)/nope: No such file or directory
            1 passed, 1 failed

            """)
        out.clear()
        #expect(TestSuite.run(paths: [dir.path + "/b/pass.cow"], options: SessionOptions(), output: out) == 0)
        #expect(out.text == "PASS \(dir.path)/b/pass.cow\n1 passed, 0 failed\n")
    }

    // MARK: - The diff itself

    @Test func unifiedDiffConventions() {
        #expect(UnifiedDiff.range(4, 0) == "4,0")
        #expect(UnifiedDiff.range(4, 1) == "5")
        #expect(UnifiedDiff.range(4, 3) == "5,3")
        let inserted = UnifiedDiff.lines(old: ["a", "b"], edits: [.init(start: 2, old: [], new: ["c"])], oldName: "x", newName: "y")
        #expect(inserted == ["--- x", "+++ y", "@@ -1,2 +1,3 @@", " a", " b", "+c"])
        let appended = UnifiedDiff.lines(old: ["a"], edits: [.init(start: 1, old: [], new: ["b"])], oldName: "x", newName: "y", context: 0)
        #expect(appended == ["--- x", "+++ y", "@@ -1,0 +2 @@", "+b"])
        let none = UnifiedDiff.lines(old: ["a"], edits: [.init(start: 0, old: ["a"], new: ["a"])], oldName: "x", newName: "y")
        #expect(none == [])
        #expect(UnifiedDiff.lcsOperations(["a", "b", "c"], ["a", "x", "c", "d"]) == [.equal, .delete, .insert("x"), .equal, .insert("d")])
    }
}
