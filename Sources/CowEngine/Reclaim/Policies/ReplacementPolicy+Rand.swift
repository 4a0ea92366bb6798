// RAND: a frame drawn uniformly from the tracked ones by a SplitMix64 generator seeded from the
// script's seed (`set policy rand` takes the seed in force then), so runs are reproducible.

extension ReplacementState {
    /// Adds `f` to the pool of tracked frames (RAND and OPT keep one).
    mutating func poolAdd(_ f: Int) {
        poolIndex[f] = Int32(truncatingIfNeeded: pool.count)
        pool.append(Int32(truncatingIfNeeded: f))
    }

    /// Takes `f` out of the pool: the last frame moves into its place.
    mutating func poolRemove(_ f: Int) {
        let i = Int(poolIndex[f])
        let last = pool.removeLast()
        if i < pool.count {
            pool[i] = last
            poolIndex[Int(last)] = Int32(truncatingIfNeeded: i)
        }
        poolIndex[f] = -1
    }

    mutating func randInsert(_ f: Int) {
        passedOver = 0
        list[f] = 1
        counts.1 += 1
        poolAdd(f)
    }

    mutating func randRemove(_ f: Int) {
        passedOver = 0
        list[f] = 0
        counts.1 -= 1
        poolRemove(f)
    }

    /// A frame drawn among those not passed over (all of them if every one was).
    mutating func randVictim() -> (frame: Int, why: String) {
        let n = passedOver < pool.count ? pool.count - passedOver : pool.count
        let i = Int(random.next() % UInt64(n))
        return (Int(pool[i]), "drawn at random, 1 of \(n) (RAND)")
    }

    /// Moves `f` among the passed-over frames at the end of the pool.
    mutating func randPassOver(_ f: Int) {
        let i = Int(poolIndex[f])
        let j = pool.count - 1 - passedOver
        guard i <= j else { return }
        let g = pool[j]
        pool[j] = Int32(truncatingIfNeeded: f)
        pool[i] = g
        poolIndex[f] = Int32(truncatingIfNeeded: j)
        poolIndex[Int(g)] = Int32(truncatingIfNeeded: i)
        passedOver += 1
    }
}
