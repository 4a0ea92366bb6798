import CowTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The repository's root (this file is Tests/CowKernelTests/BackendCommandTests.swift).
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    return path
}()

let conformanceScripts = ["L1", "L2", "L3", "L4", "L5"].map { "\(repositoryRoot)/Scripts/conformance/\($0).cow" }

/// `cowsim kernel` and `cowsim compare`, run as a student runs them: the built binary.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(5)))
struct BackendCommandTests {
    @Test func everyConformanceScriptPassesOnTheKernel() throws {
        for script in conformanceScripts {
            let result = try CowsimBinary.run(["kernel", script], timeout: .seconds(120))
            #expect(result.status == 0, "\(script):\n\(result.stdout)\(result.stderr)")
            // the answers come from the kernel: the simulator's event lines are not shown
            #expect(!result.stdout.contains("demand-zero") && !result.stdout.contains("copy-on-write, frame"))
        }
    }

    @Test func compareFindsNoDisagreementOnTheConformanceScripts() throws {
        let result = try CowsimBinary.run(["compare"] + conformanceScripts, timeout: .seconds(180))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summaries = result.stdout.split(separator: "\n").filter { $0.hasSuffix(" agree") }
        #expect(summaries.count == 5)
        for line in summaries {
            let words = line.split(separator: " ")
            // "N figures compared, N agree", N well above zero
            #expect(words.count == 5 && words[0] == words[3] && (Int(words[0]) ?? 0) > 100, "\(line)")
        }
    }

