/// Elements an `OrderedTree` keeps in order of an integer key.
protocol TreeKeyed {
    /// The sort key; equal keys keep insertion positions.
    var treeKey: Int { get }
}

/// An ordered sequence with O(log n) access by position, insertion, removal and search by key,
/// and O(1) amortised in-order iteration: a B+-tree whose leaves hold the elements and whose
/// inner nodes hold, per child, its element count and its first key.
///
/// Contract:
/// - Positions are 0..<count, as in an array; `insert(_:at:)` and `remove(at:)` shift the
///   positions after them, like an array's, but cost O(log n) (fan-out at most 32, every node but
///   the root at least a quarter full, so the height is O(log n)).
/// - The caller keeps the keys sorted (non-decreasing by position): the key searches
///   (`countBelow`, `countAtMost`) assume it. Changing an element in place through the subscript
///   may change its key as long as the order stays sorted; the inner nodes are updated.
/// - Copy-on-write value semantics: a copy shares every node, and a mutation copies only the
///   O(log n) nodes on its path (plus the touched leaf's element array).
struct OrderedTree<Element: TreeKeyed & Sendable>: Sendable {
    static var maxFill: Int { 32 }
    static var minFill: Int { 8 }

    /// A node. Mutated only when uniquely referenced (the tree copies shared nodes first), which
    /// is what makes the unchecked Sendable conformance sound.
    ///
    /// Its stored properties opt out of the runtime's dynamic exclusivity checks
    /// (`@exclusivity(unchecked)`): every access is made by the tree's own code on a path it owns
    /// (a node is reached from the root through unique references before it is mutated, and no
    /// access to a node overlaps another to the same node), and the checks (`swift_beginAccess`)
    /// were a fifth of the time of a trace's miss path (issue 14).
    final class Node: @unchecked Sendable {
        let isLeaf: Bool
        @exclusivity(unchecked) var items: [Element]
        @exclusivity(unchecked) var children: [Node]
        @exclusivity(unchecked) var keys: [Int]
        @exclusivity(unchecked) var counts: [Int]
        @exclusivity(unchecked) var count: Int

        init(leaf items: [Element]) {
            isLeaf = true
            self.items = items
            children = []
            keys = []
            counts = []
            count = items.count
        }

        init(children: [Node]) {
            isLeaf = false
            items = []
            self.children = children
            keys = children.map(\.firstKey)
            counts = children.map(\.count)
            count = counts.reduce(0, +)
        }

        private init(copying other: Node) {
            isLeaf = other.isLeaf
            items = other.items
            children = other.children
            keys = other.keys
            counts = other.counts
            count = other.count
        }

        func copy() -> Node { Node(copying: self) }

        /// Items of a leaf, children of an inner node.
        var fill: Int { isLeaf ? items.count : children.count }

        /// Key of the first element; only asked of non-empty nodes.
        var firstKey: Int { isLeaf ? items[0].treeKey : keys[0] }

        /// Moves the upper half of the node into a new node and returns it.
        func splitOff() -> Node {
            let half = fill / 2
            let right: Node
            if isLeaf {
                right = Node(leaf: Array(items[half...]))
                items.removeSubrange(half...)
            } else {
                right = Node(children: Array(children[half...]))
                children.removeSubrange(half...)
                keys.removeSubrange(half...)
                counts.removeSubrange(half...)
            }
            count -= right.count
            return right
        }

        /// Makes child `c` uniquely referenced (copying it if shared) and returns it.
        @inline(__always) func uniqueChild(_ c: Int) -> Node {
            if !isKnownUniquelyReferenced(&children[c]) { children[c] = children[c].copy() }
            return children[c]
        }
    }

    private var root: Node

    /// An empty tree.
    init() { root = Node(leaf: []) }

    /// The elements of `elements`, in their order (which must be sorted by key).
    init<S: Sequence>(_ elements: S) where S.Element == Element {
        self.init()
        for e in elements { append(e) }
    }

    var count: Int { root.count }
    var isEmpty: Bool { root.count == 0 }

    private mutating func makeRootUnique() {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
    }

