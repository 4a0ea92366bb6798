import Testing
@testable import CowEngine

/// A keyed element for the tree tests: `key` orders, `tag` tells equal keys apart.
private struct Item: TreeKeyed, Equatable, Sendable {
    var key: Int
    var tag: Int
    var treeKey: Int { key }
}

struct OrderedTreeTests {
    /// Random inserts, removals, in-place updates, range removals and copies, each checked
    /// against a sorted array doing the same (the oracle), with the tree's shape checked too.
    @Test("the ordered tree agrees with a sorted array on every operation", arguments: [1, 2, 3, 4])
    func agreesWithSortedArray(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = OrderedTree<Item>()
        var oracle: [Item] = []
        var snapshots: [(OrderedTree<Item>, [Item])] = []
        var tag = 0
        for step in 0..<6000 {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 55 || oracle.isEmpty {
                let key = Int.random(in: 0..<400, using: &rng)
                let at = oracle.firstIndex { $0.key > key } ?? oracle.count
                tag += 1
                #expect(tree.countAtMost(key) == at)
                tree.insert(Item(key: key, tag: tag), at: at)
                oracle.insert(Item(key: key, tag: tag), at: at)
            } else if roll < 80 {
                let at = Int.random(in: 0..<oracle.count, using: &rng)
                #expect(tree.remove(at: at) == oracle.remove(at: at))
            } else if roll < 88 {
                // Change in place, keeping order: the key moves within its neighbours' keys.
                let at = Int.random(in: 0..<oracle.count, using: &rng)
                let low = at > 0 ? oracle[at - 1].key : 0
                let high = at + 1 < oracle.count ? oracle[at + 1].key : 500
                let key = Int.random(in: low...high, using: &rng)
                tree[at].key = key
                tree[at].tag = -tree[at].tag
                oracle[at].key = key
                oracle[at].tag = -oracle[at].tag
            } else if roll < 92 {
                let a = Int.random(in: 0...oracle.count, using: &rng)
                let b = Int.random(in: a...min(oracle.count, a + 40), using: &rng)
                #expect(tree.removeSubrange(a..<b) == Array(oracle[a..<b]))
                oracle.removeSubrange(a..<b)
            } else if roll < 94 {
                snapshots.append((tree, oracle))
            } else {
                let key = Int.random(in: -1...501, using: &rng)
                #expect(tree.countBelow(key) == oracle.filter { $0.key < key }.count)
                #expect(tree.countAtMost(key) == oracle.filter { $0.key <= key }.count)
            }
            if let problem = tree.structuralProblem() {
                Issue.record("step \(step): \(problem)")
                return
            }
            if step % 97 == 0 || step == 5999 {
                #expect(tree.count == oracle.count)
                #expect(Array(tree) == oracle)
                #expect((0..<oracle.count).allSatisfy { tree[$0] == oracle[$0] })
            }
        }
        // Copies taken along the way were never disturbed by later mutations of the original.
        for (copy, expected) in snapshots {
            #expect(Array(copy) == expected)
            #expect(copy.structuralProblem() == nil)
        }
    }

    @Test("descending inserts at the front keep the tree shallow and sound")
    func descendingInserts() {
        var tree = OrderedTree<Item>()
        for k in stride(from: 65_530, to: 0, by: -1) { tree.insert(Item(key: k, tag: 0), at: 0) }
        #expect(tree.structuralProblem() == nil)
        #expect(tree.count == 65_530)
        #expect(Array(tree).map(\.key) == Array(1...65_530))
        #expect(tree.height <= 5)
        tree.removeSubrange(0..<65_000)
        #expect(tree.structuralProblem() == nil)
        #expect(tree.height <= 3)
    }
}
