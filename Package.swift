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
        .library(name: "JWTAuthService", targets: ["JWTAuthService"]),
        .library(name: "JWTAuthHummingbird", targets: ["JWTAuthHummingbird"]),
        // Empty unless the `Vapor` trait is on.
        .library(name: "JWTAuthVapor", targets: ["JWTAuthVapor"]),
        .library(name: "JWTAuthSQLite", targets: ["JWTAuthSQLite"]),
        .library(name: "JWTAuthRedis", targets: ["JWTAuthRedis"]),
        .library(name: "JWTAuthPostgres", targets: ["JWTAuthPostgres"]),
        .library(name: "JWTAuthTesting", targets: ["JWTAuthTesting"]),
        .library(name: "JWTAuthJWKS", targets: ["JWTAuthJWKS"]),
        .library(name: "AuthServer", targets: ["AuthServer"]),
        .executable(name: "jwt-auth", targets: ["jwt-auth"]),
        .executable(name: "jwt-auth-example", targets: ["jwt-auth-example"]),
    ],
    traits: [
        // The Vapor 4 adapter (`JWTAuthVapor`): off by default, so that Hummingbird users never build Vapor.
        .trait(name: "Vapor", description: "Builds JWTAuthVapor, the adapter for Vapor 4."),
        // Exporting spans over OTLP/HTTP (swift-otel): off by default, so that a default build does not build the exporter.
        // The spans themselves are always made, through swift-distributed-tracing's no-op tracer when nothing exports them.
        .trait(name: "Tracing", description: "Lets jwt-auth serve export its spans over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.25.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        // InstrumentationContext and the task-local tracer (withTracer) are in 1.7.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: gRPC is never built.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
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
        // The auth domain, framework-free: every front (Hummingbird routes, web site, CLI) calls it.
        .target(
            name: "JWTAuthService",
            dependencies: [
                "JWTAuth",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthHummingbird",
            dependencies: [
                "JWTAuth",
                "JWTAuthService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Vapor adapter: its sources are `#if Vapor`, and Vapor is a dependency only with the trait on.
        .target(
            name: "JWTAuthVapor",
            dependencies: [
                "JWTAuth",
                "JWTAuthService",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthSQLite",
            dependencies: [
                "JWTAuth",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthRedis",
            dependencies: [
                "JWTAuth",
                "JWTAuthService",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthPostgres",
            dependencies: [
                "JWTAuth",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthJWKS",
            dependencies: [
                "JWTAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Our own test plumbing (child processes, loopback ports): not a product, so users never see it.
        .target(
            name: "JWTAuthTestSupport",
            // The adapters' shared conformance cases (AdapterConformance) need the domain's token locations.
            dependencies: ["JWTAuth", "JWTAuthService", "JWTAuthTesting"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JWTAuthTesting",
            dependencies: ["JWTAuth"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AuthServer",
            dependencies: [
                "JWTAuth",
                "JWTAuthService",
                "JWTAuthHummingbird",
                "JWTAuthRedis",
                "JWTAuthSQLite",
                "JWTAuthPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            // The OpenAPI document is compiled in (OpenAPIDocument.swift, generated from Resources/openapi.json).
            exclude: ["Resources"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jwt-auth",
            dependencies: [
                "JWTAuth",
                "JWTAuthHummingbird",
                "AuthServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                // The OTLP/HTTP exporter, with the `Tracing` trait only.
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["Tracing"])),
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
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/MinimalServer",
            swiftSettings: swiftSettings
        ),
        // Runs the example's application through HummingbirdTesting, the built executable live, and the code of the DocC pages.
        .testTarget(
            name: "ExampleTests",
            dependencies: [
                "JWTAuthTestSupport",
                "jwt-auth-example",
                "JWTAuth",
                "JWTAuthService",
                "JWTAuthHummingbird",
                "JWTAuthJWKS",
                "JWTAuthTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A Vapor app with the auth routes and a protected route: `swift run --traits Vapor VaporServer serve`.
        // Empty without the `Vapor` trait.
        .executableTarget(
            name: "VaporServer",
            dependencies: [
                "JWTAuthVapor",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            path: "Examples/VaporServer",
            swiftSettings: swiftSettings
        ),
        // A resource server that verifies `jwt-auth serve`'s tokens through its JWKS URL only.
        .executableTarget(
            name: "ResourceService",
            dependencies: [
                "JWTAuth",
                "JWTAuthHummingbird",
                "JWTAuthJWKS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/ResourceService",
            swiftSettings: swiftSettings
        ),
        // Also runs the built `jwt-auth` and `ResourceService` executables end to end on loopback.
        .testTarget(
            name: "JWTAuthJWKSTests",
            dependencies: [
                "JWTAuthTestSupport",
                "JWTAuth",
                "JWTAuthJWKS",
                "JWTAuthTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // A fetch passes the caller's trace on (TraceContextTests).
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthTests",
            dependencies: [
                "JWTAuthTestSupport",
                "JWTAuth",
                "JWTAuthTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Interop"],
            resources: [.copy("Vectors"), .copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // The auth domain's rules, without HTTP.
        .testTarget(
            name: "JWTAuthServiceTests",
            dependencies: [
                "JWTAuthService",
                "JWTAuthTesting",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthHummingbirdTests",
            dependencies: [
                "JWTAuthTestSupport",
                "JWTAuthHummingbird",
                "JWTAuthTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdAuthTesting", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Built with the `Vapor` trait only (`swift test --traits Vapor`); empty otherwise.
        .testTarget(
            name: "JWTAuthVaporTests",
            dependencies: [
                "JWTAuthVapor",
                "JWTAuth",
                "JWTAuthService",
                "JWTAuthTesting",
                "JWTAuthTestSupport",
                // Runs the built example as a process.
                "VaporServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "VaporTesting", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthServerTests",
            dependencies: [
                "JWTAuthTestSupport",
                "AuthServer",
                "JWTAuth",
                "JWTAuthPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "JWTAuthRedis",
                "JWTAuthTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The service's spans, recorded in-process (RequestSpanTests).
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthSQLiteTests",
            dependencies: [
                "JWTAuthSQLite",
                "JWTAuthTesting",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Starts the built `jwt-auth serve` as a live server and talks HTTP to it on loopback.
        .testTarget(
            name: "AuthServerE2ETests",
            dependencies: [
                "JWTAuthTestSupport",
                "JWTAuth",
                "JWTAuthTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthPostgresTests",
            dependencies: [
                "JWTAuthPostgres",
                "JWTAuthTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `jwt-auth` executable as a subprocess; `swift build --build-tests` builds it.
        .testTarget(
            name: "JWTAuthCLITests",
            dependencies: [
                "JWTAuthTestSupport",
                "JWTAuth",
                "JWTAuthTesting",
                "JWTAuthPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Old-schema files for the `users rename`/`users delete` migration tests.
                "JWTAuthSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JWTAuthRedisTests",
            dependencies: [
                "JWTAuthRedis",
                "JWTAuthService",
                "JWTAuthTesting",
                "JWTAuthTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
