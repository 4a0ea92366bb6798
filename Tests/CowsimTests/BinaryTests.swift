import Testing
import CowLanguage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `cowsim` executable: it sits next to the test bundle (.build-*/debug/).
let cowsimBinary: String? = {
    var candidates: [String] = []
    let me = CommandLine.arguments.first ?? ""
    var directory = SourceFile.directory(of: me)
    // The bundle may be a directory (`X.xctest/...` on macOS): walk up until `cowsim` appears.
    for _ in 0..<4 where !directory.isEmpty {
        candidates.append(directory + "/cowsim")
        directory = SourceFile.directory(of: directory)
    }
    return candidates.first(where: isExecutable)
}()

/// What a run of the binary produced.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary with `arguments`, feeding `input` on standard input.
func runCowsim(_ arguments: [String], input: String = "") throws -> ProcessResult {
    let binary = try #require(cowsimBinary, "the cowsim executable was not found next to \(CommandLine.arguments.first ?? "?")")
    var template = Array("/tmp/cowsim-test-XXXXXX".utf8CString)
    let dir = try #require(template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }.map { String(cString: $0) })
    let inPath = dir + "/in", outPath = dir + "/out", errPath = dir + "/err"
    _ = SystemIO.writeFile(inPath, input)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
    try #require(spawned == 0, "posix_spawn failed: \(spawned)")
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitStatus = (status >> 8) & 0xff
    func read(_ path: String) -> String {
        guard case .success(let bytes) = SystemIO.readFile(path) else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }
    let result = ProcessResult(status: exitStatus, stdout: read(outPath), stderr: read(errPath))
    for p in [inPath, outPath, errPath] { unlink(p) }
    rmdir(dir)
    return result
}

@Suite struct BinaryTests {
    @Test func version() throws {
        let r = try runCowsim(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "cowsim 0.1.0\n")
    }

    @Test func commandsWithDashC() throws {
        let r = try runCowsim(["-c", "spawn a; fork a as b; echo \"{pid(b)} {alive(a)}\""])
        #expect(r.status == 0)
        #expect(r.stdout == """
            spawn  a (pid 1)
            fork   a (pid 1) -> b (pid 2): 0 page-table entries copied, no frame copied
            2 true

            """)
        #expect(r.stderr == "")
    }

    @Test func scriptFromStandardInputWithDash() throws {
        let r = try runCowsim(["-"], input: "let x = 6 * 7\necho x\n")
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func noArgumentsAndNoTerminalReadsStandardInput() throws {
        let r = try runCowsim([], input: "echo \"piped\"\n")
        #expect(r.status == 0)
        #expect(r.stdout == "piped\n")
    }

    @Test func errorGivesStatusOneAndADiagnosticOnStandardError() throws {
        let r = try runCowsim(["-"], input: "spawn s\nforc s\necho \"not reached\"\n")
        #expect(r.status == 1)
        #expect(r.stdout == "spawn  s (pid 1)\n")
        #expect(r.stderr == """
            <stdin>:2:1: error: unknown command `forc`
                forc s
                ^~~~
            note: did you mean `fork`?

            """)
    }

    @Test func keepGoingRunsPastErrorsButStillFails() throws {
        let r = try runCowsim(["--keep-going", "-"], input: "forc\necho \"after\"\n")
        #expect(r.status == 1)
        #expect(r.stdout == "after\n")
    }

    @Test func failedExpectGivesStatusOne() throws {
        let r = try runCowsim(["-c", "expect 1 + 1 == 3"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("-c:1:8: error: expectation failed: 1 + 1 == 3\n"))
    }

    @Test func scriptFilesRunInOrderInOneSession() throws {
        let first = root + "/Scripts/examples/seed-story.cow"
        let r = try runCowsim([first, "-c", "expect copies(ls) == 1"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func missingFileIsAnError() throws {
        let r = try runCowsim(["/nonexistent/x.cow"])
        #expect(r.status == 1)
        #expect(r.stderr == "/nonexistent/x.cow: error: cannot read /nonexistent/x.cow: No such file or directory\n")
    }

    @Test func jsonFlagAndSeed() throws {
        let r = try runCowsim(["--json", "--seed", "7", "-c", "stats"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("{\n  \"frames\": 256,\n  \"pageSize\": 4096,\n"))
        let a = try runCowsim(["--seed", "7", "-c", "echo random(1, 1000000)"])
        let b = try runCowsim(["--seed", "7", "-c", "echo random(1, 1000000)"])
        #expect(a.stdout == b.stdout)
    }

    @Test func quietFlag() throws {
        let r = try runCowsim(["-q", "-c", "spawn a; show echo \"x\"; stats"])
        #expect(r.status == 0)
        #expect(r.stdout == "x\n")
    }

    @Test func shebangScript() throws {
        let r = try runCowsim(["-"], input: "#!/usr/bin/env cowsim\necho \"ok\"\n")
        #expect(r.stdout == "ok\n")
    }

    @Test func helpMentionsUsage() throws {
        let r = try runCowsim(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("cowsim -c 'CMD; CMD'"))
    }
}
