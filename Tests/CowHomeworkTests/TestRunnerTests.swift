#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport
@testable import CowLanguage
@testable import CowHomework

/// `cowsim test` for CI: nothing found is a failure, unreadable scripts and directories are
/// failures, JUnit XML and JSON, `file:line:` on every mismatch; `#>` lines in bulk.
@Suite struct TestRunnerTests {
    @Test func findingNoScriptIsAFailure() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-runner")
        dir.write("notes.md", "no scripts here\n")
        let out = BufferSink()
        #expect(TestSuite.run(paths: [dir.path], options: SessionOptions(), output: out) == 1)
        #expect(out.text == "error: no .cow scripts found under \(dir.path)\n0 passed, 1 failed\n")
    }

    @Test func anUnreadableDirectoryIsAFailure() throws {
        guard getuid() != 0 else { return }   // root reads everything
        let dir = try TemporaryDirectory(prefix: "cowsim-runner")
        dir.write("ok.cow", "echo 1\n")
        #expect(mkdir(dir.path + "/locked", 0o755) == 0)
        dir.write("locked/hidden.cow", "echo 1\n")
        #expect(chmod(dir.path + "/locked", 0) == 0)
        defer { chmod(dir.path + "/locked", 0o755) }
        let out = BufferSink()
        #expect(TestSuite.run(paths: [dir.path], options: SessionOptions(), output: out) == 1)
        #expect(out.text.contains("FAIL \(dir.path)/locked: cannot read \(dir.path)/locked: Permission denied\n"))
        #expect(out.text.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func aFifoNamedLikeAScriptIsSkippedByTheWalk() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-runner")
        dir.write("a.cow", "echo 1\n")
        #expect(mkfifo(dir.path + "/pipe.cow", 0o600) == 0)
        #expect(FileTree.scripts(under: [dir.path]) == [.script(dir.path + "/a.cow")])
    }

    @Test func everyMismatchCarriesFileAndLine() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-runner")
        dir.write("m.cow", "echo \"a\"\n#> b\necho \"c\"\n#> c\necho \"d\"\n#> e\n")
        let result = TestSuite.run(script: dir.path + "/m.cow", options: SessionOptions())
        #expect(result.reason.prefix(2) == [
            "\(dir.path)/m.cow:1: the output differs from its `#>` lines (and 1 more command)",
            "\(dir.path)/m.cow:5: the output differs from its `#>` lines",
        ])
    }

    @Test func junitAndJSON() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-runner")
        dir.write("a/pass.cow", "echo \"ok\"\n#> ok\n")
        dir.write("a/fail.cow", "expect 1 == 2\n")
        let out = BufferSink()
        let report = TestSuite.Options(details: true, json: true, junitPath: dir.path + "/junit.xml")
        #expect(TestSuite.run(paths: [dir.path + "/a"], options: SessionOptions(), output: out, report: report) == 1)
        let d = dir.path + "/a"
        #expect(out.text == """
            {
              "passed": 1,
              "failed": 1,
              "results": [
                {
                  "path": "\(d)/fail.cow",
                  "passed": false,
                  "reason": "\(d)/fail.cow:1:8: error: expectation failed: 1 == 2",
                  "details": ["    expect 1 == 2", "           ^~~~~~", "note: both sides are constants"]
                },
                {
                  "path": "\(d)/pass.cow",
                  "passed": true,
                  "reason": null,
                  "details": []
                }
              ]
            }

            """)
        #expect(dir.read("junit.xml") == """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="cowsim" tests="2" failures="1" errors="0">
              <testsuite name="cowsim" tests="2" failures="1" errors="0" skipped="0">
                <testcase classname="cowsim" name="\(d)/fail.cow" file="\(d)/fail.cow">
                  <failure message="\(d)/fail.cow:1:8: error: expectation failed: 1 == 2">\(d)/fail.cow:1:8: error: expectation failed: 1 == 2&#10;    expect 1 == 2&#10;           ^~~~~~&#10;note: both sides are constants</failure>
                </testcase>
                <testcase classname="cowsim" name="\(d)/pass.cow" file="\(d)/pass.cow"/>
              </testsuite>
            </testsuites>

            """)
    }

    @Test func xmlEscapesMarkupAndControlCharacters() {
        #expect(TestSuite.xmlEscaped("a<b>&\"c\"\u{1B}[2J\u{7}") == "a&lt;b&gt;&amp;&quot;c&quot;\\u{1B}[2J\\u{7}")
        #expect(TestSuite.xmlEscaped("it's\tone\nline\u{FFFE}\u{85}") == "it&#39;s&#9;one&#10;line\\u{FFFE}\\u{85}")
    }

    @Test func manyExpectedLinesAfterOneCommandAreAllKept() {
        // 40,000 `#>` lines used to be attached one copy at a time (O(N^2)); the lines and
        // their positions must stay exactly the same.
        let n = 40_000
        let text = "echo \"x\"\n" + String(repeating: "#> x\n", count: n)
        let transcript = Transcript(file: SourceFile(name: "big.cow", text: text), options: SessionOptions())
        #expect(transcript.checks.count == 1)
        #expect(transcript.checks.first?.firstLine == 2)
        #expect(transcript.checks.first?.expected.count == n)
        #expect(transcript.mismatches.count == 1)
    }
}
