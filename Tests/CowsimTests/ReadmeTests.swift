import Testing
import CowLanguage
import CowTestSupport

/// README.md shows an example session and the output it prints; this keeps the two true.
@Suite struct ReadmeTests {
    /// The lines of the first fenced block opened by "```" + `info` after the line `heading`.
    func fencedBlock(_ info: String, after heading: String, in text: String) -> [String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let h = lines.firstIndex(of: heading),
              let open = lines[h...].firstIndex(of: "```" + info),
              let close = lines[(open + 1)...].firstIndex(of: "```") else { return nil }
        return Array(lines[(open + 1)..<close])
    }

    @Test func exampleSessionPrintsWhatTheReadmeShows() throws {
        let readme = try #require(readText(root + "/README.md"))
        let script = try #require(fencedBlock("cow", after: "## An example session", in: readme))
        let shown = try #require(fencedBlock("text", after: "## An example session", in: readme))
        #expect(script.count == 10, "the README promises a 10-line session")
        let sink = BufferSink()
        let ok = Session(output: sink).run(source: script.joined(separator: "\n") + "\n", fileName: "README.md")
        #expect(ok)
        #expect(sink.text == shown.joined(separator: "\n") + "\n")
    }

    @Test func readmeHasExactlyTwoSetUpCommandsAndCIRunsTheSecond() throws {
        let readme = try #require(readText(root + "/README.md"))
        let block = try #require(fencedBlock("sh", after: "## Set up", in: readme))
        let commands = block.map { line in
            String(line.prefix(while: { $0 != "#" }).split(separator: " ").joined(separator: " "))
        }
        #expect(commands == ["./dev/start", "./dev/test"])
        let ci = try #require(readText(root + "/.ci/run"))
        #expect(ci.contains("exec ./dev/test"))
    }
}
