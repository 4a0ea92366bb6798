import Testing
import CowEngine
@testable import CowLanguage

@Suite struct ExpressionTests {
    @Test func exactRationalArithmetic() {
        #expect(value("1 / 3 + 1 / 6") == "1/2")
        #expect(value("64 / 3") == "64/3")
        #expect(value("-7 / 2") == "-7/2")
        #expect(value("2 * (3 + 4) - 10 / 5") == "12")
        #expect(value("0.5 + 0.25") == "3/4")
        #expect(value("17 % 5") == "2")
        #expect(value("-17 % 5") == "-2")
        #expect(value("0x10 + 1") == "17")
        #expect(value("n-1", after: "let n = 10") == "9")
    }

    @Test func comparisonsAndLogic() {
        #expect(value("1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 4") == "false")
        #expect(value("1 == 1 or 1 / 0 == 1") == "true")        // short circuit
        #expect(value("not (1 != 1)") == "true")
        #expect(value("none == none") == "true")
        #expect(value("1 / 2 == 2 / 4") == "true")
        #expect(value("true == false") == "false")
        #expect(value("\"a\" == \"a\"") == "true")
    }

    @Test func overflowAndDivisionAreErrors() {
        #expect(value("9223372036854775807 * 2").hasSuffix("arithmetic overflow: the result does not fit in 64 bits"))
        #expect(value("-(-9223372036854775807 - 1)").hasSuffix("arithmetic overflow: the result does not fit in 64 bits"))
        #expect(value("1 / 0").hasSuffix("division by zero"))
        #expect(value("5 % 0").hasSuffix("remainder of a division by zero"))
        #expect(value("(-9223372036854775807 - 1) % -1") == "0")
        #expect(value("1 / 2 % 2").hasSuffix("`%` needs whole numbers, found 1/2 % 2"))
        #expect(value("1 + true").hasSuffix("expected a number, found a true/false value"))
        #expect(value("not 3").hasSuffix("expected a condition (true or false), found a number (3)"))
    }

    /// A machine with known figures: textbook profile, a writes 4 pages, forks b, b writes one.
    static let setup = """
        file f pages 4 cached
        spawn a
        map a anon 0x10000 pages 4 as heap
        map a file f 0x20000 pages 2 as text
        write a 0x10000 pages 4 1
        read a 0x20000 pages 2
        fork a as b
        write b 0x10000 2
        """

    @Test func usageFunctionsAndRegions() {
        // a: heap 4 pages (page 0 private, 3 shared with b), text 2 pages shared with b (clean).
        #expect(value("rss(a)", after: Self.setup) == "6")
        #expect(value("pss(a)", after: Self.setup) == "7/2")      // 1 + 3/2 + 2/2
        #expect(value("uss(a)", after: Self.setup) == "1")
        #expect(value("shared_clean(a)", after: Self.setup) == "2")
        #expect(value("shared_dirty(a)", after: Self.setup) == "3")
        #expect(value("private_clean(a)", after: Self.setup) == "0")
        #expect(value("private_dirty(a)", after: Self.setup) == "1")
        #expect(value("anonymous(a)", after: Self.setup) == "4")
        #expect(value("size(a)", after: Self.setup) == "6")
        #expect(value("rss(b, heap)", after: Self.setup) == "4")
        #expect(value("pss(b, text)", after: Self.setup) == "1")
        #expect(value("anonymous(b, text)", after: Self.setup) == "0")
        #expect(value("size(b, text)", after: Self.setup) == "2")
        #expect(value("rss(2)", after: Self.setup) == "6")
        #expect(value("rss(\"b\")", after: Self.setup) == "6")
        #expect(value("rss(who)", after: Self.setup + "\nlet who = 2") == "6")
    }

    @Test func counters() {
        // a: 4 write faults + 2 read faults; b: 1 copy-on-write fault.
        #expect(value("faults(a)", after: Self.setup) == "6")
        #expect(value("minor_faults(a)", after: Self.setup) == "6")
        #expect(value("major_faults(a)", after: Self.setup) == "0")
        #expect(value("copies(b)", after: Self.setup) == "1")
        #expect(value("reuses(b)", after: Self.setup) == "0")
        // b copied page 0 away, so a is the only user of its frame: its write there reuses it.
        #expect(value("reuses(a)", after: Self.setup + "\nwrite a 0x10000 3") == "1")
        #expect(value("copies(a)", after: Self.setup + "\nwrite a 0x11000 3") == "1")
        #expect(value("major_faults(c)", after: "file g pages 2\nspawn c\nmap c file g 0 pages 2\nread c 0 pages 2") == "2")
    }

