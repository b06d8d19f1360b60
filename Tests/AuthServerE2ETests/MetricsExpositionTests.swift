import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTAuth
import NIOCore
import Testing

/// `/metrics` on the live server, read by Prometheus's own Python parser (`prometheus_client`, from
/// `scripts/python-env`): every family has help and a type, counters end in `_total`, durations are in
/// seconds, and the service's events (logins, throttling, refreshes, reuse, revocations, store calls,
/// bcrypt) are counted. With `JWT_AUTH_METRICS_ADDRESS`, `/metrics` is served only there.
@Suite struct MetricsExpositionTests {
    /// One family as the parser read it.
    struct Family {
        let name: String
        let type: String
        let help: String
        /// Each sample's name, labels and value.
        let samples: [(name: String, labels: [String: String], value: Double)]

        func value(_ sample: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { found in found.name == sample && labels.allSatisfy { key, value in found.labels[key] == value } }?.value
        }
    }

    static let parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        families = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            families.append({"name": family.name, "type": family.type, "help": family.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
        json.dump(families, sys.stdout)
        """

    /// The Python interpreter: `JWT_AUTH_PYTHON`, or the one `scripts/python-env` makes.
    static func interpreter() throws -> String {
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_PYTHON"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let output = try run(root.appending(path: "scripts/python-env").path, [], input: "")
        return try #require(output.split(separator: "\n").last.map(String.init))
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LiveServerError("\(executable) exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The exposition, parsed by `prometheus_client`, by family name.
    static func parse(_ exposition: String) async throws -> [String: Family] {
        let python = try interpreter()
        let output = try await Task.detached { try run(python, ["-c", parser], input: exposition) }.value
        let families = try #require(try JSONParser().parse(Array(output.utf8)).arrayValue)
        var result: [String: Family] = [:]
        for family in families {
            let samples = (family["samples"]?.arrayValue ?? []).map { sample in
                (
                    name: sample["name"]?.stringValue ?? "",
                    labels: (sample["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                    value: sample["value"]?.doubleValue ?? .nan
                )
            }
            let name = family["name"]?.stringValue ?? ""
            result[name] = Family(name: name, type: family["type"]?.stringValue ?? "", help: family["help"]?.stringValue ?? "", samples: samples)
        }
        return result
    }

    @Test func theExpositionFollowsPrometheusConventionsAndCountsTheServicesEvents() async throws {
        try await LiveServer.with(["--login-attempts", "2"]) { server in
            _ = try await server.register("mia")
            let login = try await server.login("mia")
            for _ in 0..<2 {
                #expect(try await server.post("/auth/login", json: LiveServer.credentials("mia", "wrong password")).status == .unauthorized)
            }
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("mia", "wrong password")).status == .tooManyRequests)
            _ = try await server.refresh(login.refresh)
            #expect(try await server.post("/auth/refresh", token: login.refresh).status == .unauthorized)
            #expect(try await server.get("/api/protected", token: login.access).status == .unauthorized)
            #expect(try await server.get("/no/such/path/\(UUID().uuidString)").status == .notFound)

            let response = try await server.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            // HELP right before TYPE, for every family.
            let lines = text.split(separator: "\n")
            for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
                let name = line.split(separator: " ")[2]
                #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) "), "no help for \(name)")
            }
            #expect(!text.contains("hb_request"), "Hummingbird's own request metrics are replaced")

            let families = try await Self.parse(text)
            #expect(families.count >= 12)
            for family in families.values {
                #expect(family.help.count > 12 && family.help != family.name.replacing("_", with: " "), "\(family.name): \(family.help)")
                #expect(family.name.hasPrefix("jwt_auth_"), "\(family.name)")
                switch family.type {
                case "counter": #expect(family.samples.allSatisfy { $0.name.hasSuffix("_total") || $0.name.hasSuffix("_created") }, "\(family.name)")
                case "histogram": #expect(family.name.hasSuffix("_seconds"), "\(family.name) has no unit")
                default: break
                }
                // No series that can only ever be zero, such as an error count for a 200.
                #expect(!family.samples.contains { $0.labels["error_type"] != nil })
            }
            let logins = try #require(families["jwt_auth_logins"])
            #expect(logins.value("jwt_auth_logins_total", ["result": "success"]) == 1)
            #expect(logins.value("jwt_auth_logins_total", ["result": "failure"]) == 2)
            #expect(families["jwt_auth_throttled_attempts"]?.value("jwt_auth_throttled_attempts_total", ["endpoint": "login"]) == 1)
            let refreshes = try #require(families["jwt_auth_refreshes"])
            #expect(refreshes.value("jwt_auth_refreshes_total", ["result": "rotated"]) == 1)
            #expect(refreshes.value("jwt_auth_refreshes_total", ["result": "reuse_detected"]) == 1)
            #expect(families["jwt_auth_revocations"]?.value("jwt_auth_revocations_total", ["scope": "session"]) == 1)
            let store = try #require(families["jwt_auth_store_duration_seconds"])
            #expect(store.type == "histogram")
            #expect(
                (store.value("jwt_auth_store_duration_seconds_count", ["store": "users", "operation": "by_name"]) ?? 0) == 3,
                "a login and two failures; the throttled one reads nothing"
            )
            #expect(store.value("jwt_auth_store_duration_seconds_count", ["store": "sessions", "operation": "rotate"]) == 2)
            #expect((families["jwt_auth_bcrypt_wait_seconds"]?.value("jwt_auth_bcrypt_wait_seconds_count") ?? 0) >= 4)
            #expect(families["jwt_auth_bcrypt_queue_depth"]?.type == "gauge")
            let requests = try #require(families["jwt_auth_http_requests"])
            #expect(requests.value("jwt_auth_http_requests_total", ["route": "/auth/login", "method": "POST", "status": "429"]) == 1)
            #expect(requests.value("jwt_auth_http_requests_total", ["route": "unmatched", "method": "GET", "status": "404"]) == 1)
            #expect(!text.contains("/no/such/path"), "a raw path became a label")
        }
    }

    @Test func aMetricsAddressServesMetricsThereOnly() async throws {
        try await LiveServer.with(environment: ["JWT_AUTH_METRICS_ADDRESS": "127.0.0.1:0"]) { server in
            #expect(try await server.get("/metrics").status == .notFound)
            #expect(try await server.get("/livez").status == .ok)
            let prefix = "jwt-auth metrics listening on http://127.0.0.1:"
            var port: Int?
            for _ in 0..<500 where port == nil {
                let line = server.log(limit: .max).split(separator: "\n").first { $0.hasPrefix(prefix) }
                port = line.flatMap { Int($0.dropFirst(prefix.count).prefix { $0.isNumber }) }
                if port == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let metricsPort = try #require(port)
            let metrics = try await Self.get(port: metricsPort, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("# TYPE jwt_auth_http_requests_total counter"))
            #expect(try await Self.get(port: metricsPort, "/livez").status == .notFound)
        }
    }
}

extension MetricsExpositionTests {
    /// A GET to another port of the server (its metrics address).
    static func get(port: Int, _ path: String) async throws -> HTTPResult {
        try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: LiveServer.requestTimeout) { client in
            let response = try await client.execute(.init(path, method: .get))
            return HTTPResult(status: response.status, headers: response.headers, body: response.body.map { Array($0.readableBytesView) } ?? [])
        }
    }
}
