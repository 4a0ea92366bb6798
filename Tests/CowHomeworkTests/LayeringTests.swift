import Testing
import CowTestSupport

/// Issue 10: grading lives in CowHomework; the language library knows nothing about it.
@Suite struct LayeringTests {
    static let homeworkNames = ["Quiz", "Grade", "GradedQuestion", "AnswerSheet", "SolutionSheet", "TestSuite",
                                "UnifiedDiff", "Transcript.verify", "Problem", "FileTree", "AnswerReader"]

    static func swiftFiles(_ folder: String) -> [String] {
        var found: [String] = []
        var stack = [folder]
        while let dir = stack.popLast() {
            for name in listDirectory(dir) {
                let path = dir + "/" + name
                if isDirectory(path) { stack.append(path) } else if name.hasSuffix(".swift") { found.append(path) }
            }
        }
        return found.sorted()
    }

    @Test func theLanguageLibraryHasNoGrading() throws {
        let files = Self.swiftFiles(repositoryRoot + "/Sources/CowLanguage")
        try #require(!files.isEmpty)
        for file in files {
            let text = readText(file) ?? ""
            for name in Self.homeworkNames {
                #expect(!text.contains("struct \(name)") && !text.contains("class \(name)") && !text.contains("enum \(name)")
                        && !text.contains("protocol \(name)") && !text.contains(" \(name)("),
                        "\(file) mentions \(name)")
            }
        }
        #expect(!isDirectory(repositoryRoot + "/Sources/CowLanguage/Homework"))
    }

    @Test func homeworkDependsOnTheLanguageOnly() throws {
        let manifest = try #require(readText(repositoryRoot + "/Package.swift"))
        #expect(manifest.contains(".target(name: \"CowHomework\", dependencies: [\"CowLanguage\"])"))
        for file in Self.swiftFiles(repositoryRoot + "/Sources/CowHomework") {
            #expect(!(readText(file) ?? "").contains("import CowShell"), "\(file) imports CowShell")
        }
    }
}
