import CowEngine

/// Issue 14's speed goals: a reference string replayed by `Machine.trace` (what `trace P ADDR
/// write LIST` runs) with swap configured, so every miss past the first 100 reclaims a frame
/// chosen by the policy and writes its page to swap, and a later access swaps it back in.
///
/// The string is OSTEP's "80-20" workload: `pages` pages, 20 % of them hot and drawn 80 % of the
/// time, from a fixed SplitMix64 seed (so every run replays the same string).
/// This file needs CowEngine alone: `Benchmarks/trace-cpu/run` compiles it into its CPU-time
/// driver (without the Benchmarks package), so both measure the same string on the same machine.
public enum PolicyWorkloads {
    /// Frames of the machine (the goals: 100).
    public static let frames = 100
    /// Distinct pages of the string.
    public static let pages = 1_000
    /// References for LRU and CLOCK (goal: <= 0.3 s) and for OPT (goal: <= 1 s).
    public static let references = 1_000_000
    public static let optReferences = 100_000

    /// The 80-20 string of `count` references over `pages` pages.
    public static func string(count: Int, pages: Int = pages, seed: UInt64 = 14) -> [Int] {
        var state = seed
        let hot = max(1, pages / 5)
        var out: [Int] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let r = next(&state)
            let page = r % 10 < 8 ? Int((r >> 8) % UInt64(hot)) : hot + Int((r >> 8) % UInt64(pages - hot))
            out.append(page)
        }
        return out
    }

    /// A machine as `profile textbook`, `config frames 100`, `config swap` = every page, with one
    /// process `p` and one private anonymous region of `pages` pages at page 0x100, events off.
    public static func machine(_ policy: ReplacementPolicy) throws -> (Machine, PID) {
        var config = MachineConfig()
        config.frames = frames
        config.swapPages = pages
        var m = Machine(config: config)
        m.recordsEvents = false
        m.setReplacementPolicy(policy)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: pages, permissions: [.read, .write], shared: false, name: "heap")
        return (m, p)
    }

    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
