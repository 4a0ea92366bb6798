import Testing
import CowTestSupport

/// The homework subcommands and transcript checks, through the built `cowsim` binary.
@Suite struct HomeworkBinaryTests {
    // MARK: - cowsim test

    @Test func testCountsPassesFailuresAndMismatches() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("ok.cow", "spawn a\n#> spawn  a (pid 1)\n")
        dir.write("sub/broken.cow", "spawn a\nforc a\n")
        dir.write("sub/drift.cow", "echo \"{1 + 1}\"\n#> 3\n")
        dir.write("README.md", "not a script\n")
        dir.write("ok.solution.md", "# not a script either\n")
        let r = try CowsimBinary.run(["test", dir.path])
        #expect(r.status == 1)
        let d = dir.path
        #expect(r.stdout == """
            PASS \(d)/ok.cow
            FAIL \(d)/sub/broken.cow: \(d)/sub/broken.cow:2:1: error: unknown command `forc`
                    forc a
                    ^~~~
                note: did you mean `fork`?
            FAIL \(d)/sub/drift.cow: \(d)/sub/drift.cow:1: the output differs from its `#>` lines
                --- \(d)/sub/drift.cow
                +++ \(d)/sub/drift.cow (actual output)
                @@ -1,2 +1,2 @@
                 echo "{1 + 1}"
                -#> 3
                +#> 2
            1 passed, 2 failed

            """)
        let brief = try CowsimBinary.run(["test", "--brief", d + "/sub/drift.cow", d + "/ok.cow"])
        #expect(brief.status == 1)
        #expect(brief.stdout == "FAIL \(d)/sub/drift.cow: \(d)/sub/drift.cow:1: the output differs from its `#>` lines\nPASS \(d)/ok.cow\n1 passed, 1 failed\n")
        let passing = try CowsimBinary.run(["test", d + "/ok.cow"])
        #expect(passing.status == 0)
        #expect(passing.stdout == "PASS \(d)/ok.cow\n1 passed, 0 failed\n")
    }

    @Test func everyShippedScriptPassesAsATest() throws {
        let r = try CowsimBinary.run(["test", "--brief", root + "/Scripts"])
        let count = files(under: root + "/Scripts", ext: "cow").count
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.hasSuffix("\n\(count) passed, 0 failed\n"))
        #expect(!r.stdout.contains("solution.md"))
    }

    // MARK: - Transcripts

    @Test func verifyAndUpdateThroughTheBinary() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        let script = "#!/usr/bin/env cowsim\nspawn a   # the shell\n#> spawn a\nrepeat 2\n  echo \"x\"\nend\n#> x\n"
        dir.write("t.cow", script)
        let verify = try CowsimBinary.run(["--verify", dir.path + "/t.cow"])
        #expect(verify.status == 1)
        #expect(verify.stdout == """
            --- \(dir.path)/t.cow
            +++ \(dir.path)/t.cow (actual output)
            @@ -1,7 +1,8 @@
             #!/usr/bin/env cowsim
             spawn a   # the shell
            -#> spawn a
            +#> spawn  a (pid 1)
             repeat 2
               echo "x"
             end
             #> x
            +#> x

            """)
        #expect(verify.stderr == "\(dir.path)/t.cow: the output of line 2 differs from its `#>` lines (and 1 more command)\n")
        let update = try CowsimBinary.run(["--update", dir.path + "/t.cow"])
        #expect(update.status == 0)
        #expect(update.stdout == "\(dir.path)/t.cow: updated the expected output of 2 commands\n")
        #expect(dir.read("t.cow") == "#!/usr/bin/env cowsim\nspawn a   # the shell\n#> spawn  a (pid 1)\nrepeat 2\n  echo \"x\"\nend\n#> x\n#> x\n")
        let again = try CowsimBinary.run(["--verify", dir.path + "/t.cow"])
        #expect(again.status == 0)
        #expect(again.stdout == "\(dir.path)/t.cow: transcript matches (2 commands checked)\n")
        let misuse = try CowsimBinary.run(["--verify", dir.path + "/t.cow", "-c", "stats"])
        #expect(misuse.status != 0 && misuse.stderr.contains("--verify and --update take one script"))
    }

    // MARK: - cowsim quiz

    @Test func gradedQuizPrintsJSONAndExitsOneUnlessAllRight() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        dir.write("answers.txt", "# my answers\n4/2\n3: zero\n")
        let r = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--seed", "5", "--answers", dir.path + "/answers.txt", "--json"])
        #expect(r.status == 1)
        #expect(r.stdout == """
            {
              "file": "hw.cow",
              "seed": "5",
              "score": 2,
              "maxScore": 4,
              "allRight": false,
              "error": null,
              "notes": [],
              "lines": [],
              "questions": [
                {
                  "number": 1,
                  "question": "What is the Pss of b?",
                  "kind": "number",
                  "choices": [],
                  "points": 2,
                  "given": "4/2",
                  "line": 2,
                  "result": "right",
                  "score": 2,
                  "expected": "2",
                  "message": null
                },
                {
                  "number": 2,
                  "question": "Which frame does b map at 0x10000?",
                  "kind": "number",
                  "choices": [],
                  "points": 1,
                  "given": null,
                  "line": null,
                  "result": "missing",
                  "score": 0,
                  "expected": "0",
                  "message": "no answer given"
                },
                {
                  "number": 3,
                  "question": "What frame does b map at 0x20000?",
                  "kind": "number",
                  "choices": [],
                  "points": 1,
                  "given": "zero",
                  "line": 3,
                  "result": "malformed",
                  "score": 0,
                  "expected": "none",
                  "message": "`zero` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"
                }
              ]
            }

