@testable import CowEngine

/// A deliberately naive reference model for the property tests: one dictionary entry per
/// mapped virtual page saying where its value lives, and no notion of frames at all. It
/// predicts what every read returns, which accesses segfault and which requests are refused;
/// the engine must agree (except that it may kill a process for lack of memory, which the
/// model then follows).
struct ModelOracle {
    /// Where a page's value lives.
    enum Cell: Equatable {
        case anonymous(Int64)                 // private anonymous (or a private copy of a file page)
        case shmem(object: Int, page: Int)    // shared anonymous memory
        case fileShared(file: Int, page: Int)
        case filePrivate(file: Int, page: Int)  // not copied yet: shows the file
    }
    struct Page: Equatable {
        var permissions: Permissions
        var cell: Cell
        var advice: Advice
    }
    enum Life: Equatable { case running, suspended, dead }

    var life: [PID: Life] = [:]
    var parent: [PID: PID] = [:]
    var borrows: [PID: PID] = [:]
    var spaces: [PID: [Int: Page]] = [:]
    var shmemValues: [Int: [Int: Int64]] = [:]
    var fileValues: [Int: [Int: Int64]] = [:]
    /// Size of each file in pages, set by the driver: a file page at or past it is SIGBUS (rule 15).
    var fileSizes: [Int: Int] = [:]
    var shmemObjects = 0
    var processCount = 0

    func space(_ pid: PID) -> PID { borrows[pid] ?? pid }
    func isRunning(_ pid: PID) -> Bool { life[pid] == .running }
    var running: [PID] { life.keys.filter { life[$0] == .running }.sorted() }
    var alive: [PID] { life.keys.filter { life[$0] != .dead && life[$0] != nil }.sorted() }

    mutating func spawn() -> PID {
        processCount += 1
        life[processCount] = .running
        spaces[processCount] = [:]
        return processCount
    }

    /// True when some page of the range is already mapped in the address space `pid` uses.
    func overlaps(_ pid: PID, _ vpn: Int, _ pages: Int) -> Bool {
        (vpn..<vpn + pages).contains { spaces[space(pid)]?[$0] != nil }
    }

    func fullyMapped(_ pid: PID, _ vpn: Int, _ pages: Int) -> Bool {
        (vpn..<vpn + pages).allSatisfy { spaces[space(pid)]?[$0] != nil }
    }

    mutating func map(_ pid: PID, _ vpn: Int, _ pages: Int, _ permissions: Permissions, _ cell: (Int) -> Cell) {
        for k in 0..<pages {
            spaces[space(pid), default: [:]][vpn + k] = Page(permissions: permissions, cell: cell(k), advice: .normal)
        }
    }

    mutating func newShmem() -> Int {
        shmemObjects += 1
        return shmemObjects
    }

    mutating func unmap(_ pid: PID, _ vpn: Int, _ pages: Int) {
        for v in vpn..<vpn + pages { spaces[space(pid)]?[v] = nil }
    }

    mutating func protect(_ pid: PID, _ vpn: Int, _ pages: Int, _ permissions: Permissions) {
        for v in vpn..<vpn + pages { spaces[space(pid)]?[v]?.permissions = permissions }
    }

    func adviceApplies(_ pid: PID, _ vpn: Int, _ pages: Int, _ advice: Advice) -> Bool {
        guard advice == .wipeOnFork else { return true }
        return (vpn..<vpn + pages).allSatisfy { v in
            if case .anonymous = spaces[space(pid)]?[v]?.cell, isPrivateAnonymousRegion(pid, v) { return true }
            return false
        }
    }

    /// Set by the driver: pages that belong to private anonymous regions (a private copy of a
    /// file page is also `.anonymous` but its region is a file region).
    var privateAnonymousPages: [PID: Set<Int>] = [:]
    func isPrivateAnonymousRegion(_ pid: PID, _ vpn: Int) -> Bool {
        privateAnonymousPages[space(pid)]?.contains(vpn) ?? false
    }

