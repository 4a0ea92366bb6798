import CowEngine

/// Why the kernel backend could not do or answer something. Every case reads as a sentence.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kernel backend runs real Linux processes; this is another system.
    case needsLinux
    /// A figure that only a privileged reader gets from the kernel (page frame numbers, map counts).
    case needsRoot(String)
    /// A system call failed: which, on what, and errno's text.
    case system(call: String, detail: String, errno: Int32)
    /// The process is not (or no longer) running.
    case noProcess(String)
    /// Something the script asked for cannot be done as asked.
    case refused(String)

    public var description: String {
        switch self {
        case .needsLinux: return "the kernel backend needs Linux (it runs real processes on the host kernel)"
        case .needsRoot(let figure): return "\(figure) needs root (the kernel hides page frames from other users)"
        case .system(let call, let detail, let code): return "\(call) \(detail) failed: \(errnoText(code))"
        case .noProcess(let name): return "\(name) is not running"
        case .refused(let why): return why
        }
    }
}

/// Page permissions, as `mmap`/`mprotect` take them.
public struct KernelPermissions: OptionSet, Sendable, Hashable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static let read = KernelPermissions(rawValue: 1)
    public static let write = KernelPermissions(rawValue: 2)
    public static let execute = KernelPermissions(rawValue: 4)
    public static let none: KernelPermissions = []
    public static let readWrite: KernelPermissions = [.read, .write]
    public static let readExecute: KernelPermissions = [.read, .execute]
}

/// Every `madvise` advice, with Linux's numbers.
public enum KernelAdvice: Int64, CaseIterable, Sendable {
    case normal = 0, random = 1, sequential = 2, willNeed = 3, dontNeed = 4, free = 8, remove = 9
    case dontFork = 10, doFork = 11, mergeable = 12, unmergeable = 13, hugePage = 14, noHugePage = 15
    case dontDump = 16, doDump = 17, wipeOnFork = 18, keepOnFork = 19, cold = 20, pageOut = 21
    case populateRead = 22, populateWrite = 23
}

/// What a mapping maps.
public enum KernelBacking: Sendable, Equatable {
    case anonymous
    /// A file made by `KernelHost.createFile`, from its page `offset` on.
    case file(KernelFile, offset: Int)
}

/// A file of the script, in the host's private temporary folder.
public struct KernelFile: Sendable, Hashable {
    public let name: String
    public let pages: Int
    let index: Int
}

/// A participant process, as the controller knows it.
public struct KernelProcess: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// The host pid.
    public let pid: Int32
    let index: Int
    public var description: String { name }
}

/// How a process ended.
public enum KernelExit: Sendable, Equatable {
    case running
    case exited
    /// Killed by this signal (SIGSEGV 11, SIGBUS 7, ...), at this address when the kernel said.
    case killed(signal: Int32, address: UInt64?)
}

/// What one read or write did.
public struct KernelAccess: Sendable, Equatable {
    /// Values read (first 8 bytes of each page), one a page; for writes, empty.
    public var values: [Int64]
    public var minorFaults: Int
    public var majorFaults: Int
    /// Set when the access killed the process.
    public var killedBy: Int32?
    /// Copy-on-write copies and reuses during the step (root only; nil without root).
    public var copies: Int?
    public var reuses: Int?
}

/// One block of /proc/PID/smaps (one VMA), or the sum of several; sizes in kB as the kernel prints them.
public struct KernelSmaps: Sendable, Equatable {
    public var start: UInt64 = 0
    public var end: UInt64 = 0
    public var size = 0, rss = 0, pss = 0
    public var sharedClean = 0, sharedDirty = 0, privateClean = 0, privateDirty = 0
    public var anonymous = 0, anonHugePages = 0, swap = 0, locked = 0
    public init() {}

    mutating func add(_ o: KernelSmaps) {
        size += o.size; rss += o.rss; pss += o.pss
        sharedClean += o.sharedClean; sharedDirty += o.sharedDirty
        privateClean += o.privateClean; privateDirty += o.privateDirty
        anonymous += o.anonymous; anonHugePages += o.anonHugePages; swap += o.swap; locked += o.locked
    }

    mutating func set(_ key: Substring, _ kB: Int) {
        switch key {
        case "Size": size = kB
        case "Rss": rss = kB
        case "Pss": pss = kB
        case "Shared_Clean": sharedClean = kB
        case "Shared_Dirty": sharedDirty = kB
        case "Private_Clean": privateClean = kB
        case "Private_Dirty": privateDirty = kB
        case "Anonymous": anonymous = kB
        case "AnonHugePages": anonHugePages = kB
        case "Swap": swap = kB
        case "Locked": locked = kB
        default: break
        }
    }

    /// In pages of `pageKB` (4 on x86-64): the simulator's unit. Pss stays the printed
    /// (fixed-point, truncated) figure, as a fraction of pages.
    public func usage(pageKB: Int = 4) -> Usage {
        Usage(rss: rss / pageKB, uss: (privateClean + privateDirty) / pageKB, sharedClean: sharedClean / pageKB,
              sharedDirty: sharedDirty / pageKB, privateClean: privateClean / pageKB,
              privateDirty: privateDirty / pageKB, anonymous: anonymous / pageKB, swap: swap / pageKB,
              pss: Rational(pss, pageKB) ?? .zero).with(lockedPss: Rational(locked, pageKB) ?? .zero)
    }
}

/// One virtual page, from /proc/PID/pagemap, /proc/kpagecount and /proc/kpageflags.
public struct KernelPage: Sendable, Equatable {
    public var present: Bool
    /// The page frame number; nil when not present.
    public var frame: UInt64?
    /// Map count of the frame (0 when not present; the zero page is not counted).
    public var mapcount: Int
    public var isZeroPage: Bool
    public var isAnonymous: Bool
    /// pagemap bit 56: the page is mapped by this process only.
    public var exclusive: Bool
}

func errnoText(_ code: Int32) -> String {
    #if canImport(Glibc)
    if let text = strerror(code) { return String(cString: text) }
    #endif
    return "error \(code)"
}

#if canImport(Glibc)
import Glibc
#endif

extension Usage {
    /// The same figures with `lockedPss` set (smaps Locked, in pages).
    func with(lockedPss: Rational) -> Usage {
        var u = self
        u.lockedPss = lockedPss
        return u
    }
}
