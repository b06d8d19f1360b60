// swift-tools-version:6.2
// The swift-tools-version declares the minimum version of Swift required to build this package.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-jwt-auth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JWTAuth", targets: ["JWTAuth"]),
        .library(name: "JWTAuthHummingbird", targets: ["JWTAuthHummingbird"]),
        .library(name: "JWTAuthTesting", targets: ["JWTAuthTesting"]),
        .executable(name: "jwt-auth", targets: ["jwt-auth"]),
        .executable(name: "jwt-auth-example", targets: ["jwt-auth-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        .target(
            name: "JWTAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthHummingbird",
            dependencies: [
                "JWTAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthTesting",
            dependencies: ["JWTAuth"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jwt-auth",
            dependencies: [
                "JWTAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jwt-auth-example",
            dependencies: [
                "JWTAuth",
                "JWTAuthHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Examples/MinimalServer",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthTests",
            dependencies: ["JWTAuth", "JWTAuthTesting"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthHummingbirdTests",
            dependencies: [
                "JWTAuthHummingbird",
                "JWTAuthTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdAuthTesting", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
