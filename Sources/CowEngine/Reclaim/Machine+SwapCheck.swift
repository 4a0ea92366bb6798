// The engine checking its swap bookkeeping (part of `check()`).

extension Machine {
    /// Swap entries name slots in use, only in private regions; each slot's count equals the
    /// entries naming it; free slots are cleared; swap-cache links go both ways, to anonymous
    /// frames that nobody maps writable; the used count is right.
    func checkSwap(_ problems: inout [String]) {
        guard swap.isOn else { return }     // without swap nothing makes swap entries
        var counted = Array(repeating: Int32(0), count: swap.materialized)
        for i in procs.indices {
            for record in procs[i].regions {
                for (k, e) in record.entries.enumerated() where Packed.isSwap(e) {
                    let at = "entry \(procs[i].pid):\(record.info.start + k) (\(record.info.name))"
                    let s = Packed.slot(e)
                    if e & Packed.flagMask != Packed.swapTag { problems.append("\(at) is a swap entry with flag bits set") }
                    if record.info.isShared { problems.append("\(at) is a swap entry in a shared region") }
                    guard swap.isUsed(s) else {
                        problems.append("\(at) names swap slot \(s), which is free or out of range")
                        continue
                    }
                    counted[s] += 1
                }
            }
        }
        var used = 0
        for s in 0..<swap.materialized {
            if swap.count[s] > 0 {
                used += 1
                if swap.bitmapSaysFree(s) { problems.append("swap slot \(s) is in use but marked free") }
            } else if !swap.bitmapSaysFree(s) || swap.value[s] != 0 || swap.cache[s] != -1 {
                problems.append("free swap slot \(s) is marked used, holds a value or a cache frame")
            }
            if counted[s] != swap.count[s] {
                problems.append("swap slot \(s): count \(swap.count[s]) but \(counted[s]) entries name it")
            }
            let c = Int(swap.cache[s])
            if c >= 0 {
                let ok = c < frames.materialized && frames.kinds[c] == .anonymous && swap.slot(cachedIn: c) == s
                if !ok { problems.append("swap slot \(s) names frame \(c) as its swap-cache copy, which does not name it back") }
            }
        }
        if used != swap.used { problems.append("swap counts \(swap.used) slots in use, \(used) are") }
        if swap.used > swap.capacity { problems.append("\(swap.used) swap slots in use, only \(swap.capacity) exist") }
        for f in 0..<min(swap.slotOfFrame.count, frames.materialized) {
            guard let s = swap.slot(cachedIn: f) else { continue }
            if s >= swap.materialized || Int(swap.cache[s]) != f {
                problems.append("frame \(f) is the swap-cache copy of slot \(s), which does not name it")
            }
        }
        // Nobody maps a swap-cache frame writable: the processes still holding swap entries for
        // it would see the write.
        for i in procs.indices where procs[i].state.isAlive && procs[i].borrowsFrom == nil {
            for record in procs[i].regions {
                for (k, e) in record.entries.enumerated() where Packed.isPresent(e) && e & Packed.writable != 0 {
                    let f = Packed.frame(e)
                    if f != frames.zeroFrame && swap.slot(cachedIn: f) != nil {
                        problems.append("entry \(procs[i].pid):\(record.info.start + k) maps swap-cache frame \(f) writable")
                    }
                }
            }
        }
    }
}
