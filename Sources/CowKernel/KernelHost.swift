import CKernelParticipant
import CowEngine

#if canImport(Glibc)
import Glibc
#endif

/// The kernel backend's controller: one real participant process per simulated process, driven
/// one step at a time over a Unix socket, its figures read back from /proc between steps.
///
/// Every participant maps at the script's exact addresses (MAP_FIXED_NOREPLACE, so nothing of the
/// participant's own is ever replaced), has transparent huge pages off per region unless asked,
/// and runs pinned to one CPU, so copy-on-write reuse is exact (conformance rule 18). Faults are
/// counted by each participant around its own access loop. Files live in a private temporary
/// folder as nameless files (O_TMPFILE): nothing of the script can outlive it, even on SIGKILL.
/// `shutdown()` (also run by deinit) kills every participant and removes the folder.
public final class KernelHost {
    public struct Options: Sendable {
        /// The executable to start as a participant: a cowsim binary (it enters the participant
        /// loop when its first argument is `--kernel-participant`). Default: this very program.
        public var participant: String
        /// Run every participant as this user and group instead of the controller's (for the
        /// unprivileged path: frame numbers then read as "needs root").
        public var runAs: (uid: UInt32, gid: UInt32)?
        /// Where the private temporary folder goes (must not be tmpfs if files should be clean
        /// after writing back; default $TMPDIR or /tmp).
        public var temporaryParent: String
        /// Longest wait for one step's answer before the participant is declared hung and killed.
        public var stepTimeoutSeconds: Int

        public init(participant: String = "/proc/self/exe", runAs: (uid: UInt32, gid: UInt32)? = nil,
                    temporaryParent: String? = nil, stepTimeoutSeconds: Int = 60) {
            self.participant = participant
            self.runAs = runAs
            self.temporaryParent = temporaryParent ?? KernelHost.environment("TMPDIR") ?? "/tmp"
            self.stepTimeoutSeconds = stepTimeoutSeconds
        }
    }

    struct Participant {
        var name: String
        var pid: Int32
        var pidfd: Int32
        var socket: Int32
        var spawnedHere: Bool
        var ranges: [(start: UInt64, end: UInt64)] = []
        var minorFaults = 0
        var majorFaults = 0
        var copies = 0
        var reuses = 0
        var exit: KernelExit = .running
    }

    struct FileRecord {
        var name: String
        var pages: Int
        var fd: Int32
    }

    public static let pageSize: UInt64 = 4096
    public let options: Options
    /// The CPU every participant is pinned to.
    public let cpu: Int32
    /// The private temporary folder ("" once removed).
    public private(set) var folder: String
    private var participants: [Participant] = []
    var files: [FileRecord] = []  // internal: KernelHost+Files.swift

