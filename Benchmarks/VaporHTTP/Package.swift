// swift-tools-version:6.2
// The Vapor HTTP benchmark: one Vapor app serving /health, /api/protected through JWTAuthVapor, and
// /api/vapor-jwt through vapor/jwt verifying the same token. Its own package, so that vapor/jwt is a
// dependency of the benchmark only. Run `BENCH_VAPOR=on scripts/bench-http`. Its folder is not named
// Vapor: a package in a folder of that name would share vapor/vapor's package identity.

import PackageDescription

let package = Package(
    name: "jwt-auth-vapor-benchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-jwt-auth", path: "../..", traits: ["Vapor"]),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/jwt.git", from: "5.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "VaporBenchServer",
            dependencies: [
                .product(name: "JWTAuthVapor", package: "swift-jwt-auth"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "JWT", package: "jwt"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ]
)
