import Testing
import CowEngine
@testable import CowLanguage

// The file commands of issue 11 (pwrite, fsync, sync, truncate, tmpfs files, config readahead)
// and the functions cached() and signal(): output, events, and a file:line:column error for every
// bad input, which changes nothing.
@Suite struct FileCommandTests {
    @Test func pwriteFsyncSyncTruncateAndCached() {
        let r = run("""
            file f pages 4
            pwrite f offset 1 pages 2 7
            echo cached(f)
            fsync f
            pwrite f 3
            sync
            truncate f pages 1
            echo cached(f)
            truncate f pages 6
            """)
        #expect(r.ok, "\(r.output)")
        #expect(r.lines == [
            "file f: 4 pages, on disk",
            "pwrite f pages 1-2 = 7: dirty in the page cache (2 pages added to it)",
            "2",
            "fsync f: 2 pages written back",
            "pwrite f page 0 = 3: dirty in the page cache (1 page added to it)",
            "sync: 1 page written back",
            "truncate f: 4 pages -> 1 page; 2 pages dropped from the page cache, 0 page-table entries unmapped, 2 frames freed",
            "1",
            "truncate f: 1 page -> 6 pages",
        ])
        #expect(r.session.machine.file(named: "f")?.pages == 6)
    }

    @Test func readaheadAndSigbusEvents() {
        let r = run("""
            profile linux
            file f pages 8
            spawn p
            map p file f 0x10000 pages 10 rw
            read p 0x13000
            write p 0x18000 1
            echo signal(p)
            """)
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.suffix(5) == [
            "ahead  p: pages 0-7 of f read from disk in one I/O (readahead)",
            "major  p 0x13000: read from disk into frame 3, 8 pages mapped (fault-around)",
            "p 0x13000 = 0",
            "killed p: SIGBUS at 0x18000 (past the end of file f)",
            "SIGBUS",
        ])
        #expect(value("signal(p)", after: "spawn p") == "none")
        #expect(value("signal(p) == none", after: "spawn p\nread p 0x5000") == "false")
        #expect(value("signal(p)", after: "spawn p\nread p 0x5000") == "SIGSEGV")
    }

    @Test func tmpfsFileAndConfigReadahead() {
        let r = run("file t pages 2 tmpfs\nconfig readahead 4\nprofile linux\nconfig readahead 0\nfsync t")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines == [
            "file t: 2 pages, tmpfs (page cache only, every page a hole)",
            "config: readahead 4 pages per major fault (under profile linux)",
            "profile linux: cow-reuse on, fault-around on, fork-skip on, zero-page on",
            "config: readahead 0 pages per major fault",
            "fsync t: a tmpfs file is never written back",
        ])
        #expect(r.session.machine.file(named: "t")?.isTmpfs == true)
        #expect(r.session.machine.config.readaheadPages == 0)
    }

    @Test func badInputIsRefusedAtTheArgumentAndChangesNothing() {
        let setup = "file f pages 4\nlibrary libc text 2 data 1\n"
        #expect(firstError(setup + "truncate nope pages 1") == "t.cow:3:10: error: no file or library called `nope`; known: f, libc")
        #expect(firstError(setup + "truncate libc pages 1") == "t.cow:3:10: error: libc is a library: only plain files can be truncated")
        #expect(firstError(setup + "truncate f pages -1").hasPrefix("t.cow:3:18: error: "))
        #expect(firstError(setup + "pwrite f offset 3 pages 2 1") == "t.cow:3:17: error: pages 3-4 go past the end of f, which has 4 pages")
        #expect(firstError(setup + "pwrite f offset -1 1").hasPrefix("t.cow:3:17: error: "))
        #expect(firstError(setup + "pwrite f pages 0 1").hasPrefix("t.cow:3:16: error: "))
        #expect(firstError(setup + "pwrite nope 1") == "t.cow:3:8: error: no file or library called `nope`; known: f, libc")
        #expect(firstError(setup + "fsync nope") == "t.cow:3:7: error: no file or library called `nope`; known: f, libc")
        #expect(firstError(setup + "file f pages 2 tmpfs") == "t.cow:3:6: error: a file called `f` already exists")
        #expect(firstError(setup + "config readahead 70000") == "t.cow:3:18: error: readahead must be between 0 and 65536 pages, got 70000")
        #expect(firstError(setup + "echo cached(nope)") == "t.cow:3:13: error: no file or library called `nope`; known: f, libc")
        #expect(firstError(setup + "pwrite f") .contains("error: "))
        // Nothing changed: f still has 4 pages, none cached.
        let r = run(setup + "expect-error pwrite f offset 3 pages 2 1\nexpect-error truncate libc pages 1\nexpect cached(f) == 0 and cached(libc) == 0")
        #expect(r.ok, "\(r.output)")
        #expect(r.session.machine.file(named: "f")?.pages == 4)
    }
}