    public init(options: Options = Options()) throws {
        guard cowk_is_linux() != 0 else { throw KernelError.needsLinux }
        self.options = options
        cpu = cowk_pick_cpu()
        var template = Array((options.temporaryParent + "/cowsim-kernel-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw KernelError.system(call: "mkdtemp", detail: "in \(options.temporaryParent)", errno: errno)
        }
        folder = String(cString: made)
    }

    deinit { shutdown() }

    /// Kills every participant, closes every file and removes the temporary folder. Idempotent.
    public func shutdown() {
        // Youngest first, each waited for: a parent participant still alive reaps its child at
        // once (it ignores SIGCHLD), so no zombie is left behind for init.
        for i in participants.indices.reversed() where participants[i].pidfd >= 0 {
            if participants[i].exit == .running { _ = cowk_pidfd_kill(participants[i].pidfd, SIGKILL) }
            if participants[i].socket >= 0 {
                close(participants[i].socket)
                participants[i].socket = -1
            }
            _ = cowk_pidfd_wait(participants[i].pidfd, 5000)
            if participants[i].spawnedHere {
                var status: Int32 = 0
                _ = waitpid(participants[i].pid, &status, 0)
            }
            close(participants[i].pidfd)
            participants[i].pidfd = -1
            if participants[i].exit == .running { participants[i].exit = .killed(signal: SIGKILL, address: nil) }
        }
        for i in files.indices where files[i].fd >= 0 {
            close(files[i].fd)
            files[i].fd = -1
        }
        if !folder.isEmpty {
            rmdir(folder)
            folder = ""
        }
    }

    // MARK: processes

    /// A new participant with an empty script address space (the participant's own program
    /// mappings are never counted in a figure).
    public func spawn(_ name: String) throws -> KernelProcess {
        var pair: [Int32] = [-1, -1]
        guard cowk_socketpair(&pair) == 0 else { throw KernelError.system(call: "socketpair", detail: "for \(name)", errno: errno) }
        let uid = options.runAs.map { Int32(bitPattern: $0.uid) } ?? -1
        let gid = options.runAs.map { Int32(bitPattern: $0.gid) } ?? -1
        let pid = cowk_spawn(options.participant, pair[1], cpu, uid, gid)
        let spawnError = errno
        close(pair[1])
        guard pid > 0 else {
            close(pair[0])
            throw KernelError.system(call: "posix_spawn", detail: "of \(options.participant)", errno: spawnError)
        }
        return try adopt(name: name, socket: pair[0], spawnedHere: true, expectedPid: pid)
    }

    /// Fork: the child gets a copy of the parent's address space, copy-on-write, as fork(2) does.
    public func fork(_ parent: KernelProcess, as name: String) throws -> KernelProcess {
        try startChild(of: parent, name: name, op: COWK_OP_FORK)
    }

    /// vfork + exec: the parent waits while the child execs a fresh participant (empty address space).
    public func vforkExec(_ parent: KernelProcess, as name: String) throws -> KernelProcess {
        try startChild(of: parent, name: name, op: COWK_OP_VFORK_EXEC, emptySpace: true)
    }

    /// exec: the process replaces its address space with a fresh, empty one (same pid).
    public func exec(_ process: KernelProcess) throws {
        let request = Self.request(COWK_OP_EXEC)
        // the answer is the fresh image announcing itself on the same socket (or execve's error)
        let answer = try step(process, request)
        guard answer.error == 0 else { throw failure(answer, "exec", process) }
        participants[process.index].ranges = []
    }

    /// exit: the process ends; returns once the kernel has torn its address space down.
    public func exit(_ process: KernelProcess) throws {
        let request = Self.request(COWK_OP_EXIT)
        _ = try step(process, request)
        try awaitEnd(process.index)
        participants[process.index].exit = .exited
    }

    public func exitState(_ process: KernelProcess) -> KernelExit { participants[process.index].exit }

    // MARK: memory

    public func map(_ process: KernelProcess, at address: UInt64, pages: Int, backing: KernelBacking,
                    permissions: KernelPermissions, shared: Bool = false, hugePages: Bool = false) throws {
        var request = Self.request(COWK_OP_MAP, address, pages, permissions.rawValue)
        request.flags = (shared ? UInt32(COWK_MAP_SHARED) : 0) | (hugePages ? UInt32(COWK_MAP_HUGEPAGE) : 0)
        var fd: Int32 = -1
        if case .file(let file, let offset) = backing {
            request.flags |= UInt32(COWK_MAP_FILE)
            request.offset = UInt64(offset)
            fd = files[file.index].fd
        }
        let answer = try step(process, request, attaching: fd)
        guard answer.error == 0 else {
            if answer.error == EEXIST {
                throw KernelError.refused("\(process): 0x\(String(address, radix: 16)) (\(pages) pages) overlaps a mapping already there (the script's, or the participant program's own)")
            }
            throw failure(answer, "mmap", process)
        }
        addRange(process.index, address, address + UInt64(pages) * KernelHost.pageSize)
    }

    public func unmap(_ process: KernelProcess, at address: UInt64, pages: Int) throws {
        try simple(process, COWK_OP_UNMAP, address, pages, 0, "munmap")
        removeRange(process.index, address, address + UInt64(pages) * KernelHost.pageSize)
    }

    public func protect(_ process: KernelProcess, at address: UInt64, pages: Int, _ permissions: KernelPermissions) throws {
        try simple(process, COWK_OP_PROTECT, address, pages, permissions.rawValue, "mprotect")
    }

    @discardableResult
    public func advise(_ process: KernelProcess, at address: UInt64, pages: Int, _ advice: KernelAdvice) throws -> KernelAccess {
        try simple(process, COWK_OP_ADVISE, address, pages, advice.rawValue, "madvise")
    }

    @discardableResult
    public func msync(_ process: KernelProcess, at address: UInt64, pages: Int) throws -> KernelAccess {
        try simple(process, COWK_OP_MSYNC, address, pages, 0, "msync")
    }

    /// Faults the range in as MAP_POPULATE does (MADV_POPULATE_WRITE for a private writable
    /// mapping, MADV_POPULATE_READ otherwise: the same get_user_pages faults), counting the faults
    /// as the process's own (Linux counts them in its rusage).
    @discardableResult
    public func populate(_ process: KernelProcess, at address: UInt64, pages: Int, write: Bool) throws -> KernelAccess {
        try counted(process, COWK_OP_ADVISE, address, pages, (write ? KernelAdvice.populateWrite : .populateRead).rawValue, "madvise populate")
    }

    /// mlock (populates, counting the faults) or munlock.
    @discardableResult
    public func mlock(_ process: KernelProcess, at address: UInt64, pages: Int, lock: Bool) throws -> KernelAccess {
        try counted(process, COWK_OP_MLOCK, address, pages, lock ? 1 : 0, lock ? "mlock" : "munlock")
    }

    /// As `simple`, counting the faults taken inside the call.
    private func counted(_ process: KernelProcess, _ op: cowk_op, _ address: UInt64, _ pages: Int, _ value: Int64, _ call: String) throws -> KernelAccess {
        let request = Self.request(op, address, pages, value)
        let before = op == COWK_OP_MLOCK && value == 0 ? nil : try? self.pages(process, at: address, count: pages)
        let answer = try step(process, request)
        var result = account(process.index, answer, values: [])
        if result.killedBy == nil, answer.error != 0 { throw failure(answer, call, process) }
        countCopies(process, at: address, pages: pages, before: before, into: &result)
        return result
    }

    /// mremap: to `newAddress` (moved with its entries) or, when nil, resized in place.
    @discardableResult
    public func mremap(_ process: KernelProcess, at address: UInt64, pages: Int, to newAddress: UInt64?, newPages: Int) throws -> KernelAccess {
        var request = Self.request(COWK_OP_MREMAP, address, pages, Int64(bitPattern: newAddress ?? 0))
        request.offset = UInt64(newPages)
        let answer = try step(process, request)
        guard answer.error == 0 else {
            if answer.error == EEXIST {
                throw KernelError.refused("\(process): mremap destination 0x\(String(newAddress ?? 0, radix: 16)) is not free")
            }
            throw failure(answer, "mremap", process)
        }
        removeRange(process.index, address, address + UInt64(pages) * KernelHost.pageSize)
        let to = newAddress ?? address
        addRange(process.index, to, to + UInt64(newPages) * KernelHost.pageSize)
        // Growing an mlock'd mapping in place populates the new pages: those faults are the
        // process's own (a move takes none).
        return account(process.index, answer, values: [], countsFaults: newAddress == nil)
    }

    /// Reads the first 8 bytes of every page, faulting as needed; the process may die (SIGSEGV, SIGBUS).
    public func read(_ process: KernelProcess, at address: UInt64, pages: Int) throws -> KernelAccess {
        var result = KernelAccess(values: [], minorFaults: 0, majorFaults: 0)
        var done = 0
        while done < pages {
            let n = min(pages - done, Int(COWK_CHUNK))
            let request = Self.request(COWK_OP_READ, address + UInt64(done) * KernelHost.pageSize, n)
            var words = [UInt64](repeating: 0, count: n)
            let answer = try step(process, request, payload: &words)
            let part = account(process.index, answer, values: words.prefix(Int(answer.count)).map { Int64(bitPattern: $0) })
            result.values += part.values
            result.minorFaults += part.minorFaults
            result.majorFaults += part.majorFaults
            if let signal = part.killedBy {
                result.killedBy = signal
                return result
            }
            guard answer.error == 0 else { throw failure(answer, "read", process) }
            done += n
        }
        return result
    }

    /// Writes `value` into the first 8 bytes of every page. With root, counts the copy-on-write
    /// copies and reuses of the step from the frames before and after.
    public func write(_ process: KernelProcess, at address: UInt64, pages: Int, value: Int64) throws -> KernelAccess {
        let before = try? self.pages(process, at: address, count: pages)
        let request = Self.request(COWK_OP_WRITE, address, pages, value)
        let answer = try step(process, request)
        var result = account(process.index, answer, values: [])
        if result.killedBy == nil, answer.error != 0 { throw failure(answer, "write", process) }
        countCopies(process, at: address, pages: pages, before: before, into: &result)
        return result
    }

    /// With root, counts the copy-on-write copies and reuses of a step (a write, a populate, an
    /// mlock) from the frames before and after it.
    private func countCopies(_ process: KernelProcess, at address: UInt64, pages: Int, before: [KernelPage]?, into result: inout KernelAccess) {
        if result.killedBy == nil, let before, let after = try? self.pages(process, at: address, count: pages) {
            var copies = 0, fresh = 0, kept = 0
            var privateFile: Bool?
            for (b, a) in zip(before, after) {
                // a copy-on-write fault that kept its frame leaves an anonymous page where it was
                if b.present && !b.isZeroPage && a.present && a.frame == b.frame && a.isAnonymous { kept += 1 }
                if b.present && !b.isZeroPage && a.present && a.frame != b.frame && a.isAnonymous {
                    copies += 1  // a copy of a shared anonymous page or of a mapped file page
                } else if !b.present && a.isAnonymous {
                    if privateFile == nil { privateFile = isPrivateFile(process, address) }
                    if privateFile == true { copies += 1 } else { fresh += 1 }  // a file page copied, or a zero-filled page
                } else if (!b.present || b.isZeroPage) && a.present {
                    fresh += 1
                }
            }
            // Faults that neither copied nor filled a page were reuses, as many as pages kept
            // their anonymous frame; the rest were write notifications of shared file pages.
            let reuses = min(kept, max(0, result.minorFaults + result.majorFaults - copies - fresh))
            result.copies = copies
            result.reuses = reuses
            participants[process.index].copies += copies
            participants[process.index].reuses += reuses
        }
    }

    // MARK: files

    /// A file of `pages` pages whose page i holds contents[i] (0 past the end of `contents`) in its
    /// first 8 bytes, written and fsynced so its page-cache pages are clean; evicted from the page
    /// cache unless `cached`.
    public func createFile(_ name: String, pages: Int, contents: [Int64] = [], cached: Bool) throws -> KernelFile {
        let fd = cowk_tmpfile(folder)
        guard fd >= 0 else { throw KernelError.system(call: "open(O_TMPFILE)", detail: "in \(folder)", errno: errno) }
        var page = [UInt8](repeating: 0, count: Int(KernelHost.pageSize))
        for i in 0..<pages {
            let value = i < contents.count ? contents[i] : 0
            withUnsafeBytes(of: value.littleEndian) { bytes in for k in 0..<8 { page[k] = bytes[k] } }
            let written = page.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(i) * off_t(KernelHost.pageSize)) }
            guard written == Int(KernelHost.pageSize) else {
                let code = errno
                close(fd)
                throw KernelError.system(call: "pwrite", detail: "of file \(name)", errno: code)
            }
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            throw KernelError.system(call: "fsync", detail: "of file \(name)", errno: code)
        }
        files.append(FileRecord(name: name, pages: pages, fd: fd))
        let file = KernelFile(name: name, pages: pages, index: files.count - 1)
        if !cached { try dropCache(file) }
        return file
    }

    /// fsync + POSIX_FADV_DONTNEED on one of the script's files: its pages nobody maps leave the
    /// page cache. Never the machine's caches.
    public func dropCache(_ file: KernelFile) throws {
        guard cowk_drop_cache(files[file.index].fd) == 0 else {
            throw KernelError.system(call: "posix_fadvise(DONTNEED)", detail: "of file \(file.name)", errno: errno)
        }
    }

    /// Pages of the script's files in the page cache now (mincore; nothing is faulted in).
    public func cachedFilePages() throws -> Int {
        var total = 0
        for file in files where file.fd >= 0 {
            let n = cowk_cached_pages(file.fd, UInt64(file.pages))
            guard n >= 0 else { throw KernelError.system(call: "mincore", detail: "of file \(file.name)", errno: errno) }
            total += n
        }
        return total
    }

    /// `drop-caches`: every file of the script.
    public func dropCaches() throws {
        for i in files.indices where files[i].fd >= 0 {
            try dropCache(KernelFile(name: files[i].name, pages: files[i].pages, index: i))
        }
    }

    // MARK: figures

    /// Every VMA of the process's /proc/PID/smaps that lies in the script's mappings.
    public func smaps(_ process: KernelProcess) throws -> [KernelSmaps] {
        let text = try procText(process, "smaps")
        var blocks: [KernelSmaps] = []
        for line in text.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
               let start = UInt64(line[..<dash], radix: 16),
               let end = UInt64(line[line.index(after: dash)..<space], radix: 16) {
                var block = KernelSmaps()
                block.start = start
                block.end = end
                blocks.append(block)
            } else if let colon = line.firstIndex(of: ":"), !blocks.isEmpty {
                let key = line[..<colon]
                let rest = line[line.index(after: colon)...].split(separator: " ")
                if rest.count == 2, rest[1] == "kB", let kB = Int(rest[0]) { blocks[blocks.count - 1].set(key, kB) }
            }
        }
        let ranges = participants[process.index].ranges
        return blocks.filter { b in ranges.contains { $0.start <= b.start && b.end <= $0.end } }
    }

    /// The smaps figures of [start, end) (one script region), summed over its VMAs; refused when
    /// the kernel merged the region with a neighbour into one VMA (its figures are not separable).
    public func smaps(_ process: KernelProcess, from start: UInt64, to end: UInt64) throws -> KernelSmaps {
        try smaps(process, ranges: [(start, end)])[0]
    }

    /// Like `smaps(_:from:to:)` for several regions, from one read of /proc/PID/smaps.
    public func smaps(_ process: KernelProcess, ranges: [(start: UInt64, end: UInt64)]) throws -> [KernelSmaps] {
        let blocks = try smaps(process)
        return try ranges.map { range in
            var sum = KernelSmaps()
            sum.start = range.start
            sum.end = range.end
            for block in blocks where block.start < range.end && range.start < block.end {
                guard range.start <= block.start && block.end <= range.end else {
                    throw KernelError.refused("\(process): the kernel merged 0x\(String(range.start, radix: 16))..0x\(String(range.end, radix: 16)) with a neighbouring mapping into one VMA (0x\(String(block.start, radix: 16))..0x\(String(block.end, radix: 16))); its own figures cannot be told apart")
                }
                sum.add(block)
            }
            return sum
        }
    }

    /// The script's part of the process: the sum over its VMAs (Pss summed per VMA as printed).
    public func total(_ process: KernelProcess) throws -> KernelSmaps {
        var sum = KernelSmaps()
        for block in try smaps(process) { sum.add(block) }
        return sum
    }

    /// /proc/PID/smaps_rollup as the kernel prints it: the whole process, the participant's own
    /// program mappings included, Pss shifted once after summing (conformance rule 8).
    public func rollup(_ process: KernelProcess) throws -> KernelSmaps {
        var sum = KernelSmaps()
        for line in try procText(process, "smaps_rollup").split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let rest = line[line.index(after: colon)...].split(separator: " ")
            if rest.count == 2, rest[1] == "kB", let kB = Int(rest[0]) { sum.set(line[..<colon], kB) }
        }
        return sum
    }

    /// VmPTE of /proc/PID/status in kB (the whole process's page tables, its own program's included).
    public func vmPTE(_ process: KernelProcess) throws -> Int {
        for line in try procText(process, "status").split(separator: "\n") where line.hasPrefix("VmPTE:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kB = Int(parts[1]) { return kB }
        }
        throw KernelError.refused("\(process): no VmPTE line in /proc/\(process.pid)/status")
    }

    /// Faults the process took in its own accesses, copies and reuses (root) so far.
    public func counters(_ process: KernelProcess) -> (minor: Int, major: Int, copies: Int, reuses: Int) {
        let p = participants[process.index]
        return (p.minorFaults, p.majorFaults, p.copies, p.reuses)
    }

    /// Frames and map counts of `count` pages from `address`. Throws `needsRoot` when the kernel
    /// hides frame numbers from this reader.
    public func pages(_ process: KernelProcess, at address: UInt64, count: Int) throws -> [KernelPage] {
        var result: [KernelPage] = []
        result.reserveCapacity(count)
        var done = 0
        while done < count {
            let n = min(count - done, Int(COWK_CHUNK))
            let request = Self.request(COWK_OP_PAGEMAP, address + UInt64(done) * KernelHost.pageSize, n)
            var words = [UInt64](repeating: 0, count: 3 * n)
            let answer = try step(process, request, payload: &words)
            guard answer.error == 0 else { throw failure(answer, "pagemap", process) }
            for i in 0..<n {
                let entry = words[3 * i], mapcount = words[3 * i + 1], flags = words[3 * i + 2]
                guard entry != COWK_UNAVAILABLE else { throw KernelError.needsRoot("frame()") }
                let present = entry >> 63 == 1
                let frame = entry & ((1 << 55) - 1)
                if present && (frame == 0 || mapcount == COWK_UNAVAILABLE || flags == COWK_UNAVAILABLE) {
                    throw KernelError.needsRoot("frame() and mapcount()")
                }
                let zero = present && (flags >> 24) & 1 == 1
                result.append(KernelPage(
                    present: present, frame: present ? frame : nil, mapcount: present && !zero ? Int(mapcount) : 0,
                    isZeroPage: zero, isAnonymous: present && (flags >> 12) & 1 == 1, exclusive: (entry >> 56) & 1 == 1))
            }
            done += n
        }
        return result
    }

    /// Exact Pss of [start, end) in pages: the sum of 1/mapcount over its present pages (root only).
    public func exactPss(_ process: KernelProcess, from start: UInt64, to end: UInt64) throws -> Rational {
        var sum = Rational.zero
        for page in try pages(process, at: start, count: Int((end - start) / KernelHost.pageSize))
        where page.present && !page.isZeroPage && page.mapcount > 0 {
            sum = sum.adding(Rational(1, page.mapcount) ?? .zero) ?? sum
        }
        return sum
    }

    /// The value in the page at `address` without faulting: nil when nothing is present, 0 on the
    /// zero page; otherwise the first 8 bytes, read through /proc/PID/mem.
    public func value(_ process: KernelProcess, at address: UInt64) throws -> Int64? {
        let request = Self.request(COWK_OP_PAGEMAP, address, 1)
        var words = [UInt64](repeating: 0, count: 3)
        let answer = try step(process, request, payload: &words)
        guard answer.error == 0, words[0] != COWK_UNAVAILABLE else { throw failure(answer, "pagemap", process) }
        guard words[0] >> 63 == 1 else { return nil }
        let fd = open("/proc/\(process.pid)/mem", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError.system(call: "open", detail: "/proc/\(process.pid)/mem", errno: errno) }
        defer { close(fd) }
        var value: Int64 = 0
        let got = withUnsafeMutableBytes(of: &value) { pread(fd, $0.baseAddress, 8, off_t(Int64(bitPattern: address & ~(KernelHost.pageSize - 1)))) }
        guard got == 8 else { throw KernelError.system(call: "pread", detail: "/proc/\(process.pid)/mem", errno: errno) }
        return value
    }

    /// Distinct frames mapped by the given pages of the given processes (zero page excluded; root only).
    public func distinctFrames(_ spans: [(KernelProcess, UInt64, Int)]) throws -> Int {
        var frames = Set<UInt64>()
        for (process, address, count) in spans where participants[process.index].exit == .running {
            for page in try pages(process, at: address, count: count) where page.present && !page.isZeroPage {
                if let frame = page.frame { frames.insert(frame) }
            }
        }
        return frames.count
    }

    // MARK: plumbing

    private func startChild(of parent: KernelProcess, name: String, op: cowk_op, emptySpace: Bool = false) throws -> KernelProcess {
        var pair: [Int32] = [-1, -1]
        guard cowk_socketpair(&pair) == 0 else { throw KernelError.system(call: "socketpair", detail: "for \(name)", errno: errno) }
        let request = Self.request(op)
        let answer: cowk_reply
        do {
            answer = try step(parent, request, attaching: pair[1])
        } catch {
            close(pair[0])
            close(pair[1])
            throw error
        }
        close(pair[1])
        guard answer.error == 0 else {
            close(pair[0])
            throw failure(answer, op == COWK_OP_FORK ? "fork" : "vfork", parent)
        }
        let child = try adopt(name: name, socket: pair[0], spawnedHere: false, expectedPid: nil)
        if !emptySpace { participants[child.index].ranges = participants[parent.index].ranges }
        return child
    }

    private func adopt(name: String, socket: Int32, spawnedHere: Bool, expectedPid: Int32?) throws -> KernelProcess {
        var timeout = timeval(tv_sec: options.stepTimeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var hello = cowk_reply()
        let got = cowk_receive(socket, &hello, nil, 0)
        let code = errno
        guard got == 1, hello.error == 0, hello.pid > 0 else {
            close(socket)
            if let expectedPid {
                kill(expectedPid, SIGKILL)
                var status: Int32 = 0
                waitpid(expectedPid, &status, 0)
            }
            throw KernelError.system(call: "start", detail: "of participant \(name) (\(options.participant))", errno: got < 0 ? code : EPIPE)
        }
        let pid = Int32(hello.pid)
        let pidfd = cowk_pidfd_open(pid)
        guard pidfd >= 0 else {
            let code = errno
            kill(pid, SIGKILL)
            close(socket)
            throw KernelError.system(call: "pidfd_open", detail: "of \(name)", errno: code)
        }
        participants.append(Participant(name: name, pid: pid, pidfd: pidfd, socket: socket, spawnedHere: spawnedHere))
        return KernelProcess(name: name, pid: pid, index: participants.count - 1)
    }

    /// A request with the fields most calls fill: the operation, its range and its value.
    private static func request(_ op: cowk_op, _ address: UInt64 = 0, _ pages: Int = 0, _ value: Int64 = 0) -> cowk_request {
        var request = cowk_request()
        request.op = UInt32(op.rawValue)
        request.addr = address
        request.pages = UInt64(pages)
        request.value = value
        return request
    }

    @discardableResult
    private func simple(_ process: KernelProcess, _ op: cowk_op, _ address: UInt64, _ pages: Int, _ value: Int64, _ call: String) throws -> KernelAccess {
        let request = Self.request(op, address, pages, value)
        let answer = try step(process, request)
        // Faults are the process's own accesses only: what the participant program itself
        // faults in around these calls (its code, its stack) is not the script's.
        let result = account(process.index, answer, values: [], countsFaults: false)
        if result.killedBy == nil, answer.error != 0 { throw failure(answer, call, process) }
        return result
    }

    private func step(_ process: KernelProcess, _ request: cowk_request, attaching fd: Int32 = -1) throws -> cowk_reply {
        var none: [UInt64] = []
        return try step(process, request, payload: &none, attaching: fd)
    }

    /// Sends one request and waits for its answer; a participant that died mid-step answers
    /// COWK_KILLED (from its signal handler) and is waited for until the kernel has torn it down.
    private func step(_ process: KernelProcess, _ request: cowk_request, payload: inout [UInt64], attaching fd: Int32 = -1) throws -> cowk_reply {
        let index = process.index
        guard participants[index].exit == .running, participants[index].socket >= 0 else {
            throw KernelError.noProcess(process.name)
        }
        var request = request
        guard cowk_send(participants[index].socket, &request, fd) == 0 else {
            let code = errno
            try? awaitEnd(index)
            markDead(index, signal: nil, address: nil)
            throw KernelError.system(call: "send", detail: "to \(process.name)", errno: code)
        }
        return try receive(process, payload: &payload)
    }

    private func receive(_ process: KernelProcess, payload: inout [UInt64]) throws -> cowk_reply {
        let index = process.index
        var reply = cowk_reply()
        let capacity = UInt64(payload.count)
        let got = payload.withUnsafeMutableBufferPointer { cowk_receive(participants[index].socket, &reply, $0.baseAddress, capacity) }
        if got == 1 && reply.error == Int32(COWK_KILLED) {
            try awaitEnd(index)
            markDead(index, signal: reply.signal, address: reply.fault_addr)
            return reply
        }
        guard got == 1 else {
            let code = got == 0 ? EPIPE : errno
            if code == EAGAIN || code == EWOULDBLOCK {
                _ = cowk_pidfd_kill(participants[index].pidfd, SIGKILL)
                try? awaitEnd(index)
                markDead(index, signal: SIGKILL, address: nil)
                throw KernelError.refused("\(process.name) did not answer within \(options.stepTimeoutSeconds) s and was killed")
            }
            try? awaitEnd(index)
            markDead(index, signal: nil, address: nil)
            throw KernelError.noProcess(process.name)
        }
        return reply
    }

    private func awaitEnd(_ index: Int) throws {
        let ended = cowk_pidfd_wait(participants[index].pidfd, Int32(options.stepTimeoutSeconds * 1000))
        guard ended == 1 else {
            _ = cowk_pidfd_kill(participants[index].pidfd, SIGKILL)
            _ = cowk_pidfd_wait(participants[index].pidfd, 5000)
            throw KernelError.refused("\(participants[index].name) did not end within \(options.stepTimeoutSeconds) s and was killed")
        }
        if participants[index].spawnedHere {
            var status: Int32 = 0
            waitpid(participants[index].pid, &status, 0)
            participants[index].spawnedHere = false
        }
    }

    private func markDead(_ index: Int, signal: Int32?, address: UInt64?) {
        if participants[index].exit == .running {
            participants[index].exit = signal.map { .killed(signal: $0, address: address) } ?? .killed(signal: 0, address: nil)
        }
        if participants[index].socket >= 0 {
            close(participants[index].socket)
            participants[index].socket = -1
        }
    }

    private func account(_ index: Int, _ reply: cowk_reply, values: [Int64], countsFaults: Bool = true) -> KernelAccess {
        guard countsFaults else {
            return KernelAccess(values: values, minorFaults: 0, majorFaults: 0,
                                killedBy: reply.error == Int32(COWK_KILLED) ? reply.signal : nil)
        }
        participants[index].minorFaults += Int(reply.minor_faults)
        participants[index].majorFaults += Int(reply.major_faults)
        return KernelAccess(values: values, minorFaults: Int(reply.minor_faults), majorFaults: Int(reply.major_faults),
                            killedBy: reply.error == Int32(COWK_KILLED) ? reply.signal : nil)
    }

    private func failure(_ reply: cowk_reply, _ call: String, _ process: KernelProcess) -> KernelError {
        if reply.error == Int32(COWK_KILLED) { return .noProcess(process.name) }
        return .system(call: call, detail: "in \(process.name)", errno: reply.error)
    }

    private func isPrivateFile(_ process: KernelProcess, _ address: UInt64) -> Bool {
        // A page that was not present before a write and is anonymous after it: in a private
        // file mapping that is a copy of the file page; in anonymous memory a fresh zero page.
        // smaps tells which: a file mapping shows an inode in its header.
        guard let text = try? procText(process, "maps") else { return false }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
                  let start = UInt64(fields[0][..<dash], radix: 16),
                  let end = UInt64(fields[0][fields[0].index(after: dash)...], radix: 16) else { continue }
            if start <= address && address < end { return fields[1].hasSuffix("p") && fields[4] != "0" }
        }
        return false
    }

    private func procText(_ process: KernelProcess, _ file: String) throws -> String {
        guard participants[process.index].exit == .running else { throw KernelError.noProcess(process.name) }
        let path = "/proc/\(process.pid)/\(file)"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError.system(call: "open", detail: path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw KernelError.system(call: "read", detail: path, errno: errno) }
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func addRange(_ index: Int, _ start: UInt64, _ end: UInt64) {
        participants[index].ranges.append((start, end))
        participants[index].ranges.sort { $0.start < $1.start }
        var merged: [(start: UInt64, end: UInt64)] = []
        for r in participants[index].ranges {
            if let last = merged.last, r.start <= last.end {
                merged[merged.count - 1].end = max(last.end, r.end)
            } else {
                merged.append(r)
            }
        }
        participants[index].ranges = merged
    }

    private func removeRange(_ index: Int, _ start: UInt64, _ end: UInt64) {
        var kept: [(start: UInt64, end: UInt64)] = []
        for r in participants[index].ranges {
            if r.end <= start || end <= r.start {
                kept.append(r)
                continue
            }
            if r.start < start { kept.append((r.start, start)) }
            if end < r.end { kept.append((end, r.end)) }
        }
        participants[index].ranges = kept
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

/// The participant side, entered by the cowsim executable before anything else.
public enum KernelParticipant {
    /// The hidden first argument that makes cowsim a participant.
    public static let flag = COWK_PARTICIPANT_FLAG

    /// If this process was started as a participant, serves its controller and never returns.
    public static func runIfRequested() {
        let arguments = CommandLine.arguments
        guard arguments.count > 1, arguments[1] == flag else { return }
        var cStrings = arguments.map { strdup($0) }
        cStrings.append(nil)
        _ = cowk_participant_main(Int32(arguments.count), &cStrings)
        Glibc.exit(2)
    }
}
