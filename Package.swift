// swift-tools-version: 6.1
// cowsim: a simulator that teaches how operating systems share memory.
// Layers, dependencies one way only:
//   CowEngine (pure model) <- CowLanguage (lexer, parser, interpreter, renderers)
//   <- CowHomework (quiz, grading, solution sheets, test runner, transcript checks)
//    / CowShell (readline REPL) <- cowsim (argument parsing only).
import PackageDescription

let package = Package(
    name: "cowsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cowsim", targets: ["cowsim"]),
        .library(name: "CowEngine", targets: ["CowEngine"]),
        .library(name: "CowLanguage", targets: ["CowLanguage"]),
        .library(name: "CowHomework", targets: ["CowHomework"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(name: "CowEngine"),
        .target(name: "CowLanguage", dependencies: ["CowEngine"]),
        .target(name: "CowHomework", dependencies: ["CowLanguage"]),
        // The kernel backend: real participant processes (C) driven by a Swift controller.
        .target(name: "CKernelParticipant"),
        .target(name: "CowKernel", dependencies: ["CowEngine", "CowLanguage", "CKernelParticipant"]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        // The Ctrl-C handler and its flags: compiled C, so there is exactly one copy of the state.
        .target(name: "CowSignals", linkerSettings: [.linkedLibrary("readline")]),
        .target(name: "CowShell", dependencies: ["CowLanguage", "CReadline", "CowSignals"]),
        .executableTarget(
            name: "cowsim",
            dependencies: [
                "CowShell", "CowHomework", "CowLanguage", "CowKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "CowEngineTests",
            dependencies: [
                "CowEngine",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "CowKernelTests", dependencies: ["CowKernel", "cowsim", "CowTestSupport"]),
        .testTarget(
            name: "CowLanguageTests",
            dependencies: ["CowLanguage", "CowTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "CowHomeworkTests", dependencies: ["CowHomework", "CowLanguage", "CowTestSupport"]),
        .target(name: "CowTestSupport", path: "Tests/CowTestSupport"),
        .testTarget(name: "CowShellTests", dependencies: ["CowShell", "cowsim", "CowTestSupport"]),
        .testTarget(
            name: "CowsimTests", dependencies: ["CowLanguage", "CowHomework", "cowsim", "CowTestSupport"], exclude: ["Failing"]),
    ]
)
