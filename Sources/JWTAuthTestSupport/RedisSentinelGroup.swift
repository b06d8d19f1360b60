#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Redis master, its replica and three sentinels of one test's own, started by
/// `scripts/redis-test-server sentinel-group` on free loopback ports, for tests that kill the master (the
/// shared group of `JWT_AUTH_TEST_REDIS_SENTINEL_URL` stays up for the suites running meanwhile).
///
/// The data nodes require the password ``password`` and know the ACL user ``user``; the sentinels need none.
public struct RedisSentinelGroup: Sendable {
    public static let password = "jwt-auth-test-password"
    public static let user = "jwt-auth-tester"
    public static let userPassword = "jwt-auth-test-user-password"

    /// `redis+sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/mymaster` (`rediss+sentinel://` with TLS),
    /// without credentials.
    public let url: String
    public let masterPID: Int32
    public let masterPort: Int
    public let replicaPID: Int32
    public let replicaPort: Int
    /// With TLS, the CA (PEM) of every node's certificate; nil without.
    public let caFile: String?
    private let directory: String

    /// ``url`` with the ACL user's credentials.
    public var urlWithUser: String {
        url.replacingFirst("://", with: "://\(Self.user):\(Self.userPassword)@")
    }

    /// The script, from this file's place in the checkout.
    private static var script: String {
        let file = #filePath
        let root = file.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        return root + "/scripts/redis-test-server"
    }

    /// Starts a group (ready to fail over: the sentinels know the replica and each other), every node TLS only
    /// when `tls`, runs `body`, then stops the group, also when `body` throws.
    public static func with<T>(tls: Bool = false, _ body: (RedisSentinelGroup) async throws -> T) async throws -> T {
        let running = try ChildProcess.start("/bin/bash", [script, "sentinel-group"] + (tls ? ["tls"] : []))
        defer {
            unlink(running.standardOutputPath)
            unlink(running.standardErrorPath)
        }
        let status = await running.wait(timeout: .seconds(60))
        let output = String(decoding: running.standardOutput(), as: UTF8.self)
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        if let directory = values["REDIS_TEST_DIR"], status != 0 { await stop(directory) }
        guard status == 0, let url = values["REDIS_SENTINEL_URL"], let directory = values["REDIS_TEST_DIR"],
            let master = values["REDIS_SENTINEL_MASTER"].flatMap(Self.pidAndPort),
            let replica = values["REDIS_SENTINEL_REPLICA"].flatMap(Self.pidAndPort)
        else {
            if status == nil { running.send(SIGKILL) }
            let errors = String(decoding: running.standardError(), as: UTF8.self)
            throw ChildProcess.Failure(
                description: "redis-test-server sentinel-group failed (\(status.map(String.init) ?? "timeout")): \(output)\(errors)"
            )
        }
        let group = RedisSentinelGroup(
            url: url,
            masterPID: master.pid,
            masterPort: master.port,
            replicaPID: replica.pid,
            replicaPort: replica.port,
            caFile: values["REDIS_CA_FILE"],
            directory: directory
        )
        do {
            let result = try await body(group)
            await stop(directory)
            return result
        } catch {
            await stop(directory)
            throw error
        }
    }

    /// `PID PORT`, as the script prints a node.
    private static func pidAndPort(_ text: String) -> (pid: Int32, port: Int)? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let pid = Int32(parts[0]), let port = Int(parts[1]) else { return nil }
        return (pid, port)
    }

    /// Kills the master (SIGKILL: a crash; the sentinels fail over to the replica about two seconds later).
    public func killMaster() {
        // `stop` kills the pid of each file left: this one may be another process's by then.
        unlink(directory + "/private-master.pid")
        kill(masterPID, SIGKILL)
    }

    private static func stop(_ directory: String) async {
        try? await ChildProcess.runToSuccess("/bin/bash", [script, "stop", directory], timeout: .seconds(30))
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