            """)
        dir.write("right.txt", "1: 2\n2: 0x0\n3: none\n")
        let right = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/right.txt"])
        #expect(right.status == 0)
        #expect(right.stdout.hasSuffix("  answer `none`: right (+1 point)\nScore: 4/4 (3 of 3 questions right)\n"))
        let fromStdin = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", "-"], input: "2\n0\nnone\n")
        #expect(fromStdin.status == 0)
    }

    @Test func unusableAnswersFileOrProblemExitsTwo() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        dir.write("twice.txt", "1: 2\n1: 3\n")
        let twice = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/twice.txt"])
        #expect(twice.status == 2)
        #expect(twice.stderr == "\(dir.path)/twice.txt:2: error: question 1 is answered twice (lines 1 and 2); the first answer counts\n")
        let missing = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/nope.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "\(dir.path)/nope.txt: error: cannot read \(dir.path)/nope.txt: No such file or directory\n")
        dir.write("bad.cow", "ask \"one?\" 1\nforc\n")
        dir.write("one.txt", "1\n")
        let bad = try CowsimBinary.run(["quiz", dir.path + "/bad.cow", "--answers", dir.path + "/one.txt"])
        #expect(bad.status == 2)
        #expect(bad.stdout.contains("The problem stopped with an error: \(dir.path)/bad.cow:2:1: error: unknown command `forc`\n"))
        let jsonAlone = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--json"])
        #expect(jsonAlone.status != 0 && jsonAlone.stderr.contains("--json needs --answers FILE"))
    }

    @Test func jsonIsPrintedEvenWhenTheAnswersFileIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        let missing = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/nope.txt", "--json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.isEmpty)
        #expect(missing.stdout.contains("  \"error\": \"cannot read \(dir.path)/nope.txt: No such file or directory\",\n"))
        #expect(missing.stdout.contains("\"result\": \"missing\""))
        dir.write("twice.txt", "\u{FEFF}1: 2\n1: 3\n2: 0\n")
        let twice = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/twice.txt", "--format", "json"])
        #expect(twice.status == 2)
        #expect(twice.stdout.hasPrefix("{\n"))
        #expect(twice.stdout.contains("\"message\": \"question 1 is answered twice (lines 1 and 2); the first answer counts\""))
        #expect(twice.stdout.contains("\"score\": 3,"))
        let gradescope = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", dir.path + "/nope.txt",
                                               "--format", "gradescope", "--visibility", "hidden"])
        #expect(gradescope.status == 2)
        #expect(gradescope.stdout.hasPrefix("""
            {
              "score": 0,
              "output": "Score: 0/4 (0 of 3 questions right)\\nThe answers file was refused: cannot read \(dir.path)/nope.txt: No such file or directory",
              "visibility": "hidden",
            """))
        let both = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--answers", "-", "--json", "--format", "gradescope"])
        #expect(both.status != 0 && both.stderr.contains("--json and --format gradescope cannot be combined"))
    }

    @Test func seedsAreWholeNumbersAndSaySo() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        for command in [["quiz", dir.path + "/hw.cow"], ["solve", dir.path + "/hw.cow"], ["test", dir.path], ["-c", "echo 1"]] {
            let r = try CowsimBinary.run(command + ["--seed", "-1"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("a seed cannot be negative: use a whole number from 0 to 18446744073709551615"), "\(command): \(r.stderr)")
            #expect(!r.stderr.contains("Missing value"))
        }
        let big = try CowsimBinary.run(["solve", dir.path + "/hw.cow", "--seed", "18446744073709551616"])
        #expect(big.stderr.contains("the seed is too large"))
        let word = try CowsimBinary.run(["solve", dir.path + "/hw.cow", "--seed", "abc"])
        #expect(word.stderr.contains("`abc` is not a seed"))
        let max = try CowsimBinary.run(["solve", dir.path + "/hw.cow", "--seed", "18446744073709551615"])
        #expect(max.status == 0)
    }

    @Test func verifyReadsStandardInput() throws {
        let ok = try CowsimBinary.run(["--verify", "-"], input: "echo \"hi\"\n#> hi\n")
        #expect(ok.status == 0)
        #expect(ok.stdout == "<stdin>: transcript matches (1 command checked)\n")
        let bad = try CowsimBinary.run(["--verify", "-"], input: "echo \"hi\"\n#> ho\n")
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("--- <stdin>\n+++ <stdin> (actual output)\n"))
        let update = try CowsimBinary.run(["--update", "-"], input: "echo 1\n")
        #expect(update.status != 0)
        #expect(update.stderr.contains("--update rewrites a script file in place; it cannot update standard input"))
    }

    @Test func testWritesJUnitAndFailsWhenNothingIsFound() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("empty/README.md", "nothing\n")
        let none = try CowsimBinary.run(["test", dir.path + "/empty"])
        #expect(none.status == 1)
        #expect(none.stdout == "0 passed, 1 failed\n")
        #expect(none.stderr == "error: no .cow scripts found under \(dir.path)/empty\n")
        dir.write("s/ok.cow", "echo 1\n#> 1\n")
        let junit = try CowsimBinary.run(["test", dir.path + "/s", "--junit", dir.path + "/junit.xml"])
        #expect(junit.status == 0)
        #expect(dir.read("junit.xml")?.contains("<testcase classname=\"cowsim\" name=\"\(dir.path)/s/ok.cow\" file=\"\(dir.path)/s/ok.cow\"/>") == true)
        let json = try CowsimBinary.run(["test", dir.path + "/s", "--json"])
        #expect(json.stdout.hasPrefix("{\n  \"passed\": 1,\n  \"failed\": 0,\n"))
    }

    @Test func pipedQuizReadsPlainLines() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        let r = try CowsimBinary.run(["quiz", dir.path + "/hw.cow", "--no-hints"], input: "17/2\n2\n1\nnone\n")
        #expect(r.status == 1)
        #expect(r.stdout == """
            a forks b; b writes one page
            Q1 (2 points): What is the Pss of b?
            answer> 17/2
            wrong: the answer is 2
            Q2 (1 point): Which frame does b map at 0x10000?
            answer> 2
            wrong: the answer is 0
            Q3 (1 point): What frame does b map at 0x20000?
            answer> 1
            wrong: the answer is none
            Score: 0/4 (0 of 3 questions right)

            """)
    }

    // MARK: - cowsim solve

    @Test func solveIsDeterministicAndFollowsTheSeed() throws {
        let path = root + "/Scripts/homework/02-three-generations.cow"
        let a = try CowsimBinary.run(["solve", path, "--seed", "9"])
        let b = try CowsimBinary.run(["solve", path, "--seed", "9"])
        let c = try CowsimBinary.run(["solve", path, "--seed", "10"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout != c.stdout)
        #expect(a.stdout.hasPrefix("Solution sheet: 02-three-generations.cow, seed 9: 8 questions, 12 points\n"))
        let json = try CowsimBinary.run(["solve", path, "--format", "json"])
        #expect(json.stdout.hasPrefix("{\n  \"file\": \"02-three-generations.cow\",\n  \"seed\": \"0\",\n  \"maxScore\": 12,\n"))
        let broken = try CowsimBinary.run(["solve", "/nonexistent/hw.cow"])
        #expect(broken.status == 1)
        #expect(broken.stderr == "/nonexistent/hw.cow: error: cannot read /nonexistent/hw.cow: No such file or directory\n")
    }

    static let homework = files(under: root + "/Scripts/homework", ext: "cow")

    @Test func thereAreSevenHomeworkProblems() {
        #expect(Self.homework == ["01-seed-story.cow", "02-three-generations.cow", "03-shared-library.cow",
                                  "04-zero-page.cow", "05-eager-vs-cow.cow", "06-shared-vs-private.cow", "07-who-sees-what.cow", "08-translation-walk.cow",
                                  "09-fork-tables.cow", "10-swap-shared.cow", "11-belady.cow", "12-lru-vs-opt.cow"])
        let xv6 = files(under: root + "/Scripts/xv6", ext: "cow")
        #expect(xv6 == ["filetest.cow", "manyforks.cow", "simpletest.cow", "threetest.cow"])
    }

    /// CI: the solution sheet checked in next to each problem is exactly what `cowsim solve`
    /// prints now. After changing a problem, regenerate it with
    /// `cowsim solve Scripts/homework/NN-name.cow --format markdown -o Scripts/homework/NN-name.solution.md --replace`.
    @Test(arguments: homework)
    func checkedInSolutionSheetIsCurrent(_ name: String) throws {
        let sheetName = String(name.dropLast(".cow".count)) + ".solution.md"
        let checkedIn = try #require(readText(root + "/Scripts/homework/" + sheetName), "\(sheetName) is missing")
        let r = try CowsimBinary.run(["solve", root + "/Scripts/homework/" + name, "--format", "markdown"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == checkedIn, "\(sheetName) is out of date: regenerate it with cowsim solve")
    }
}