    /// The element at position `i` (0 ..< count).
    subscript(i: Int) -> Element {
        // `_read`, not `get`: reading one field (`regions[r].info.start`) borrows the element in
        // its leaf instead of copying it whole (a copy retains and releases every array in it).
        _read {
            let (node, k) = leaf(containing: i)
            yield node.items[k]
        }
        _modify {
            makeRootUnique()
            var node = root
            var i = i
            // Deepest inner node entered through a child other than the first (and that child):
            // the only inner-node keys a changed first key of the leaf can reach are its and below.
            var anchor: Node = root
            var anchorChild = 0
            while !node.isLeaf {
                var c = 0
                while i >= node.counts[c] { i -= node.counts[c]; c += 1 }
                if c != 0 { anchor = node; anchorChild = c }
                node = node.uniqueChild(c)
            }
            let leaf = node
            let j = i
            let before = j == 0 ? leaf.items[0].treeKey : 0
            yield &leaf.items[j]
            if j == 0, !anchor.isLeaf {
                let after = leaf.items[0].treeKey
                if after != before {
                    anchor.keys[anchorChild] = after
                    var n = anchor.children[anchorChild]
                    while !n.isLeaf { n.keys[0] = after; n = n.children[0] }
                }
            }
        }
    }

    /// Inserts `element` at position `i` (0 ... count).
    mutating func insert(_ element: Element, at i: Int) {
        makeRootUnique()
        if let right = Self.insert(element, at: i, into: root) {
            root = Node(children: [root, right])
        }
    }

    mutating func append(_ element: Element) { insert(element, at: count) }

    private static func insert(_ element: Element, at i: Int, into node: Node) -> Node? {
        node.count += 1
        if node.isLeaf {
            node.items.insert(element, at: i)
            return node.items.count > maxFill ? node.splitOff() : nil
        }
        var c = 0, i = i
        while c < node.children.count - 1 && i > node.counts[c] { i -= node.counts[c]; c += 1 }
        let child = node.uniqueChild(c)
        let split = insert(element, at: i, into: child)
        node.counts[c] = child.count
        node.keys[c] = child.firstKey
        if let s = split {
            node.children.insert(s, at: c + 1)
            node.counts.insert(s.count, at: c + 1)
            node.keys.insert(s.firstKey, at: c + 1)
        }
        return node.children.count > maxFill ? node.splitOff() : nil
    }

    /// Removes and returns the element at position `i` (0 ..< count).
    @discardableResult
    mutating func remove(at i: Int) -> Element {
        makeRootUnique()
        let e = Self.remove(at: i, from: root)
        if !root.isLeaf && root.children.count == 1 { root = root.children[0] }
        return e
    }

    /// Removes the elements at `range`, returning them in order.
    @discardableResult
    mutating func removeSubrange(_ range: Range<Int>) -> [Element] {
        if range.count == count {
            let all = Array(self)
            root = Node(leaf: [])
            return all
        }
        var removed: [Element] = []
        removed.reserveCapacity(range.count)
        for _ in range { removed.append(remove(at: range.lowerBound)) }
        return removed
    }

    private static func remove(at i: Int, from node: Node) -> Element {
        node.count -= 1
        if node.isLeaf { return node.items.remove(at: i) }
        var c = 0, i = i
        while i >= node.counts[c] { i -= node.counts[c]; c += 1 }
        let child = node.uniqueChild(c)
        let e = remove(at: i, from: child)
        node.counts[c] = child.count
        if child.count > 0 { node.keys[c] = child.firstKey }
        if child.fill < minFill && node.children.count > 1 { rebalance(node, c) }
        return e
    }

    /// Merges under-full child `c` of `node` with a neighbour, splitting the result again in
    /// halves if it is too full.
    private static func rebalance(_ node: Node, _ c: Int) {
        let l = c > 0 ? c - 1 : c, r = l + 1
        let a = node.uniqueChild(l), b = node.children[r]
        if a.isLeaf {
            a.items += b.items
        } else {
            a.children += b.children
            a.keys += b.keys
            a.counts += b.counts
        }
        a.count += b.count
        if a.fill > maxFill {
            let s = a.splitOff()
            node.children[r] = s
            node.counts[r] = s.count
            node.keys[r] = s.firstKey
        } else {
            node.children.remove(at: r)
            node.counts.remove(at: r)
            node.keys.remove(at: r)
        }
        node.counts[l] = a.count
        node.keys[l] = a.firstKey
    }

