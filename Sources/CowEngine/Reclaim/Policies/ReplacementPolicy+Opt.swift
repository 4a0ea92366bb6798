// OPT (Belady's MIN): evict the frame whose page is next used furthest in the future. The trace
// driver precomputes, for every access, the position of the next access to the same page and
// sets `upcoming` to it before the access; each frame keeps the value of its latest access, and
// a max-heap of (next use, insertion stamp) finds the furthest in O(log n). Entries made stale by
// later accesses or frees stay in the heap and are dropped when they come to the top (or when the
// heap is rebuilt because it grew past four times the tracked frames).

extension ReplacementState {
    mutating func optInsert(_ f: Int) {
        list[f] = 1
        counts.1 += 1
        poolAdd(f)
        nextUse[f] = upcoming
        heapPush(OptEntry(nextUse: upcoming, stamp: stamp[f], frame: Int32(truncatingIfNeeded: f)))
    }

    mutating func optTouch(_ f: Int) {
        guard nextUse[f] != upcoming else { return }
        nextUse[f] = upcoming
        heapPush(OptEntry(nextUse: upcoming, stamp: stamp[f], frame: Int32(truncatingIfNeeded: f)))
    }

    mutating func optRemove(_ f: Int) {
        list[f] = 0
        counts.1 -= 1
        poolRemove(f)
        nextUse[f] = Int.max
    }

    /// Whether a heap entry still describes its frame.
    func isCurrent(_ e: OptEntry) -> Bool {
        let f = Int(e.frame)
        return list[f] != 0 && nextUse[f] == e.nextUse && stamp[f] == e.stamp
    }

    mutating func optVictim() -> (frame: Int, why: String)? {
        if heap.count > 4 * count + 1024 { rebuildHeap() }
        while let top = heap.first, !isCurrent(top) { heapPop() }
        guard let top = heap.first else { return nil }
        let why: String
        if top.nextUse < 0 {
            why = "every other page was passed over (OPT)"
        } else if top.nextUse == Int.max {
            why = knowsFuture ? "not used again in the trace (OPT)" : "no future known, latest brought in (OPT)"
        } else {
            why = "next used furthest ahead, at access \(top.nextUse + 1) of the trace (OPT)"
        }
        return (Int(top.frame), why)
    }

    /// The heap made anew from the tracked frames (drops every stale entry).
    mutating func rebuildHeap() {
        heap = pool.map { OptEntry(nextUse: nextUse[Int($0)], stamp: stamp[Int($0)], frame: $0) }
        var i = heap.count / 2 - 1
        while i >= 0 { siftDown(i); i -= 1 }
    }

    mutating func heapPush(_ e: OptEntry) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard heap[i].before(heap[p]) else { break }
            heap.swapAt(i, p)
            i = p
        }
    }

    mutating func heapPop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < n && heap[l].before(heap[best]) { best = l }
            if r < n && heap[r].before(heap[best]) { best = r }
            if best == i { return }
            heap.swapAt(i, best)
            i = best
        }
    }
}
