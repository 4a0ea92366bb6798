import Testing
import CowLanguage
import CowTestSupport

/// The repository's root directory (this file is Tests/CowsimTests/ScriptTests.swift).
let root: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Files under a directory of the repository with the given extension, sorted, relative to it.
func files(under directory: String, ext: String) -> [String] {
    var result: [String] = []
    var stack = [""]
    while let relative = stack.popLast() {
        let path = relative.isEmpty ? directory : directory + "/" + relative
        for name in listDirectory(path) where !name.hasPrefix(".") {
            let child = relative.isEmpty ? name : relative + "/" + name
            if isDirectory(directory + "/" + child) {
                stack.append(child)
            } else if name.hasSuffix("." + ext) {
                result.append(child)
            }
        }
    }
    return result.sorted()
}

@Suite struct ScriptTests {
    /// Every script shipped under Scripts/ runs to the end without an error or failed expect.
    @Test(arguments: files(under: root + "/Scripts", ext: "cow"))
    func shippedScriptSucceeds(_ relative: String) {
        let sink = BufferSink()
        let session = Session(output: sink)
        let ok = session.run(file: root + "/Scripts/" + relative)
        #expect(ok, "\(relative) failed:\n\(sink.text)")
    }

    @Test func thereAreShippedScripts() {
        let scripts = files(under: root + "/Scripts", ext: "cow")
        #expect(scripts.contains("examples/seed-story.cow"))
        #expect(scripts.contains("scenarios/oom-eager-vs-cow.cow"))
        for n in 1...5 { #expect(scripts.contains("conformance/L\(n).cow")) }
    }

    /// Every script under Tests/CowsimTests/Failing fails with the message its first line names:
    /// `# expect-error: FILE:LINE:COLUMN: error: MESSAGE`.
    @Test(arguments: files(under: root + "/Tests/CowsimTests/Failing", ext: "cow"))
    func failingScriptFails(_ name: String) throws {
        let text = try #require(readText(root + "/Tests/CowsimTests/Failing/" + name))
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
        let prefix = "# expect-error: "
        try #require(firstLine.hasPrefix(prefix), "\(name) lacks its `# expect-error:` line")
        let expected = String(firstLine.dropFirst(prefix.count))
        let sink = BufferSink()
        let session = Session(output: sink)
        let ok = session.run(SourceFile(name: name, text: text, directory: "Failing"))
        #expect(!ok)
        let first = sink.text.split(separator: "\n").first { $0.contains(": error: ") }.map(String.init)
        #expect(first == expected, "\(name) printed:\n\(sink.text)")
    }

    @Test func everyFailingScriptHasADistinctMessage() {
        let names = files(under: root + "/Tests/CowsimTests/Failing", ext: "cow")
        #expect(names.count >= 30)
        let messages = names.compactMap { readText(root + "/Tests/CowsimTests/Failing/" + $0)?.split(separator: "\n").first }
            .map { $0.split(separator: ": error: ").last.map(String.init) ?? "" }
        #expect(Set(messages).count == messages.count)
    }
}
