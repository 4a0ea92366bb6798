import CowEngine
import CowKernel
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The file half of issue 11 on the host kernel: the same figures as FileStateTests (worked out by
// hand there), measured on real processes. pwrite, fsync and ftruncate are made by the
// controller on the file it holds; tmpfs files are nameless files on /dev/shm (shmem, as memfd).
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(2)))
struct KernelFilesTests {
    @Test func pwriteDirtiesThePageCacheAMappingReadsItFsyncCleans() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 8, cached: false)
        try host.writeFile(f, pages: 2..<4, value: 7)
        #expect(try host.cachedPageNumbers(f) == [2, 3])
        let p = try host.spawn("P")
        try host.map(p, at: 0x100000, pages: 8, backing: .file(f, offset: 0), permissions: .read, shared: true)
        let read = try host.read(p, at: 0x102000, pages: 2)
        #expect(read.values == [7, 7] && read.minorFaults == 1 && read.majorFaults == 0)
        #expect(try host.row(p) == Row(rss: 2, pss: 2, privateDirty: 2))
        try host.syncFile(f)
        #expect(try host.row(p) == Row(rss: 2, pss: 2, privateClean: 2))
        // Written back: after evicting the unmapped file, a new mapping reads the values from disk,
        // the whole 8-page file in one major fault (readahead), fault-around mapping all 8.
        try host.unmap(p, at: 0x100000, pages: 8)
        try host.dropCache(f)
        #expect(try host.cachedPages(f) == 0)
        try host.map(p, at: 0x100000, pages: 8, backing: .file(f, offset: 0), permissions: .read, shared: true)
        let again = try host.read(p, at: 0x100000, pages: 8)
        #expect(again.values == [0, 0, 7, 7, 0, 0, 0, 0] && again.majorFaults == 1 && again.minorFaults == 0)
    }

    @Test func writeNotificationSurvivesPwriteAndFsyncRearmsIt() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 1, cached: true)
        let p = try host.spawn("P")
        try host.map(p, at: 0x100000, pages: 1, backing: .file(f, offset: 0), permissions: .readWrite, shared: true)
        _ = try host.read(p, at: 0x100000, pages: 1)
        try host.writeFile(f, pages: 0..<1, value: 5)
        let seen = try host.read(p, at: 0x100000, pages: 1)
        #expect(seen.values == [5] && seen.minorFaults == 0)
        #expect(try host.write(p, at: 0x100000, pages: 1, value: 6).minorFaults == 1)
        try host.syncFile(f)
        #expect(try host.write(p, at: 0x100000, pages: 1, value: 7).minorFaults == 1)
    }

    @Test func truncateUnmapsEveryMappingAndLaterAccessesGetSigbus() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 8, contents: [0, 0, 0, 0, 0, 9, 0, 0], cached: true)
        let p = try host.spawn("P"), q = try host.spawn("Q")
        try host.map(p, at: 0x100000, pages: 8, backing: .file(f, offset: 0), permissions: .readWrite)
        try host.map(q, at: 0x200000, pages: 8, backing: .file(f, offset: 0), permissions: .read, shared: true)
        #expect(try host.read(p, at: 0x100000, pages: 8).values == [0, 0, 0, 0, 0, 9, 0, 0])
        _ = try host.write(p, at: 0x106000, pages: 1, value: 4)
        _ = try host.read(q, at: 0x200000, pages: 8)
        try host.truncateFile(f, pages: 4)
        // P keeps pages 0-3 only (its private copy of page 6 is gone too), Q the same.
        #expect(try host.row(p).rss == 4 && host.row(q).rss == 4)
        #expect(try host.smaps(p, from: 0x100000, to: 0x108000).size == 32)
        #expect(try host.cachedPageNumbers(f) == [0, 1, 2, 3])
        #expect(try host.read(q, at: 0x204000, pages: 1).killedBy == SIGBUS)
        // Growing back: pages 4-7 read zeros (page 5's 9 was cut off), one major fault for all four.
        try host.truncateFile(f, pages: 8)
        let grown = try host.read(p, at: 0x104000, pages: 4)
        #expect(grown.values == [0, 0, 0, 0] && grown.majorFaults == 1 && grown.minorFaults == 0)
    }

    @Test func tmpfsPagesAreFaultedInNeverWrittenBackNorDropped() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let t = try host.createTmpfsFile("t", pages: 4)
        #expect(try host.cachedPages(t) == 0)
        let p = try host.spawn("P")
        try host.map(p, at: 0x100000, pages: 4, backing: .file(t, offset: 0), permissions: .readWrite, shared: true)
        let hole = try host.read(p, at: 0x100000, pages: 1)
        #expect(hole.values == [0] && hole.minorFaults == 1 && hole.majorFaults == 0)
        #expect(try host.write(p, at: 0x100000, pages: 1, value: 1).minorFaults == 0)
        #expect(try host.write(p, at: 0x101000, pages: 1, value: 2).minorFaults == 1)
        try host.writeFile(t, pages: 3..<4, value: 5)
        try host.syncFile(t)
        try host.dropCache(t)
        #expect(try host.cachedPages(t) == 3)
        #expect(try host.row(p) == Row(rss: 2, pss: 2, privateDirty: 2))
        #expect(try host.read(p, at: 0x102000, pages: 2).values == [0, 5])
    }

    @Test func readaheadWindowStarts() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        // The window's size is the disk's read_ahead_kb (here it may be far above the default 128
        // KiB), and a loaded host may cut it short, so only where it starts is compared with the
        // model (`Machine.readaheadWindow` with N = the host's readahead): read-around starts
        // N/2 pages before the page, sequential at the page; random reads the page alone.
        let n = try #require(try host.readaheadPages())
        var m = Machine(config: MachineConfig(frames: 65_536, profile: .linux))
        try m.setReadahead(pages: min(n, Machine.maxReadaheadPages))
        let pages = 3 * n + 64
        let model = try m.addFile(name: "f", pages: pages, cached: false)
        for (advice, hint, page) in [(KernelAdvice.normal, ReadaheadHint.normal, 2 * n), (.sequential, .sequential, 100),
                                     (.random, .random, 50)] {
            let f = try host.createFile("f", pages: pages, cached: false)
            let p = try host.spawn("P")
            try host.map(p, at: 0x1000_0000, pages: pages, backing: .file(f, offset: 0), permissions: .read)
            if advice != .normal { _ = try host.advise(p, at: 0x1000_0000, pages: pages, advice) }
            let r = try host.read(p, at: 0x1000_0000 + UInt64(page) * 4096, pages: 1)
            #expect(r.majorFaults == 1 && r.minorFaults == 0)
            let cached = try host.cachedPageNumbers(f)
            let window = m.readaheadWindow(file: model, page: page, hint: hint)
            #expect(cached.first == window.lowerBound, "\(advice): first cached page")
            #expect(cached.contains(page) && (cached.last ?? 0) < window.upperBound, "\(advice)")
            if advice == .random { #expect(cached == [page]) }
            try host.exit(p)
        }
    }
}

extension KernelHost {
    /// The readahead size, in pages, of the disk holding the host's folder
    /// (/sys/class/bdi/MAJOR:MINOR/read_ahead_kb), nil if it cannot be read.
    func readaheadPages() throws -> Int? {
        var s = stat()
        guard stat(folder, &s) == 0 else { return nil }
        let dev = UInt64(s.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        guard let file = fopen("/sys/class/bdi/\(major):\(minor)/read_ahead_kb", "r") else { return nil }
        defer { fclose(file) }
        var kb: Int = 0
        guard withUnsafeMutablePointer(to: &kb, { fscanf_int(file, $0) }) else { return nil }
        return kb / 4
    }
}

/// Reads one decimal number (fscanf is variadic, so not callable from Swift).
private func fscanf_int(_ file: UnsafeMutablePointer<FILE>, _ out: UnsafeMutablePointer<Int>) -> Bool {
    var buffer = [CChar](repeating: 0, count: 32)
    guard fgets(&buffer, 32, file) != nil else { return false }
    let text = String(cString: buffer).filter { $0.isNumber }
    guard let value = Int(text) else { return false }
    out.pointee = value
    return true
}