    mutating func advise(_ pid: PID, _ vpn: Int, _ pages: Int, _ advice: Advice) {
        for v in vpn..<vpn + pages { spaces[space(pid)]?[v]?.advice = advice }
    }

    func value(of cell: Cell) -> Int64 {
        switch cell {
        case .anonymous(let v): return v
        case .shmem(let o, let p): return shmemValues[o]?[p] ?? 0
        case .fileShared(let f, let p), .filePrivate(let f, let p): return fileValues[f]?[p] ?? 0
        }
    }

    /// What a read should do: the value, or the SIGSEGV.
    func read(_ pid: PID, _ vpn: Int) -> AccessOutcome {
        guard let page = spaces[space(pid)]?[vpn] else { return .killed(.segfault(vpn: vpn, .unmapped)) }
        guard !page.permissions.isEmpty else { return .killed(.segfault(vpn: vpn, .readOfNoAccess)) }
        if isPastTheEnd(page.cell) { return .killed(.busError(vpn: vpn)) }
        return .value(value(of: page.cell))
    }

    /// A file page at or past the end of its file.
    func isPastTheEnd(_ cell: Cell) -> Bool {
        switch cell {
        case .fileShared(let f, let p), .filePrivate(let f, let p): return p >= (fileSizes[f] ?? Int.max)
        case .anonymous, .shmem: return false
        }
    }

    /// What a write should do; applies it when it succeeds.
    mutating func write(_ pid: PID, _ vpn: Int, _ value: Int64) -> AccessOutcome {
        let s = space(pid)
        guard let page = spaces[s]?[vpn] else { return .killed(.segfault(vpn: vpn, .unmapped)) }
        guard page.permissions.contains(.write) else { return .killed(.segfault(vpn: vpn, .writeToReadOnly)) }
        if isPastTheEnd(page.cell) { return .killed(.busError(vpn: vpn)) }
        switch page.cell {
        case .anonymous, .filePrivate: spaces[s]?[vpn]?.cell = .anonymous(value)
        case .shmem(let o, let p): shmemValues[o, default: [:]][p] = value
        case .fileShared(let f, let p): fileValues[f, default: [:]][p] = value
        }
        return .value(value)
    }

    mutating func kill(_ pid: PID) {
        end(pid)
    }

    /// Exit or kill: the space goes (or is given back), a vfork parent resumes.
    mutating func end(_ pid: PID) {
        if borrows[pid] != nil {
            borrows[pid] = nil
            resumeParent(of: pid)
        } else {
            spaces[pid] = [:]
            privateAnonymousPages[pid] = []
        }
        life[pid] = .dead
    }

    mutating func resumeParent(of pid: PID) {
        if let p = parent[pid], life[p] == .suspended { life[p] = .running }
    }

    mutating func fork(_ pid: PID) -> PID {
        let child = spawn()
        parent[child] = pid
        let s = space(pid)
        var pages: [Int: Page] = [:]
        var anonymousPages = Set<Int>()
        for (v, page) in spaces[s] ?? [:] {
            switch page.advice {
            case .dontFork: continue
            case .wipeOnFork: pages[v] = Page(permissions: page.permissions, cell: .anonymous(0), advice: .wipeOnFork)
            case .normal: pages[v] = page
            }
            if privateAnonymousPages[s]?.contains(v) == true { anonymousPages.insert(v) }
        }
        spaces[child] = pages
        privateAnonymousPages[child] = anonymousPages
        return child
    }

    mutating func vfork(_ pid: PID) -> PID {
        processCount += 1
        let child = processCount
        life[child] = .running
        parent[child] = pid
        borrows[child] = space(pid)
        life[pid] = .suspended
        return child
    }

    mutating func exec(_ pid: PID) {
        if borrows[pid] != nil {
            borrows[pid] = nil
            resumeParent(of: pid)
        }
        spaces[pid] = [:]
        privateAnonymousPages[pid] = []
    }
}
