import Testing
import CowEngine
@testable import CowLanguage

/// `table(P, ADDR, LEVEL)`, `fault(P, ADDR [, read|write])` and `hex(X)`: the walk `translate`
/// prints, as values (issue 13, homework 08). Expected values worked by hand.
@Suite struct WalkFunctionTests {
    /// Two-level: spawn gives p its directory T1. heap 0x400000 (directory entry 1), ro 0x1000000
    /// (entry 4). The write to 0x403000 allocates T2 (entry 1's table) and frame 0; fork gives c
    /// T3 (its directory) and T4 (the copy of T2).
    static let setup = """
        config page-tables two-level
        spawn p
        map p anon 0x400000 pages 4 rw as heap
        map p anon 0x1000000 pages 1 r as ro
        write p 0x403000 7
        fork p as c
        """

    @Test func tableNamesTheTablesOfTheWalk() {
        #expect(value("table(p, 0x403004, 0)", after: Self.setup) == "1")
        #expect(value("table(p, 0x403004, 1)", after: Self.setup) == "2")
        #expect(value("table(c, 0x403004, 0)", after: Self.setup) == "3")
        #expect(value("table(c, 0x403004, 1)", after: Self.setup) == "4")
        // Entry 1's table is there even for a page never touched (0x402000 is in it).
        #expect(value("table(p, 0x402000, 1)", after: Self.setup) == "2")
        // Directory entry 4 is empty: the walk stops at the top.
        #expect(value("table(p, 0x1000000, 0)", after: Self.setup) == "1")
        #expect(value("table(p, 0x1000000, 1)", after: Self.setup) == "none")
        // Nothing allocated yet: the directory alone.
        #expect(value("table(p, 0x403004, 1)", after: "config page-tables two-level\nspawn p\nmap p anon 0x400000 pages 4") == "none")
    }

    @Test func faultSaysWhatTranslateSays() {
        #expect(value("fault(p, 0x403004)", after: Self.setup) == "none")
        #expect(value("fault(p, 0x403004, read)", after: Self.setup) == "none")
        // p's entry is write-protected too after the fork: mapcount 2.
        #expect(value("fault(p, 0x403004, write)", after: Self.setup) == "copy-on-write")
        #expect(value("fault(c, 0x403ffc, write)", after: Self.setup) == "copy-on-write")
        #expect(value("fault(c, 0x403ffc, \"write\")", after: Self.setup) == "copy-on-write")
        #expect(value("fault(c, 0x402000)", after: Self.setup) == "not present")
        #expect(value("fault(c, 0x1000000)", after: Self.setup) == "not present")
        #expect(value("fault(c, 0x1000000, write)", after: Self.setup) == "protection")
        #expect(value("fault(c, 0x800000)", after: Self.setup) == "no region")
        #expect(value("fault(c, 0x404000, write)", after: Self.setup) == "no region")
        // After c's copy-on-write fault its entry is writable: no fault; nothing else changed.
        #expect(value("fault(c, 0x403000, write)", after: Self.setup + "\nwrite c 0x403000 8") == "none")
        #expect(value("faults(c)", after: Self.setup + "\nlet x = fault(c, 0x402000, write)") == "0")
        #expect(value("fault(c, 0x10000, write)", after: "profile linux\nspawn c\nmap c anon 0x10000 pages 1\nread c 0x10000") == "zero page")
        #expect(value("fault(c, 0x10000)", after: "config frames 1\nconfig swap 4\nspawn c\nmap c anon 0x10000 pages 2\nwrite c 0x10000 1\nwrite c 0x11000 2") == "not present")
        #expect(value("swap(c)", after: "config frames 1\nconfig swap 4\nspawn c\nmap c anon 0x10000 pages 2\nwrite c 0x10000 1\nwrite c 0x11000 2") == "1")
    }

    /// 0x403004 is 4206596; 0 is 0x0.
    @Test func hexFormatsAddresses() {
        #expect(value("hex(4206596)") == "0x403004")
        #expect(value("hex(0)") == "0x0")
        #expect(value("\"at {hex(0x400000 + 3 * 4096 + 4)}\"") == "at 0x403004")
    }

    @Test func errors() {
        #expect(firstError(Self.setup + "\necho table(p, 0x403004, 2)") == "t.cow:7:25: error: the level must be between 0 and 1, found 2")
        #expect(firstError(Self.setup + "\necho fault(p, 0x403004, writes)") == "t.cow:7:25: error: the access must be `read` or `write`")
        #expect(firstError(Self.setup + "\necho table(p, 0x403004)").contains("error"))
        #expect(firstError(Self.setup + "\nexit c\necho fault(c, 0x403004)") == "t.cow:8:12: error: c is exited: it has no page tables to walk")
        #expect(firstError(Self.setup + "\necho fault(p, 0x100000000)").contains("beyond the 32-bit address space"))
        #expect(firstError("echo hex(-1)") == "t.cow:1:10: error: hex() takes a whole number not below 0, found -1")
        #expect(firstError("echo hex(1/2)") == "t.cow:1:10: error: the argument of hex must be a whole number, found 1/2")
    }
}
