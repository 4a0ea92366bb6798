import Testing
import CowTestSupport

@Suite struct BinaryTests {
    @Test func version() throws {
        let r = try CowsimBinary.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "cowsim 0.1.0\n")
    }

    @Test func commandsWithDashC() throws {
        let r = try CowsimBinary.run(["-c", "spawn a; fork a as b; echo \"{pid(b)} {alive(a)}\""])
        #expect(r.status == 0)
        #expect(r.stdout == """
            spawn  a (pid 1)
            fork   a (pid 1) -> b (pid 2): 0 page-table entries copied, no frame copied
            2 true

            """)
        #expect(r.stderr == "")
    }

    @Test func scriptFromStandardInputWithDash() throws {
        let r = try CowsimBinary.run(["-"], input: "let x = 6 * 7\necho x\n")
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func noArgumentsAndNoTerminalReadsStandardInput() throws {
        let r = try CowsimBinary.run([], input: "echo \"piped\"\n")
        #expect(r.status == 0)
        #expect(r.stdout == "piped\n")
    }

    @Test func errorGivesStatusOneAndADiagnosticOnStandardError() throws {
        let r = try CowsimBinary.run(["-"], input: "spawn s\nforc s\necho \"not reached\"\n")
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
        let r = try CowsimBinary.run(["--keep-going", "-"], input: "forc\necho \"after\"\n")
        #expect(r.status == 1)
        #expect(r.stdout == "after\n")
    }

    @Test func failedExpectGivesStatusOne() throws {
        let r = try CowsimBinary.run(["-c", "expect 1 + 1 == 3"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("-c:1:8: error: expectation failed: 1 + 1 == 3\n"))
    }

    @Test func scriptFilesRunInOrderInOneSession() throws {
        let first = root + "/Scripts/examples/seed-story.cow"
        let r = try CowsimBinary.run([first, "-c", "expect copies(ls) == 1"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func missingFileIsAnError() throws {
        let r = try CowsimBinary.run(["/nonexistent/x.cow"])
        #expect(r.status == 1)
        #expect(r.stderr == "/nonexistent/x.cow: error: cannot read /nonexistent/x.cow: No such file or directory\n")
    }

    @Test func jsonFlagAndSeed() throws {
        let r = try CowsimBinary.run(["--json", "--seed", "7", "-c", "stats"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("{\n  \"frames\": 256,\n  \"pageSize\": 4096,\n"))
        let a = try CowsimBinary.run(["--seed", "7", "-c", "echo random(1, 1000000)"])
        let b = try CowsimBinary.run(["--seed", "7", "-c", "echo random(1, 1000000)"])
        #expect(a.stdout == b.stdout)
    }

    @Test func quietFlag() throws {
        let r = try CowsimBinary.run(["-q", "-c", "spawn a; show echo \"x\"; stats"])
        #expect(r.status == 0)
        #expect(r.stdout == "x\n")
    }

    @Test func shebangScript() throws {
        let r = try CowsimBinary.run(["-"], input: "#!/usr/bin/env cowsim\necho \"ok\"\n")
        #expect(r.stdout == "ok\n")
    }

    @Test func helpMentionsUsage() throws {
        let r = try CowsimBinary.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("cowsim -c 'CMD; CMD'"))
    }
}
