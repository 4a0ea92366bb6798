#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport
@testable import CowShell

@Suite("History file")
struct HistoryTests {
    @Test("XDG_STATE_HOME wins when absolute; else ~/.local/state; else nowhere")
    func pathChoice() {
        #expect(History.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/cowsim/history")
        #expect(History.defaultPath(environment: ["XDG_STATE_HOME": "/s/", "HOME": "/h"]) == "/s/cowsim/history")
        #expect(History.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/cowsim/history")
        #expect(History.defaultPath(environment: ["XDG_STATE_HOME": "", "HOME": "/h"]) == "/h/.local/state/cowsim/history")
        #expect(History.defaultPath(environment: ["HOME": "/home/ada"]) == "/home/ada/.local/state/cowsim/history")
        #expect(History.defaultPath(environment: [:]) == nil)
    }

    @Test("blank lines and immediate repeats are not recorded; entries are trimmed")
    func addRules() {
        let history = History(path: nil, warn: { _ in })
        #expect(history.add("spawn shell"))
        #expect(!history.add("   "))
        #expect(!history.add("spawn shell"))
        #expect(history.add("  dump shell  "))
        #expect(history.add("spawn shell"))
        #expect(history.entries == ["spawn shell", "dump shell", "spawn shell"])
    }

    @Test("capped at 1000 entries: the oldest go first")
    func capping() {
        let history = History(path: nil, warn: { _ in })
        for index in 1...1005 { history.add("echo \(index)") }
        #expect(history.entries.count == 1000)
        #expect(history.entries.first == "echo 6")
        #expect(history.entries.last == "echo 1005")
    }

    @Test("save creates the directories and a 0600 file, one entry a line; load reads it back capped")
    func saveAndLoad() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/state/cowsim/history"
        let history = History(path: path, capacity: 3, warn: { _ in })
        for line in ["a", "b", "c", "d"] { history.add(line) }
        history.save()
        #expect(readText(path) == "b\nc\nd\n")
        #expect(fileMode(path) == 0o600)
        #expect(fileMode(directory.path + "/state/cowsim") == 0o700)

        writeText(path, "1\n2\n\n3\n4\n5\n")
        let reloaded = History(path: path, capacity: 3, warn: { _ in })
        reloaded.load()
        #expect(reloaded.entries == ["3", "4", "5"])
    }

    @Test("an existing file with loose permissions is rewritten as 0600")
    func tightensMode() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/history"
        writeText(path, "old\n")
        chmod(path, 0o644)
        let history = History(path: path, warn: { _ in })
        history.load()
        history.add("new")
        history.save()
        #expect(readText(path) == "old\nnew\n")
        #expect(fileMode(path) == 0o600)
    }

    @Test("a missing file is an empty history, without a warning")
    func missingFileIsSilent() throws {
        let directory = try TemporaryDirectory()
        var warnings: [String] = []
        let history = History(path: directory.path + "/none/history", warn: { warnings.append($0) })
        history.load()
        #expect(history.entries.isEmpty)
        #expect(warnings.isEmpty)
    }

    @Test("a file that cannot be written gives exactly one warning however often it is saved")
    func unwritableWarnsOnce() throws {
        let directory = try TemporaryDirectory()
        writeText(directory.path + "/blocker", "not a directory\n")
        var warnings: [String] = []
        let history = History(path: directory.path + "/blocker/cowsim/history", warn: { warnings.append($0) })
        history.load()
        history.add("spawn shell")
        history.save()
        history.save()
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("cowsim: warning: cannot write history file \(directory.path)/blocker/cowsim/history") == true)
        #expect(history.hasWarned)
    }

    @Test("no home directory at all: one warning at save, nothing written")
    func noPathWarnsOnce() {
        var warnings: [String] = []
        let history = History(path: nil, warn: { warnings.append($0) })
        history.add("x")
        history.save()
        history.save()
        #expect(warnings.count == 1)
    }
}
