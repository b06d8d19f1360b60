// swift-tools-version:6.2
// The core benchmark: JWTAuth against jwt-kit and the raw swift-crypto primitives, in one run; and the bare
// Hummingbird app that scripts/bench-service measures `jwt-auth serve` beside.
// Its own package, so that jwt-kit is a dependency of the benchmark only. Run `scripts/bench-core`.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "jwt-auth-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-jwt-auth", path: ".."),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmark",
            dependencies: [
                .product(name: "JWTAuth", package: "swift-jwt-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The reference app of scripts/bench-service: Hummingbird alone, the version jwt-auth builds with.
        .executableTarget(
            name: "BareHummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
