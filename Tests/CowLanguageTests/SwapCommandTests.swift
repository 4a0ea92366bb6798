import Testing
import CowEngine
@testable import CowLanguage

/// `config swap`, `dump swap`, the swap parts of `dump P`, `smaps` and `stats`, the swap
/// functions and the events of reclaim, swap-in and the out-of-memory killer.
@Suite struct SwapCommandTests {
    /// Four frames, eight slots; heap page 0 (shared by p and c) goes to slot 0 when p fills memory.
    static let sharedSwapped = """
        config frames 4
        config swap 8
        spawn p
        map p anon 0x10000 pages 2 rw as heap
        write p 0x10000 pages 2 7
        fork p as c
        map p anon 0x20000 pages 3 rw as other
        write p 0x20000 pages 3 1
        """

    @Test func configSwapAndTheReclaimEvent() {
        let r = run(Self.sharedSwapped)
        #expect(r.ok)
        #expect(r.lines[1] == "config: swap of 8 pages (a fault that finds no free frame reclaims one)")
        #expect(r.lines.suffix(3) == [
            "fault  p 0x20000..0x22000 (2 pages): demand-zero, new frames 2-3",
            "reclaim frame 0: least recently used (LRU); anonymous page written to swap slot 0, 2 entries now name the slot",
            "fault  p 0x22000: demand-zero, new frame 0",
        ])
    }

    @Test func swapFunctions() {
        #expect(value("swap_used", after: Self.sharedSwapped) == "1")
        #expect(value("swap_total", after: Self.sharedSwapped) == "8")
        #expect(value("swap(c)", after: Self.sharedSwapped) == "1")
        #expect(value("swap(c, heap)", after: Self.sharedSwapped) == "1")
        #expect(value("swap(p, other)", after: Self.sharedSwapped) == "0")
        #expect(value("swap_pss(c)", after: Self.sharedSwapped) == "1/2")
        #expect(value("swap_total", after: "spawn p") == "0")
    }

    @Test func dumpSwapListsSlotsAndWhoRefersToThem() {
        let r = run(Self.sharedSwapped + "\ndump swap")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(4)) == [
            "swap: 1 of 8 slots used; 1 page written to swap, 0 read back",
            "  slot  swap count  value  swap cache  entries",
            "     0           2      7  -           p 0x10000, c 0x10000",
            "swap count: page-table entries naming the slot (a page shared by copy-on-write when it was swapped out has one per sharer); swap cache: the frame holding the slot's page after one of them swapped it back in",
        ])
        #expect(run("dump swap").lines == ["swap: none configured (`config swap PAGES` adds swap space)"])
    }

    @Test func dumpProcessShowsSwapEntries() {
        let r = run(Self.sharedSwapped + "\ndump c")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(3)) == [
            "swap entries: 1 page in swap (`dump swap` lists the slots)",
            "  address  pages  slot  swap count  region",
            "  0x10000      1     0           2  heap",
        ])
    }

    @Test func smapsShowsSwapColumnsOnlyWhenSomethingIsInSwap() {
        let r = run(Self.sharedSwapped + "\nsmaps c\nsmaps p")
        #expect(r.ok)
        let c = r.lines.firstIndex { $0.hasPrefix("smaps of c") } ?? 0
        #expect(Array(r.lines[(c + 1)...(c + 3)]) == [
            "  region  range             Size  Rss  Pss  Pss pages  Shared_Clean  Shared_Dirty  Private_Clean  Private_Dirty  Anonymous  Swap  SwapPss",
            "  heap    0x10000..0x12000     8    4    2        1/2             0             4              0              0          4     4        2",
            "  total                        8    4    2        1/2             0             4              0              0          4     4        2",
        ])
        // Without swap entries (or without swap), the table is the one it always was.
        let plain = run("config frames 4\nconfig swap 8\nspawn p\nmap p anon 0x10000 pages 1 rw as heap\nwrite p 0x10000 1\nsmaps p")
        #expect(plain.lines.contains { $0.hasSuffix("Private_Dirty  Anonymous") })
        #expect(!plain.output.contains("Swap"))
    }

    @Test func swapInEventsMajorThenMinor() {
        let r = run(Self.sharedSwapped + "\nread c 0x10000\nread p 0x10000")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(5)) == [
            "reclaim frame 1: least recently used (LRU); anonymous page written to swap slot 1, 2 entries now name the slot",
            "major  c 0x10000: swap slot 0 read into frame 1 (kept in the swap cache for the other entries)",
            "c 0x10000 = 7",
            "fault  p 0x10000: swap slot 0 found in the swap cache, frame 1 (slot freed)",
            "p 0x10000 = 7",
        ])
    }

    @Test func outOfMemoryKillerEventAndDeath() {
        let r = run("""
            config frames 6
            config swap 1
            spawn big
            spawn small
            map big anon 0x10000 pages 5 rw as heap
            map small anon 0x10000 pages 6 rw as heap
            write big 0x10000 pages 5 1
            write small 0x10000 pages 3 2
            write big 0x10000 1
            """)
        #expect(!r.ok)
        #expect(r.lines.contains("killed big: chosen by the out-of-memory killer, score 5 (Rss 4 + swap 1 + page tables 0), when small faulted at 0x12000 with memory and swap full"))
        #expect(r.lines.contains("t.cow:9:7: error: big (pid 1) was killed by the out-of-memory killer when small faulted at 0x12000; a dead process cannot do anything"))
    }

    @Test func statsShowsSwapOnlyWhenConfigured() {
        #expect(run(Self.sharedSwapped + "\nstats").lines.last == "swap           1 of 8 slots used; 1 page written to swap, 0 read back")
        #expect(!run("spawn p\nstats").output.contains("swap"))
    }

    @Test func badSwapSizesAreErrorsWithPlaces() {
        #expect(firstError("config swap -1") == "t.cow:1:13: error: the number of swap pages must be between 0 and 16777216, found -1")
        #expect(firstError("spawn p\nconfig swap 4").hasPrefix("t.cow:2:1: error: `config` can only change an empty machine"))
        #expect(firstError("config swap") .hasPrefix("t.cow:1:"))
    }

    @Test func configSwapZeroKeepsTheOldBehaviour() {
        let r = run("config frames 2\nconfig swap 0\nspawn s\nmap s anon 0 pages 3\nwrite s 0 pages 3 1\necho alive(s)")
        #expect(r.lines.suffix(3) == ["fault  s 0x0..0x2000 (2 pages): demand-zero, new frames 0-1",
                                      "killed s: out of memory at 0x2000 (no free frame)", "false"])
    }
}