    @Test func compareShowsEveryDisagreementWithItsLineAndFailsTheRun() throws {
        let scratch = try TemporaryDirectory()
        // MADV_FREE: the simulator frees at once (as if reclaim came), the kernel lazily.
        #expect(scratch.write("free.cow", """
            profile linux
            spawn p
            map p anon 0x10000 pages 2 rw as heap
            write p 0x10000 pages 2 1
            advise p 0x10000 pages 2 free

            """))
        let text = try CowsimBinary.run(["compare", scratch.path + "/free.cow"], timeout: .seconds(60))
        #expect(text.status == 1)
        #expect(text.stdout.contains("free.cow:5: advise p 0x10000 pages 2 free\n"), "\(text.stdout)")
        #expect(text.stdout.contains("  p        heap    Rss kB                    0       8\n"), "\(text.stdout)")
        #expect(!text.stdout.contains("free.cow:4:"), "the write agrees: \(text.stdout)")
        let json = try CowsimBinary.run(["compare", "--json", scratch.path + "/free.cow"], timeout: .seconds(60))
        #expect(json.status == 1)
        #expect(json.stdout.contains(#""line":5,"statement":"advise p 0x10000 pages 2 free","process":"p","region":"heap","figure":"Rss kB","simulator":"0","kernel":"8""#), "\(json.stdout)")
        #expect(json.stdout.hasPrefix("[{\"file\":") && json.stdout.contains("\"completed\":true"))
    }

    @Test func commandsWithoutAKernelMeaningAreRefusedOrIgnoredWithANote() throws {
        let scratch = try TemporaryDirectory()
        #expect(scratch.write("notes.cow", "profile textbook\nset fork cow\ncheck\necho \"still here\"\n"))
        let notes = try CowsimBinary.run(["kernel", scratch.path + "/notes.cow"])
        #expect(notes.status == 0)
        #expect(notes.stdout.contains("profile textbook: ignored on the kernel backend"))
        #expect(notes.stdout.contains("fork mode: the kernel forks copy-on-write"))
        #expect(notes.stdout.contains("check: the simulator's invariants; the kernel backend has none to check (ignored)"))
        #expect(notes.stdout.contains("still here"))
        for (line, name) in [("config frames 64", "config frames"), ("set fork eager", "set fork"), ("dump frames", "dump frames"),
                             ("config page-size 8192", "config page-size"), ("dump frame 3", "dump frame")] {
            #expect(scratch.write("bad.cow", "echo \"before\"\n\(line)\n"))
            let result = try CowsimBinary.run(["kernel", scratch.path + "/bad.cow"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("bad.cow:2:1: error: unsupported on the kernel backend: `\(name)`"), "\(line): \(result.stderr)")
        }
    }

    @Test func withoutRootFrameFiguresSayTheyNeedRootAndTheRestWorks() throws {
        let scratch = try TemporaryDirectory()
        #expect(scratch.write("p.cow", """
            spawn p
            map p anon 0x10000 pages 4 rw as heap
            write p 0x10000 pages 4 7
            fork p as c
            expect rss(c) == 4 and pss(c) == 2 and faults(p) == 4 and value(c, 0x11000) == 7
            read c 0x10000
            echo "figures fine"
            expect frame(p, 0x10000) != none

            """))
        let result = try CowsimBinary.run(["kernel", "--unprivileged", scratch.path + "/p.cow"], timeout: .seconds(60))
        #expect(result.status == 1)
        #expect(result.stdout.contains("figures fine") && result.stdout.contains("c 0x10000 = 7"), "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("p.cow:8:8: error: frame() needs root"), "\(result.stderr)")
        for figure in ["mapcount(p, 0x10000)", "copies(p)", "reuses(c)", "frames_used"] {
            #expect(scratch.write("q.cow", "spawn p\nexpect \(figure) == 0\n"))
            let r = try CowsimBinary.run(["kernel", "--unprivileged", scratch.path + "/q.cow"])
            #expect(r.status == 1 && r.stderr.contains("needs root"), "\(figure): \(r.stderr)")
        }
    }

    @Test func smapsAndStatsAreAnsweredFromTheKernel() throws {
        let scratch = try TemporaryDirectory()
        #expect(scratch.write("s.cow", """
            spawn p
            map p anon 0x10000 pages 64 rw as mem
            write p 0x10000 pages 64 1
            fork p as c
            write c 0x10000..0x18000 2
            smaps c
            stats

            """))
        let result = try CowsimBinary.run(["kernel", scratch.path + "/s.cow"], timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        // L1's figures after the child's 8 copies (conformance README), in the simulator's format
        #expect(result.stdout.contains("smaps of c (pid 2): sizes in kB as /proc/2/smaps prints them; Pss pages exact\n"))
        #expect(result.stdout.contains("  mem     0x10000..0x50000   256  256  144         36             0           224              0             32        256\n"), "\(result.stdout)")
        #expect(result.stdout.contains("faults         72 minor, 0 major\n"), "\(result.stdout)")
        #expect(result.stdout.contains("copy-on-write  8 copies, 0 reuses\n"), "\(result.stdout)")
        #expect(result.stdout.contains("frames         72 used by the script's processes (anonymous 72, page cache and shared memory 0)\n"), "\(result.stdout)")
    }

    @Test func needsAFileOrSaysWhatItNeeds() throws {
        let result = try CowsimBinary.run(["compare"])
        #expect(result.status != 0 && result.stderr.contains("Missing expected argument '<file> ...'"))
    }
}

/// Every participant ends and the temporary folder goes, however the run ends.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(2)))
struct BackendCleanupTests {
    /// Pids of the processes descending from `root` (from /proc/*/stat).
    static func descendants(of root: pid_t) -> Set<pid_t> {
        var parent: [pid_t: pid_t] = [:]
        for entry in listDirectory("/proc") {
            guard let pid = pid_t(entry), let stat = readText("/proc/\(entry)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = pid_t(fields[1]) { parent[pid] = ppid }
        }
        var found: Set<pid_t> = []
        var changed = true
        while changed {
            changed = false
            for (pid, ppid) in parent where !found.contains(pid) && (ppid == root || found.contains(ppid)) {
                found.insert(pid)
                changed = true
            }
        }
        return found
    }

    static func alive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    @Test func ctrlCKillsEveryParticipantAndRemovesTheFolder() throws {
        let scratch = try TemporaryDirectory()
        let tmp = scratch.path + "/tmp"
        #expect(mkdir(tmp, 0o755) == 0)
        #expect(scratch.write("long.cow", """
            spawn p
            map p anon 0x10000 pages 4 rw
            fork p as c
            file f pages 4
            echo "ready"
            repeat 100000000
              write c 0x10000 1
            end

            """))
        let terminal = try PseudoTerminal(executable: try CowsimBinary.require(), arguments: ["kernel", scratch.path + "/long.cow"],
                                          environment: ["TMPDIR": tmp, "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "dumb"])
        #expect(terminal.waitFor("ready", timeout: .seconds(30)))
        let participants = BackendCleanupTests.descendants(of: terminal.pid)
        #expect(participants.count == 2, "participants: \(participants)")
        #expect(listDirectory(tmp).count == 1)
        terminal.send("\u{03}")
        #expect(terminal.waitForExit(timeout: .seconds(30)) == 130)
        #expect(terminal.screenText.contains("interrupted"), "\(terminal.screenText)")
        for pid in participants { #expect(!BackendCleanupTests.alive(pid), "participant \(pid) still there") }
        #expect(listDirectory(tmp).isEmpty, "left behind: \(listDirectory(tmp))")
    }

    @Test func anErrorEndsTheRunCleanly() throws {
        let scratch = try TemporaryDirectory()
        let tmp = scratch.path + "/tmp"
        #expect(mkdir(tmp, 0o755) == 0)
        #expect(scratch.write("bad.cow", "spawn p\nfork p as c\nfile f pages 2\nexpect rss(p) == 1\n"))
        let result = try CowsimBinary.run(["kernel", scratch.path + "/bad.cow"], environment: ["TMPDIR": tmp, "PATH": "/usr/bin:/bin"])
        #expect(result.status == 1 && result.stderr.contains("bad.cow:4:8: error: expectation failed: rss(p) == 1"), "\(result.stderr)")
        #expect(listDirectory(tmp).isEmpty, "left behind: \(listDirectory(tmp))")
    }
}