    /// Number of elements whose key is below `key` (the position of the first with key >= `key`).
    func countBelow(_ key: Int) -> Int { rank(key, inclusive: false) }

    /// Number of elements whose key is at most `key`.
    func countAtMost(_ key: Int) -> Int { rank(key, inclusive: true) }

    private func rank(_ key: Int, inclusive: Bool) -> Int {
        @inline(__always) func before(_ k: Int) -> Bool { inclusive ? k <= key : k < key }
        if root.isLeaf {
            // A lone leaf, searched in place (as `withElement`).
            return root.items.withUnsafeBufferPointer { items in
                var lo = 0, hi = items.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if before(items[mid].treeKey) { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
        }
        // The descent borrows each node (`Unmanaged`, no retain and release per level: they were
        // most of a lookup's time with more than 32 regions, the zygote's 101).
        var node = Unmanaged.passUnretained(root)
        var result = 0
        while true {
            let next: Unmanaged<Node>? = node._withUnsafeGuaranteedRef { n in
                if n.isLeaf {
                    result += n.items.withUnsafeBufferPointer { items in
                        var lo = 0, hi = items.count
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if before(items[mid].treeKey) { lo = mid + 1 } else { hi = mid }
                        }
                        return lo
                    }
                    return nil
                }
                // Last child whose first key comes before `key`; none: nothing in this subtree does.
                let lo = n.keys.withUnsafeBufferPointer { keys in
                    var lo = 0, hi = keys.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if before(keys[mid]) { lo = mid + 1 } else { hi = mid }
                    }
                    return lo
                }
                guard lo > 0 else { return nil }
                n.counts.withUnsafeBufferPointer { counts in
                    for k in 0..<(lo - 1) { result += counts[k] }
                }
                return Node.child(n, lo - 1)
            }
            guard let child = next else { return result }
            node = child
        }
    }

    /// Levels of nodes (1 for a lone leaf).
    var height: Int {
        var h = 1
        var node = root
        while !node.isLeaf { h += 1; node = node.children[0] }
        return h
    }

    /// Checks the tree's shape (for tests): counts, keys, fill and equal leaf depth; nil if sound.
    func structuralProblem() -> String? {
        var leafDepth: Int?
        func visit(_ n: Node, depth: Int, isRoot: Bool) -> String? {
            if !isRoot && n.fill < Self.minFill { return "node under-full (\(n.fill))" }
            if n.fill > Self.maxFill { return "node over-full (\(n.fill))" }
            if n.isLeaf {
                if let d = leafDepth, d != depth { return "leaves at depths \(d) and \(depth)" }
                leafDepth = depth
                return n.count == n.items.count ? nil : "leaf count \(n.count) for \(n.items.count) items"
            }
            if n.counts.count != n.children.count || n.keys.count != n.children.count { return "inner arrays differ in length" }
            var total = 0
            for (k, child) in n.children.enumerated() {
                if n.counts[k] != child.count { return "stale count" }
                if n.keys[k] != child.firstKey { return "stale key" }
                total += child.count
                if let p = visit(child, depth: depth + 1, isRoot: false) { return p }
            }
            return total == n.count ? nil : "inner count \(n.count) for \(total) elements"
        }
        return visit(root, depth: 0, isRoot: true)
    }
}

extension OrderedTree {
    /// Calls `body` with the element at position `i` (0 ..< count) borrowed in its leaf. Reading
    /// through the subscript copies the element out of the leaf's array (retaining and releasing
    /// every array in it); this does not, which is what the trace's miss path needs (issue 14).
    @inline(__always) func withElement<R>(at i: Int, _ body: (Element) -> R) -> R {
        // A lone leaf (a process with up to 32 regions) is read through `root` itself: no
        // local copy of the node reference to retain and release (issue 14).
        if root.isLeaf { return root.items.withUnsafeBufferPointer { body($0[i]) } }
        let (node, k) = unmanagedLeaf(containing: i)
        return node._withUnsafeGuaranteedRef { leaf in leaf.items.withUnsafeBufferPointer { body($0[k]) } }
    }

