import Testing
import CowLanguage
import CowTestSupport

/// Issue 15 against the built binary: the README's picture is current, `cowsim html` writes a
/// lesson and never clobbers, and the REPL draws at 80 columns in a pseudo-terminal.
@Suite struct PictureBinaryTests {
    /// The command the README documents, run into a temporary file, must give docs/seed-story.svg.
    @Test func readmePictureIsCurrent() throws {
        let readme = try #require(readText(root + "/README.md"))
        let command = "cowsim --quiet Scripts/examples/seed-story.cow -c 'draw to docs/seed-story.svg replace'"
        #expect(readme.contains(".build/debug/" + command), "README no longer documents how to regenerate the picture")
        #expect(readme.contains("](docs/seed-story.svg)"))
        let directory = try TemporaryDirectory()
        let fresh = directory.path + "/seed-story.svg"
        let r = try CowsimBinary.run(["--quiet", root + "/Scripts/examples/seed-story.cow", "-c", "draw to \(fresh) replace"])
        #expect(r.status == 0, "\(r.stderr)")
        let checkedIn = try #require(readText(root + "/docs/seed-story.svg"))
        #expect(readText(fresh) == checkedIn,
                "docs/seed-story.svg is stale: run .build/debug/\(command)")
    }

    @Test func htmlWritesOneSelfContainedPageAndNeverClobbers() throws {
        let directory = try TemporaryDirectory()
        let page = directory.path + "/lesson.html"
        let r = try CowsimBinary.run(["html", root + "/Scripts/examples/seed-story.cow", "-o", page])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote \(page): 31 steps, 10 different pictures, 0 questions\n")
        let text = try #require(readText(page))
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        // Self-contained: nothing is fetched (no src= or href= to anything, no @import).
        #expect(!text.contains(" src=") && !text.contains(" href=") && !text.contains("@import"))
        #expect(text.contains("<svg") || text.contains("\\u003csvg"))
        // An existing file is kept unless --replace is given.
        #expect(writeText(page, "mine\n"))
        let refused = try CowsimBinary.run(["html", root + "/Scripts/examples/seed-story.cow", "-o", page])
        #expect(refused.status == 1)
        #expect(refused.stderr == "\(page): error: cannot write \(page): it exists; --replace replaces it\n")
        #expect(readText(page) == "mine\n")
        let replaced = try CowsimBinary.run(["html", root + "/Scripts/examples/seed-story.cow", "-o", page, "--replace"])
        #expect(replaced.status == 0)
        #expect(readText(page)?.hasPrefix("<!DOCTYPE html>") == true)
    }

    @Test func htmlOfAFailingScriptSaysWhereItStopped() throws {
        let directory = try TemporaryDirectory()
        let script = directory.path + "/bad.cow"
        #expect(writeText(script, "spawn a\nwrite b 0x1000 1\n"))
        let r = try CowsimBinary.run(["html", script, "-o", directory.path + "/bad.html"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("\(script):2:7: error: no process named `b`"), "\(r.stderr)")
        #expect(readText(directory.path + "/bad.html")?.contains("The script stopped with an error") == true)
    }
}
