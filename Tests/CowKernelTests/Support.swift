import CowEngine
import CowKernel
import CowTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One row of the conformance README's tables, in 4 KiB pages (Pss as smaps prints it, so
/// fractions of a page are whole kB).
struct Row: Equatable, CustomStringConvertible {
    var rss = 0
    var pss = Rational.zero
    var sharedClean = 0, sharedDirty = 0, privateClean = 0, privateDirty = 0
    var anonymous = 0

    /// `pss` in whole pages, or `pssFraction` when it is not whole.
    init(rss: Int, pss: Int = 0, pssFraction: Rational? = nil, sharedClean: Int = 0, sharedDirty: Int = 0, privateClean: Int = 0,
         privateDirty: Int = 0, anonymous: Int = 0) {
        self.rss = rss
        self.pss = pssFraction ?? Rational(pss)
        self.sharedClean = sharedClean
        self.sharedDirty = sharedDirty
        self.privateClean = privateClean
        self.privateDirty = privateDirty
        self.anonymous = anonymous
    }

    init(_ s: KernelSmaps) {
        rss = s.rss / 4
        pss = Rational(s.pss, 4) ?? .zero
        sharedClean = s.sharedClean / 4
        sharedDirty = s.sharedDirty / 4
        privateClean = s.privateClean / 4
        privateDirty = s.privateDirty / 4
        anonymous = s.anonymous / 4
    }

    var description: String {
        "Rss \(rss) Pss \(pss) ShCl \(sharedClean) ShDi \(sharedDirty) PrCl \(privateClean) PrDi \(privateDirty) Anon \(anonymous)"
    }
}

/// A host whose participants are the built cowsim binary (the test runner is not cowsim).
func makeHost(runAs: (uid: UInt32, gid: UInt32)? = nil) throws -> KernelHost {
    try KernelHost(options: .init(participant: try CowsimBinary.require(), runAs: runAs, stepTimeoutSeconds: 30))
}

/// The kernel backend's tests drive real processes: they need Linux, and the frame figures
/// need root (CI and these machines run as root).
let onLinuxAsRoot: Bool = {
    #if os(Linux)
    return geteuid() == 0
    #else
    return false
    #endif
}()

extension KernelHost {
    func row(_ p: KernelProcess) throws -> Row { Row(try total(p)) }
    func row(_ p: KernelProcess, _ start: UInt64, pages: Int) throws -> Row {
        Row(try smaps(p, from: start, to: start + UInt64(pages) * 4096))
    }
    func faults(_ p: KernelProcess) -> Int { counters(p).minor + counters(p).major }
    func copies(_ p: KernelProcess) -> Int { counters(p).copies }
}
