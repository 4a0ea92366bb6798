import Testing
@testable import CowEngine

/// After fork, private memory is private (a write by one process is never seen by the other)
/// and shared memory is shared (a write is always seen), in every profile and fork mode.
@Suite("Isolation after fork")
struct IsolationTests {
    static let configurations: [(Profile, ForkMode)] = Profile.allCases.flatMap { p in ForkMode.allCases.map { (p, $0) } }

    @Test("private anonymous: writes stay in the writer", arguments: configurations)
    func privateAnonymous(profile: Profile, mode: ForkMode) throws {
        var m = machine(profile, forkMode: mode)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x10..<0x14, base: 10)            // 10 11 12 13
        let c = try m.fork(p, childName: "C")
        try expectWrite(&m, p, 0x10, 99)
        try expectWrite(&m, c, 0x11, 77)
        try expectWrite(&m, c, 0x12, 66)
        try expectWrite(&m, p, 0x12, 55)
        try expectValues(&m, p, 0x10..<0x14, [99, 11, 55, 13])
        try expectValues(&m, c, 0x10..<0x14, [10, 77, 66, 13])
        expectConsistent(m)
        // A grandchild forked after the writes inherits the child's view.
        let g = try m.fork(c, childName: "G")
        try expectWrite(&m, g, 0x13, 1)
        try expectValues(&m, g, 0x10..<0x14, [10, 77, 66, 1])
        try expectValues(&m, c, 0x10..<0x14, [10, 77, 66, 13])
        try expectValues(&m, p, 0x10..<0x14, [99, 11, 55, 13])
        expectConsistent(m)
    }

    @Test("private file mapping: private copies stay private, the file is untouched", arguments: configurations)
    func privateFile(profile: Profile, mode: ForkMode) throws {
        var m = machine(profile, forkMode: mode)
        let file = try m.addFile(name: "f", pages: 4, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: file, offset: 0, at: 0x20, pages: 4, permissions: rw, shared: false, name: "map")
        try expectWrite(&m, p, 0x20, 5)
        let c = try m.fork(p, childName: "C")
        try expectWrite(&m, c, 0x20, 6)
        try expectWrite(&m, c, 0x21, 7)
        try expectValues(&m, p, 0x20..<0x24, [5, 0, 0, 0])
        try expectValues(&m, c, 0x20..<0x24, [6, 7, 0, 0])
        // A third process mapping the file shared sees the file, not anyone's private copies.
        let o = try m.spawn(name: "O")
        try m.mapFile(o, file: file, offset: 0, at: 0x20, pages: 4, permissions: rw, shared: true, name: "map")
        try expectValues(&m, o, 0x20..<0x24, [0, 0, 0, 0])
        // ...and its shared write shows through pages the private mappers have not copied.
        try expectWrite(&m, o, 0x23, 42)
        try expectValues(&m, p, 0x20..<0x24, [5, 0, 0, 42])
        try expectValues(&m, c, 0x20..<0x24, [6, 7, 0, 42])
        expectConsistent(m)
    }

    @Test("shared anonymous: every write is seen by both", arguments: configurations)
    func sharedAnonymous(profile: Profile, mode: ForkMode) throws {
        var m = machine(profile, forkMode: mode)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x30, pages: 4, permissions: rw, shared: true, name: "shm")
        try expectWrite(&m, p, 0x30, 1)
        let c = try m.fork(p, childName: "C")
        try expectWrite(&m, c, 0x31, 2)
        try expectWrite(&m, p, 0x32, 3)
        try expectWrite(&m, c, 0x30, 4)
        try expectValues(&m, p, 0x30..<0x34, [4, 2, 3, 0])
        try expectValues(&m, c, 0x30..<0x34, [4, 2, 3, 0])
        #expect(m.stats.anonymous == 0)
        #expect(m.stats.shmem == 4)   // 3 written + page 3 read: shmem has no zero page
        expectConsistent(m)
        // The memory lives while any mapping does: the parent exits, the child still sees it.
        try m.exit(p)
        try expectValues(&m, c, 0x30..<0x34, [4, 2, 3, 0])
        try m.exit(c)
        #expect(m.stats.used == 0)
        expectConsistent(m)
    }

    @Test("shared file mapping: unrelated processes see each other's writes", arguments: Profile.allCases)
    func sharedFile(profile: Profile) throws {
        var m = machine(profile)
        let file = try m.addFile(name: "log", pages: 2, cached: true)
        let a = try m.spawn(name: "A"), b = try m.spawn(name: "B")
        try m.mapFile(a, file: file, offset: 0, at: 0x40, pages: 2, permissions: rw, shared: true, name: "log")
        try m.mapFile(b, file: file, offset: 0, at: 0x80, pages: 2, permissions: rw, shared: true, name: "log")
        try expectWrite(&m, a, 0x41, 8)
        try expectValues(&m, b, 0x80..<0x82, [0, 8])
        try expectWrite(&m, b, 0x80, 9)
        try expectValues(&m, a, 0x40..<0x42, [9, 8])
        expectConsistent(m)
    }

    @Test("vfork: the child writes into the parent's memory")
    func vforkSharesEverything() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
        try expectWrite(&m, p, 0x10, 1)
        let c = try m.vfork(p, childName: "C")
        try expectWrite(&m, c, 0x11, 2)
        try m.exit(c)
        try expectValues(&m, p, 0x10..<0x12, [1, 2])
        expectConsistent(m)
    }
}
