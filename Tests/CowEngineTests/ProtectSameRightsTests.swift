import CowEngine
import Testing

/// `protect` to the rights a region already has changes nothing, as mprotect_fixup does not
/// split a VMA whose flags stay the same (issue 12: the kernel backend measured Rss 16 where the
/// simulator, having split the region, cut fault-around short at 7).
@Suite struct ProtectSameRightsTests {
    @Test func protectToTheSameRightsDoesNotSplitTheRegion() throws {
        var m = Machine(config: MachineConfig(frames: 256, pageSize: 4096, profile: .linux))
        let p = try m.spawn(name: "P")
        let f = try m.addFile(name: "f", pages: 32, cached: true)
        try m.mapFile(p, file: f, offset: 0, at: 0x400, pages: 32, permissions: [.read], shared: false, name: "text")
        try m.protect(p, at: 0x407, pages: 2, permissions: [.read])
        #expect(m.process(p)?.regions.count == 1)
        _ = try m.read(p, vpns: 0x400..<0x401)
        // one read fault maps the whole 16-page window (rule 9), not the 7 pages before 0x407
        #expect(m.usage(of: p, region: "text")?.rss == 16)
    }

    @Test func onlyThePartsThatChangeAreSplitOff() throws {
        var m = Machine(config: MachineConfig(frames: 256, pageSize: 4096, profile: .linux))
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 8, permissions: [.read, .write], shared: false, name: "a")
        try m.mapAnonymous(p, at: 0x108, pages: 8, permissions: [.read], shared: false, name: "b")
        // a range over both: `b` already has the rights and stays whole; `a` is split at 0x104
        try m.protect(p, at: 0x104, pages: 8, permissions: [.read])
        #expect(m.process(p)?.regions.map { "\($0.name) \($0.start)-\($0.end) \($0.permissions)" }
                == ["a 256-260 rw-", "a 260-264 r--", "b 264-272 r--"])
    }
}
