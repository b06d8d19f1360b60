import Foundation
import JWTAuthTestSupport
import JWTAuthTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A redis-server of one test's own, on a free loopback port, without persistence, in a temporary
/// directory: the test stops it and starts it again (on the same port) without disturbing the shared one.
final class PrivateRedis: Sendable {
    let port: Int
    let url: String
    private let directory: URL
    private let program: String
    private let process = Mutex<ChildProcess.Running?>(nil)

    private init() throws {
        program = try TestStores.redisServer()
        port = try TestStores.freePort()
        url = "redis://127.0.0.1:\(port)"
        directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-private-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts a server, runs `body`, then stops the server and removes its directory, also when `body` throws.
    static func with<T>(_ body: (PrivateRedis) async throws -> T) async throws -> T {
        let redis = try PrivateRedis()
        defer { try? FileManager.default.removeItem(at: redis.directory) }
        do {
            try await redis.start()
            let result = try await body(redis)
            await redis.stop()
            return result
        } catch {
            await redis.stop()
            throw error
        }
    }

    /// Starts redis-server on ``port`` and waits until it accepts connections.
    func start() async throws {
        let running = try ChildProcess.start(
            program,
            ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path],
            captureDirectory: directory.path
        )
        process.withLock { $0 = running }
        for _ in 0..<500 {
            if LoopbackPort.isListening(port) { return }
            if await running.wait(timeout: .milliseconds(1)) != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        running.send(SIGKILL)
        _ = await running.wait(timeout: .seconds(10))
        throw LiveServerError("redis-server did not start on port \(port): \(String(decoding: running.standardOutput().suffix(1000), as: UTF8.self))")
    }

    /// Freezes the server (SIGSTOP): it keeps its connections and its data but answers nothing, as a hung
    /// server; ``thaw()`` lets it go on.
    func freeze() {
        process.withLock { $0 }?.send(SIGSTOP)
    }

    /// Lets a frozen server go on (SIGCONT).
    func thaw() {
        process.withLock { $0 }?.send(SIGCONT)
    }

    /// Kills the server (SIGKILL: a crash, its data is gone) and waits until it has ended.
    func stop() async {
        guard let running = process.withLock({ $0.take() }) else { return }
        running.send(SIGKILL)
        _ = await running.wait(timeout: .seconds(10))
    }
}
