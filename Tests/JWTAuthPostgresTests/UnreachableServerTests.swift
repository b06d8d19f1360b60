import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import Logging
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A server that is down, or that accepts connections and never answers: every operation fails closed with
/// `unavailable` once the store's timeout has passed, and none hangs. Needs no PostgreSQL server.
@Suite struct UnreachableServerTests {
    /// Every operation of the store, each returning when it fails.
    static func operations(_ store: PostgresStore) -> [@Sendable () async throws -> Void] {
        [
            { _ = try await store.isRevoked(RevocationQuery(tokenID: "a", sessionID: "s", subject: "1", issuedAt: 0)) },
            { try await store.revoke(tokenID: "a", until: 10) },
            { try await store.revoke(sessionID: "s", until: 10) },
            { try await store.revokeAll(subject: "1", issuedBefore: 10) },
            { _ = try await store.createUser(username: "alice", passwordHash: "h", roles: []) },
            { _ = try await store.user(named: "alice") },
            { _ = try await store.user(id: "1") },
            { try await store.setPasswordHash("h", forUser: "1") },
            { try await store.setDisabled(true, forUser: "1") },
            { _ = try await store.allUsers() },
            { try await store.openSession(SessionRecord(id: "s", subject: "1", refreshTokenID: nil, accessTokensUntil: 10, expiresAt: 10)) },
            {
                _ = try await store.rotateRefreshToken(
                    RefreshTokenReplacement(sessionID: "s", presented: "r", next: "n", accessTokensUntil: 10, until: 10)
                )
            },
            { _ = try await store.recordAccessToken(sessionID: "s", until: 10) },
            { _ = try await store.session("s") },
            { _ = try await store.openSessions(of: "1") },
            { _ = try await store.endSession("s") },
            { _ = try await store.purgeExpired() },
            { try await store.ping() },
        ]
    }

    /// Runs every operation at once against a client on `port` and collects the error codes.
    static func codes(port: Int) async throws -> [JWTAuthError.Code?] {
        let url = "postgres://jwtauth:secret@127.0.0.1:\(port)/jwtauth?sslmode=disable"
        let client = PostgresClient(configuration: try PostgresURL(url).clientConfiguration(statementTimeout: .milliseconds(300)))
        let store = PostgresStore(client: client, timeout: .milliseconds(300))
        let clientTask = Task { await client.run() }
        defer { clientTask.cancel() }
        return await withTaskGroup(of: JWTAuthError.Code?.self) { group in
            for operation in operations(store) {
                group.addTask {
                    do {
                        try await operation()
                        return nil
                    } catch let error as JWTAuthError {
                        return error.code
                    } catch {
                        return nil
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func serverDownMakesEveryOperationUnavailable() async throws {
        let listener = try LoopbackListener()
        let port = listener.port
        listener.close()  // Nothing listens there now: connections are refused.
        let codes = try await Self.codes(port: port)
        #expect(codes.count == 18)
        #expect(codes.allSatisfy { $0 == .unavailable })
    }

    @Test func silentServerMakesEveryOperationUnavailableWithoutHanging() async throws {
        // Accepts connections (the kernel completes the handshake) and never answers a byte.
        let listener = try LoopbackListener()
        defer { listener.close() }
        let codes = try await Self.codes(port: listener.port)
        #expect(codes.count == 18)
        #expect(codes.allSatisfy { $0 == .unavailable })
    }

    @Test func connectToADownServerFailsWithUnavailable() async throws {
        let listener = try LoopbackListener()
        let port = listener.port
        listener.close()
        await #expect(throws: JWTAuthError.unavailable()) {
            _ = try await PostgresStore.connect(url: "postgres://u:p@127.0.0.1:\(port)/db?sslmode=disable", timeout: .milliseconds(300))
        }
    }
}

/// A TCP socket listening on 127.0.0.1 on a free port, which never accepts.
struct LoopbackListener {
    let descriptor: Int32
    let port: Int

    struct Failure: Error {}

    init() throws {
        #if canImport(Glibc) || canImport(Musl)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, listen(fd, 64) == 0, named == 0 else {
            closeSocket(fd)
            throw Failure()
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        closeSocket(descriptor)
    }
}

private func closeSocket(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #elseif canImport(Musl)
    _ = Musl.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
