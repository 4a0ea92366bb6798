// swift-tools-version: 6.1
// cowsim's benchmarks: a package of its own so the root package's `swift build`/`swift test` stay
// fast (package-benchmark and its malloc interposer are heavy). Run everything with
// `Benchmarks/compare`; run the package-benchmark suite with
// `cd Benchmarks && swift package benchmark --scratch-path .build`.
import PackageDescription

let package = Package(
    name: "CowsimBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The root package. An explicit name: a fresh clone's folder name is not "cowsim".
        .package(name: "cowsim", path: ".."),
        // package-benchmark resolves only with this trait list (see ../shared/notes/readline-in-swift.md beside this repository).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The workloads, defined once, used by the package-benchmark suite and by cowbench-sim.
        // glibc's mallinfo2 (not exported by Swift's Glibc module) for exact malloc'd bytes, and
        // posix_spawn + wait for whole-process start-up runs.
        .target(name: "CBenchSupport"),
        .target(
            name: "CowWorkloads",
            dependencies: [
                "CBenchSupport",
                .product(name: "CowEngine", package: "cowsim"),
                .product(name: "CowLanguage", package: "cowsim"),
            ]),
        // Runs one workload and prints `workload<TAB>pages<TAB>seconds<TAB>extra` lines for `compare`.
        .executableTarget(name: "cowbench-sim", dependencies: ["CowWorkloads"]),
        // The package-benchmark suite (time, malloc and peak-memory metrics).
        .executableTarget(
            name: "CowBenchmarks",
            dependencies: [
                "CowWorkloads",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CowBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ],
    swiftLanguageModes: [.v6]
)
