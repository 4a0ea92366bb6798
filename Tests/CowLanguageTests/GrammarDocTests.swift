import Testing
@testable import CowLanguage

/// Grammar.md cannot drift: every ```cow block in it must parse without a diagnostic.
@Suite struct GrammarDocTests {
    static func cowBlocks() -> [String] {
        guard let text = readRepositoryFile("Grammar.md") else { return [] }
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingPrefixSpaces == "```cow" {
                current = []
            } else if current != nil, line.trimmingPrefixSpaces == "```" {
                blocks.append((current ?? []).joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func grammarHasExamples() {
        #expect(Self.cowBlocks().count >= 15)
    }

    @Test(arguments: cowBlocks())
    func exampleParses(_ block: String) {
        let (statements, diagnostics) = Parser.parse(SourceFile(name: "Grammar.md", text: block))
        #expect(diagnostics.isEmpty, "\(diagnostics.map { $0.rendered() })")
        #expect(!statements.isEmpty)
    }

    @Test func everyCommandHasAnExample() {
        let firstWords = Set(Self.cowBlocks().flatMap { $0.split(separator: "\n") }
            .map { $0.trimmingPrefixSpaces.split(separator: " ").first.map(String.init) ?? "" })
        for name in CommandCatalog.names { #expect(firstWords.contains(name), "no example of \(name) in Grammar.md") }
    }

    @Test func everyCommandIsDocumented() throws {
        let text = try #require(readRepositoryFile("Grammar.md"))
        for name in CommandCatalog.names { #expect(text.contains("`\(name)"), "Grammar.md does not mention \(name)") }
        for f in FunctionCatalog.names { #expect(text.contains(f), "Grammar.md does not mention function \(f)") }
    }
}

extension Substring {
    var trimmingPrefixSpaces: Substring { drop(while: { $0 == " " }) }
}
