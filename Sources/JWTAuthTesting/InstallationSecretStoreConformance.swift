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
        try await exchangeReturnsTheValueBefore()
        try await concurrentExchangesSeeOneAnother()
    }

    public func exchangeReturnsTheValueBefore() async throws {
        let name = "setting-\(UInt64.random(in: 0...UInt64.max))"
        let (first, second) = ([UInt8](repeating: 1, count: 32), [UInt8](repeating: 2, count: 32))
        let store = try await makeStore()
        try expect(try await store.exchangeInstallationValue(named: name, with: first) == nil, "a first exchange found a value")
        try expect(try await makeStore().exchangeInstallationValue(named: name, with: second) == first, "another store did not see the value")
        try expect(try await store.exchangeInstallationValue(named: name, with: second) == second, "an exchange lost the value before")
        try expect(try await store.exchangeInstallationValue(named: name + "-other", with: first) == nil, "two names share a value")
    }

    /// Of concurrent exchanges, each sees the value one other wrote (or none, exactly once): none is lost.
    public func concurrentExchangesSeeOneAnother() async throws {
        let name = "setting-race-\(UInt64.random(in: 0...UInt64.max))"
        var stores: [any InstallationSecretStore] = []
        for _ in 0..<4 { stores.append(try await makeStore()) }
        let seen = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            for index in 0..<12 {
                let store = stores[index % stores.count]
                group.addTask { try await store.exchangeInstallationValue(named: name, with: [UInt8](repeating: UInt8(index), count: 32)) }
            }
            return try await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
        }
        let final = try await stores[0].exchangeInstallationValue(named: name, with: [UInt8](repeating: 99, count: 32))
        try expect(seen.count(where: { $0 == nil }) == 1, "\(seen.count(where: { $0 == nil })) exchanges found no value")
        // Every value written was seen exactly once: by a later exchange, or by the final one.
        let written = Set((0..<12).map { [UInt8](repeating: UInt8($0), count: 32) })
        var observed = seen.compactMap { $0 }
        if let final { observed.append(final) }
        try expect(observed.count == 12 && Set(observed) == written, "an exchanged value was lost or seen twice")
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
