public import JWTAuth

/// The behaviour every ``InstallationSecretStore`` must have:
/// `try await InstallationSecretStoreConformance(makeStore: { store }).run()`.
///
/// `makeStore` may return the same store each time or a new one on the same data (another connection, another
/// instance): secrets must agree across them. Throws ``Failure`` naming the first broken rule.
public struct InstallationSecretStoreConformance: Sendable {
    /// A broken rule.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let makeStore: @Sendable () async throws -> any InstallationSecretStore

    public init(makeStore: @escaping @Sendable () async throws -> any InstallationSecretStore) {
        self.makeStore = makeStore
    }

    /// Runs every check.
    public func run() async throws {
        try await secretIsThirtyTwoBytesAndStable()
        try await concurrentFirstCallsAgree()
    }

    private func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw Failure(description: message) }
    }

    public func secretIsThirtyTwoBytesAndStable() async throws {
        let name = "test-\(UInt64.random(in: 0...UInt64.max))"
        let store = try await makeStore()
        let secret = try await store.installationSecret(named: name)
        try expect(secret.count == 32, "the secret has \(secret.count) bytes, not 32")
        try expect(Set(secret).count > 8, "the secret does not look random")
        try expect(try await store.installationSecret(named: name) == secret, "a second call gave another secret")
        try expect(try await makeStore().installationSecret(named: name) == secret, "another store on the same data gave another secret")
        try expect(try await store.installationSecret(named: name + "-other") != secret, "two names gave one secret")
    }

    public func concurrentFirstCallsAgree() async throws {
        let name = "race-\(UInt64.random(in: 0...UInt64.max))"
        var stores: [any InstallationSecretStore] = []
        for _ in 0..<4 { stores.append(try await makeStore()) }
        let secrets = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<20 {
                let store = stores[index % stores.count]
                group.addTask { try await store.installationSecret(named: name) }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        try expect(secrets.count == 1, "20 concurrent first calls gave \(secrets.count) different secrets")
    }
}
