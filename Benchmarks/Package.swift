// swift-tools-version:6.2
// The core benchmark: JWTAuth against jwt-kit and the raw swift-crypto primitives, in one run.
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
        )
    ]
)
