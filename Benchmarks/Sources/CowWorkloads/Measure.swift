import CBenchSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clocks and memory gauges shared by cowbench-sim: the same CLOCK_MONOTONIC the kernel
/// program uses, the process's peak resident set, and the exact bytes malloc has handed out.
public enum Measure {
    /// Seconds on CLOCK_MONOTONIC.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Runs `body` and returns its wall time in seconds.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return now() - start
    }

    /// Peak resident set size of this process so far, in bytes (getrusage's ru_maxrss is KiB on Linux).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #else
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
        #endif
    }

    /// Bytes currently allocated through malloc (small chunks plus mmapped big ones). Exact and
    /// repeatable, unlike resident-set growth, so engine memory per entry is a stable figure.
    public static func allocatedBytes() -> Int {
        Int(cowbench_allocated_bytes())
    }
}
