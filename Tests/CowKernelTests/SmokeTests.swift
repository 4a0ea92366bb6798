import CowKernel
import CowTestSupport
import Testing

@Suite struct SmokeTests {
    @Test func spawnWriteRead() throws {
        let host = try KernelHost(options: .init(participant: try CowsimBinary.require()))
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 4, backing: .anonymous, permissions: .readWrite)
        let w = try host.write(p, at: 0x10000, pages: 4, value: 7)
        #expect(w.minorFaults == 4)
        let r = try host.read(p, at: 0x10000, pages: 4)
        #expect(r.values == [7, 7, 7, 7])
        #expect(r.minorFaults == 0)
    }
}
