import CBenchSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Workload 5: `cowsim -c 'stats'` as a whole process (exec, dynamic linking, Swift runtime
/// start-up, argument parsing, one command, exit).
public enum StartUp {
    /// Where `Benchmarks/compare` builds cowsim, relative to the Benchmarks folder; the
    /// COWSIM_BIN environment variable overrides it.
    public static let defaultBinary = ".build/root/release/cowsim"

    /// The cowsim binary to start, or nil when it has not been built.
    public static func binary() -> String? {
        let path = getenv("COWSIM_BIN").map { String(cString: $0) } ?? defaultBinary
        return access(path, X_OK) == 0 ? path : nil
    }

    /// Runs `binary -c stats` once with output discarded; throws unless it exits with 0.
    public static func run(_ binary: String) throws {
        let arguments = [binary, "-c", "stats"]
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        let status = pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { cowbench_run_quietly($0) } ?? -1
        }
        guard status == 0 else {
            throw WorkloadError.scriptFailed("\(binary) -c stats exited with status \(status)")
        }
    }

    /// Prints a note on standard error (standard output may carry the benchmark tool's data).
    public static func note(_ text: String) {
        var message = "note: \(text)\n"
        message.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }
}
