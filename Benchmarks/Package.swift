// swift-tools-version:6.2
// The core benchmark: JWTAuth against jwt-kit and the raw swift-crypto primitives, in one run; and the bare
// Hummingbird app that scripts/bench-service measures `jwt-auth serve` beside, over HTTP (BareHummingbird) and in
// process (RouteBenchmark).
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
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
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
        // The reference routes: Hummingbird alone, the version jwt-auth builds with.
        .target(
            name: "BareRoutes",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The reference app of scripts/bench-service: BareRoutes served over HTTP.
        .executableTarget(
            name: "BareHummingbird",
            dependencies: ["BareRoutes", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        // scripts/bench-routes: jwt-auth serve's responder and BareRoutes', called in process.
        .executableTarget(
            name: "RouteBenchmark",
            dependencies: [
                "BareRoutes",
                .product(name: "AuthServer", package: "swift-jwt-auth"),
                .product(name: "JWTAuth", package: "swift-jwt-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
