// swift-tools-version: 6.1
// cowsim's fuzz target: libFuzzer (the Swift toolchain's `-sanitize=fuzzer`) with AddressSanitizer,
// feeding arbitrary bytes to the script runner and to the quiz answer parsers. A package of its
// own, so the root package's builds never need the sanitizers. Run it with `dev/fuzz [SECONDS]`
// from the repository's root (it builds with `--sanitize fuzzer --sanitize address`, which
// instruments cowsim's own code too, and seeds the corpus from Scripts/).
import PackageDescription

let package = Package(
    name: "CowsimFuzz",
    dependencies: [
        // The root package. An explicit name: a fresh clone's folder name is not "cowsim".
        .package(name: "cowsim", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "cowsim-fuzz",
            dependencies: [
                .product(name: "CowEngine", package: "cowsim"),
                .product(name: "CowHomework", package: "cowsim"),
                .product(name: "CowLanguage", package: "cowsim"),
            ]),
    ]
)
