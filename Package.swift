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
        .library(name: "JWTAuthTesting", targets: ["JWTAuthTesting"]),
        .executable(name: "jwt-auth", targets: ["jwt-auth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
        .testTarget(
            name: "JWTAuthTests",
            dependencies: [
                "JWTAuth",
                "JWTAuthTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Vectors"), .copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