    /// The leaf holding position `i` (0 ..< count) and the position inside that leaf.
    @inline(__always) func leaf(containing i: Int) -> (Node, Int) {
        let (node, k) = unmanagedLeaf(containing: i)
        return (node.takeUnretainedValue(), k)
    }

    /// `leaf(containing:)` without a retain and release per level: the nodes are borrowed
    /// (`Unmanaged`), valid while the tree is not changed.
    @inline(__always) func unmanagedLeaf(containing i: Int) -> (Unmanaged<Node>, Int) {
        descend(to: i, makingUnique: false)
    }

    /// The descent both `unmanagedLeaf` and `updateElement` make: from the root to the leaf
    /// holding position `i`, borrowing each node; with `makingUnique`, a child shared with
    /// another tree is copied before it is entered (the root must already be unique).
    @inline(__always) private func descend(to i: Int, makingUnique: Bool) -> (Unmanaged<Node>, Int) {
        var node = Unmanaged.passUnretained(root)
        var i = i
        while true {
            let next: Unmanaged<Node>? = node._withUnsafeGuaranteedRef { n in
                if n.isLeaf { return nil }
                let c = Node.childIndex(n, &i)
                if makingUnique && !isKnownUniquelyReferenced(&n.children[c]) { n.children[c] = n.children[c].copy() }
                return Node.child(n, c)
            }
            guard let child = next else { return (node, i) }
            node = child
        }
    }
}

extension OrderedTree {
    /// Calls `body` with the element at position `i` (0 ..< count) in place, for a change that
    /// keeps its key (checked in debug builds; the subscript's `_modify` allows a key change).
    /// Unlike the subscript, the descent retains and releases nothing: the nodes on the path are
    /// made unique (copied if shared, as the subscript does) and then borrowed.
    @inline(__always) mutating func updateElement<R>(at i: Int, _ body: (inout Element) -> R) -> R {
        makeRootUniqueForUpdate()
        let (node, k) = descend(to: i, makingUnique: true)
        return node._withUnsafeGuaranteedRef { leaf in
            leaf.items.withUnsafeMutableBufferPointer { items in
                let key = items[k].treeKey
                let result = body(&items[k])
                assert(items[k].treeKey == key, "updateElement changed the key")
                return result
            }
        }
    }

    private mutating func makeRootUniqueForUpdate() {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
    }
}

extension OrderedTree.Node {
    /// The child of inner node `n` holding position `i` of `n`'s subtree; `i` becomes the
    /// position inside that child.
    @inline(__always) static func childIndex(_ n: OrderedTree.Node, _ i: inout Int) -> Int {
        n.counts.withUnsafeBufferPointer { counts in
            var c = 0
            while i >= counts[c] { i -= counts[c]; c += 1 }
            return c
        }
    }

    /// Child `c` of inner node `n`, not retained: its reference is read as a bit pattern from
    /// the children array (the node keeps it alive).
    @inline(__always) static func child(_ n: OrderedTree.Node, _ c: Int) -> Unmanaged<OrderedTree.Node> {
        n.children.withUnsafeBufferPointer {
            UnsafeRawPointer($0.baseAddress! + c).load(as: Unmanaged<OrderedTree.Node>.self)
        }
    }
}

extension OrderedTree: RandomAccessCollection, MutableCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { root.count }

    /// In-order iteration, O(1) amortised per element (walks the leaves with a path stack).
    struct Iterator: IteratorProtocol {
        private var stack: [(Node, Int)] = []
        private var leaf: Node?
        private var j = 0

        init(_ root: Node) { descend(root) }

        private mutating func descend(_ start: Node) {
            var node = start
            while !node.isLeaf {
                stack.append((node, 0))
                node = node.children[0]
            }
            leaf = node
            j = 0
        }

        mutating func next() -> Element? {
            while let l = leaf {
                if j < l.items.count {
                    j += 1
                    return l.items[j - 1]
                }
                leaf = nil
                while let (n, c) = stack.popLast() {
                    if c + 1 < n.children.count {
                        stack.append((n, c + 1))
                        descend(n.children[c + 1])
                        break
                    }
                }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(root) }
}

extension OrderedTree: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: Element...) { self.init(elements) }
}