    @Test func pageFunctions() {
        // Frames 0-3 are f's page cache; a's heap got frames 4-7; b copied page 0 into frame 8.
        #expect(value("frame(a, 0x10000)", after: Self.setup) == "4")
        #expect(value("frame(b, 0x10000)", after: Self.setup) == "8")
        #expect(value("frame(b, 0x10fff)", after: Self.setup) == "8")
        #expect(value("frame(b, 0x30000)", after: Self.setup) == "none")
        #expect(value("mapcount(a, 0x11000)", after: Self.setup) == "2")
        #expect(value("mapcount(a, 0x10000)", after: Self.setup) == "1")
        #expect(value("mapcount(a, 0x90000)", after: Self.setup) == "0")
        #expect(value("value(b, 0x10000)", after: Self.setup) == "2")
        #expect(value("value(a, 0x10000)", after: Self.setup) == "1")
        #expect(value("value(a, 0x90000)", after: Self.setup) == "none")
        #expect(value("alive(b)", after: Self.setup) == "true")
        #expect(value("alive(b)", after: Self.setup + "\nexit b") == "false")
        #expect(value("rss(b)", after: Self.setup + "\nexit b") == "0")
        #expect(value("copies(b)", after: Self.setup + "\nexit b") == "1")
        #expect(value("pid(b)", after: Self.setup) == "2")
        #expect(value("frame(z, 0)", after: "profile linux\nspawn z\nmap z anon 0 pages 1\nread z 0") == "256")
        #expect(value("zero_page") == "256")
        #expect(value("value(z, 0)", after: "profile linux\nspawn z\nmap z anon 0 pages 1\nread z 0") == "0")
    }

    @Test func machineFunctions() {
        #expect(value("frames_used", after: Self.setup) == "9")
        #expect(value("frames_free()", after: Self.setup) == "247")
        #expect(value("frames_total", after: Self.setup) == "256")
        #expect(value("frames_anonymous", after: Self.setup) == "5")
        #expect(value("frames_page_cache", after: Self.setup) == "4")
        #expect(value("page_size") == "4096")
        // Sharing: a maps 6, b maps 6 = 12 entries on 9 distinct... minus unmapped cache pages:
        // distinct frames mapped = a's 6 + b's private copy = 7, so sharing saves 12 - 7 = 5.
        #expect(value("saved_by_sharing", after: Self.setup) == "5")
    }

    @Test func numberFunctions() {
        #expect(value("min(3, 1/2, 7)") == "1/2")
        #expect(value("max(3, 1/2, 7)") == "7")
        #expect(value("abs(-5/2)") == "5/2")
        #expect(value("floor(7/2)") == "3")
        #expect(value("floor(-7/2)") == "-4")
        #expect(value("ceil(7/2)") == "4")
        #expect(value("ceil(-7/2)") == "-3")
        #expect(value("floor(4)") == "4")
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // splitmix64.c (Vigna) with x = 0 prints these first three values.
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(g.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func randomIsSeededAndInRange() {
        // Seed 0: first draw 0xE220A8397B1DCDAF; below 10 there is no rejection (the tail is 6
        // values), so random(1, 10) = 1 + 0xE220A8397B1DCDAF % 10 = 1 + 5 = 6.
        #expect(run("echo random(1, 10)").lines == ["6"])
        let a = run("echo \"{random(1, 1000)} {random(1, 1000)} {choose(10, 20, 30)}\"", options: SessionOptions(seed: 42))
        let b = run("echo \"{random(1, 1000)} {random(1, 1000)} {choose(10, 20, 30)}\"", options: SessionOptions(seed: 42))
        #expect(a.lines == b.lines)
        let c = run("echo \"{random(1, 1000)} {random(1, 1000)} {choose(10, 20, 30)}\"", options: SessionOptions(seed: 43))
        #expect(a.lines != c.lines)
        let many = run("let ok = true\nrepeat 200\n  let x = random(-3, 3)\n  let ok = ok and x >= -3 and x <= 3\nend\necho ok")
        #expect(many.lines == ["true"])
        #expect(value("random(5, 5)") == "5")
        #expect(value("choose(\"ls\")") == "ls")
        var g = SplitMix64(seed: 9)
        #expect(g.next(in: Int.min, Int.max) != g.next(in: Int.min, Int.max))
    }

    @Test func functionErrors() {
        #expect(value("rss()").hasSuffix("`rss` takes 1 or 2 arguments (rss(P [, REGION])), found 0"))
        #expect(value("frame(a)", after: "spawn a").hasSuffix("`frame` takes 2 arguments (frame(P, ADDR)), found 1"))
        #expect(value("faults(a, b)", after: "spawn a").hasSuffix("`faults` takes 1 argument (faults(P)), found 2"))
        #expect(value("rss(nobody)", after: "spawn a").hasSuffix("no process named `nobody`; known: a"))
        #expect(value("rss(7)", after: "spawn a").hasSuffix("no process with pid 7"))
        #expect(value("rss(a, h)", after: "spawn a").hasSuffix("a has no region named `h`; it has no regions"))
        #expect(value("choose()").hasSuffix("`choose` needs at least one argument"))
        #expect(value("frames_usd").hasSuffix("unknown variable `frames_usd`"))
        #expect(value("rss").hasSuffix("unknown variable `rss`"))
        #expect(value("frame(a, -1)", after: "spawn a").hasSuffix("an address cannot be negative, found -1"))
    }
}
