import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real gateway running its configuration from docs/gateways in front of an echo upstream and the built
/// `jwt-auth serve`, all on loopback ports, all child processes stopped afterwards: nginx
/// (`JWT_AUTH_NGINX`, docs/gateways/nginx.conf) or Caddy (`JWT_AUTH_CADDY`, docs/gateways/Caddyfile).
/// The echo upstream is a server block of the same gateway that answers with the `X-Auth-*` headers it
/// received (and, with nginx, logs each call).
final class GatewayFixture: Sendable {
    enum Kind: String, Sendable {
        case nginx, caddy

        /// The binary, from `JWT_AUTH_NGINX` or `JWT_AUTH_CADDY`.
        var path: String? { ProcessInfo.processInfo.environment["JWT_AUTH_\(rawValue.uppercased())"] }
        /// Whether the tests run: the binary is given, or `JWT_AUTH_REQUIRE_SERVERS=1` makes its absence a failure.
        var isAvailable: Bool { path != nil || GatewayFixture.isRequired }
    }

    /// The HMAC secret the service signs with, so that tests can make expired, forged and admin tokens.
    static let secret = "gateway-test-secret-0123456789abcdef"

    let directory: String
    let gatewayPort: Int
    let authPort: Int
    let service: ChildProcess.Running
    let kind: Kind
    let gateway: ChildProcess.Running

    static let isRequired = ProcessInfo.processInfo.environment["JWT_AUTH_REQUIRE_SERVERS"] == "1"

    /// Runs `body` with a started gateway, then stops every process it started, whatever happened.
    static func with(_ kind: Kind, _ body: (GatewayFixture) async throws -> Void) async throws {
        let fixture = try await start(kind)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    private init(kind: Kind, directory: String, gatewayPort: Int, authPort: Int, service: ChildProcess.Running, gateway: ChildProcess.Running) {
        self.kind = kind
        self.directory = directory
        self.gatewayPort = gatewayPort
        self.authPort = authPort
        self.service = service
        self.gateway = gateway
    }

    private static func start(_ kind: Kind) async throws -> GatewayFixture {
        let gatewayPath = try #require(
            kind.path,
            "JWT_AUTH_\(kind.rawValue.uppercased()) is not set: run scripts/gateway-env \(kind.rawValue) (scripts/test does)"
        )
        let executable = try #require(Self.executable, "jwt-auth is not built: run `swift build --build-tests` first")
        let directory = NSTemporaryDirectory() + "jwt-auth-gateway-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        // nginx's workers may run as an unprivileged user: they only need to traverse the directory.
        chmod(directory, 0o755)

        let environment = [
            "PATH": "/usr/bin:/bin", "JWT_AUTH_HOST": "127.0.0.1", "JWT_AUTH_PORT": "0", "JWT_AUTH_DATA_DIR": directory + "/data",
            "JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_ALGORITHM": "HS256", "JWT_AUTH_BCRYPT_COST": "4",
            "JWT_AUTH_TOKEN_LOCATION": "headers,cookies", "JWT_AUTH_LOG_LEVEL": "warning",
        ]
        let service = try ChildProcess.start(executable, ["serve"], environment: environment, captureDirectory: directory)
        var port: Int?
        let deadline = ContinuousClock.now + .seconds(120)
        while port == nil, ContinuousClock.now < deadline {
            let output = String(decoding: service.standardOutput(), as: UTF8.self)
            if let range = output.range(of: "listening on http://127.0.0.1:") {
                port = Int(output[range.upperBound...].prefix { $0.isNumber })
            } else if await service.wait(timeout: .milliseconds(20)) != nil {
                break
            }
        }
        guard let authPort = port else {
            let error = String(decoding: service.standardError(), as: UTF8.self)
            await end(service)
            try? FileManager.default.removeItem(atPath: directory)
            throw GatewayFailure("jwt-auth serve did not start: \(error)")
        }
        let gateway: ChildProcess.Running
        let gatewayPort: Int
        let upstreamPort: Int
        do {
            gatewayPort = try freePort()
            upstreamPort = try freePort()
            let ports = Ports(gateway: gatewayPort, auth: authPort, upstream: upstreamPort)
            switch kind {
            case .nginx:
                try writeNginxConfiguration(in: directory, ports: ports)
                gateway = try ChildProcess.start(gatewayPath, ["-p", directory, "-c", directory + "/main.conf"], captureDirectory: directory)
            case .caddy:
                try writeCaddyConfiguration(in: directory, ports: ports)
                gateway = try ChildProcess.start(
                    gatewayPath,
                    ["run", "--config", directory + "/main.Caddyfile", "--adapter", "caddyfile"],
                    environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "XDG_DATA_HOME": directory, "XDG_CONFIG_HOME": directory],
                    captureDirectory: directory
                )
            }
        } catch {
            await end(service)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let fixture = GatewayFixture(
            kind: kind,
            directory: directory,
            gatewayPort: gatewayPort,
            authPort: authPort,
            service: service,
            gateway: gateway
        )
        var ready = false
        while !ready, ContinuousClock.now < deadline {
            ready = LoopbackPort.isListening(gatewayPort) && LoopbackPort.isListening(upstreamPort)
            if !ready, await gateway.wait(timeout: .milliseconds(20)) != nil { break }
        }
        if !ready {
            let error = String(decoding: gateway.standardError(), as: UTF8.self) + contents(directory + "/error.log")
            await fixture.stop()
            throw GatewayFailure("\(kind) did not start: \(error)")
        }
        return fixture
    }

    /// Ends `process` unless it has already been reaped: SIGTERM, then SIGKILL if it has not ended
    /// within 15 seconds.
    static func end(_ process: ChildProcess.Running) async {
        guard kill(process.pid, 0) == 0 else { return }
        process.send(SIGTERM)
        if await process.wait(timeout: .seconds(15)) == nil {
            process.send(SIGKILL)
            _ = await process.wait()
        }
    }

    /// Stops jwt-auth (if still running) and the gateway, and removes the directory.
    func stop() async {
        await Self.end(gateway)
        await Self.end(service)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the auth service only (the gateway keeps running).
    func stopService() async { await Self.end(service) }

    /// How many requests reached the upstream so far (nginx only: its single worker writes the log line
    /// before it reads the upstream's answer for the client, so the count is exact).
    var upstreamCalls: Int {
        Self.contents(directory + "/upstream.log").split(separator: "\n").count
    }

    /// A request to the gateway.
    func request(_ method: String = "GET", _ path: String, headers: [(String, String)] = [], body: String = "") throws -> LoopbackResponse {
        try LoopbackResponse.fetch(port: gatewayPort, method: method, path: path, headers: headers, body: body)
    }

    /// Registers `username` and logs in through nginx; the login's JSON members and cookies.
    func registerAndLogin(_ username: String) throws -> (access: String, cookies: [String: String]) {
        let credentials = #"{"username":"\#(username)","password":"password123"}"#
        let json = [("Content-Type", "application/json")]
        let registered = try request("POST", "/auth/register", headers: json, body: credentials)
        try #require(registered.status == 201, "register: \(registered.status) \(registered.body)")
        let login = try request("POST", "/auth/login", headers: json, body: credentials)
        try #require(login.status == 200, "login: \(login.status) \(login.body)")
        let access = try #require(try login.json()["access_token"]?.stringValue)
        var cookies: [String: String] = [:]
        for value in login.values("Set-Cookie") {
            let pair = value.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
        return (access, cookies)
    }

    /// A token signed at `now` (seconds since 1970) with the service's secret (or `key`), with `claims` added.
    static func token(at now: Double, key: JWTKey? = nil, subject: String = "1", claims: [String: JSONValue] = [:]) throws -> String {
        let key = try key ?? JWTKey.hmac(secret: secret, algorithm: .hs256)
        return try TokenFactory(key: key, clock: SettableClock(now: now)).token(.access, subject: subject, extra: claims)
    }

    // MARK: - Set-up

    struct Ports {
        let gateway: Int
        let auth: Int
        let upstream: Int
    }

    /// The file `name` of docs/gateways with the three addresses of its example replaced.
    static func documented(_ name: String, in directory: String, ports: Ports) throws -> String {
        let documentation = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appending(path: "docs/gateways")
        return try String(contentsOf: documentation.appending(path: name), encoding: .utf8)
            .replacingOccurrences(of: "/etc/nginx/", with: directory + "/")
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(ports.auth)")
            .replacingOccurrences(of: "127.0.0.1:9000", with: "127.0.0.1:\(ports.upstream)")
            .replacingOccurrences(of: "127.0.0.1:8000", with: "127.0.0.1:\(ports.gateway)")
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(filePath: path))
    }

    static func writeNginxConfiguration(in directory: String, ports: Ports) throws {
        for name in ["nginx.conf", "jwt-auth-verify.conf", "jwt-auth-identity.conf"] {
            try write(try documented(name, in: directory, ports: ports), to: directory + "/" + name)
        }
        let main = """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(directory)/client_body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                # The echo upstream: answers with the identity headers it received, logs each call.
                server {
                    listen 127.0.0.1:\(ports.upstream);
                    access_log \(directory)/upstream.log;
                    default_type text/plain;
                    location / {
                        return 200 "uri=$request_uri\\nsubject=$http_x_auth_subject\\nroles=$http_x_auth_roles\\nsession=$http_x_auth_session\\n";
                    }
                }
                include \(directory)/nginx.conf;
            }

            """
        try write(main, to: directory + "/main.conf")
    }

    static func writeCaddyConfiguration(in directory: String, ports: Ports) throws {
        try write(try documented("Caddyfile", in: directory, ports: ports), to: directory + "/gateway.Caddyfile")
        let main = """
            {
                admin off
                auto_https off
                storage file_system \(directory)/caddy
            }
            # The echo upstream: answers with the identity headers it received.
            http://127.0.0.1:\(ports.upstream) {
                respond "uri={uri}|subject={header.X-Auth-Subject}|roles={header.X-Auth-Roles}|session={header.X-Auth-Session}" 200
            }
            import \(directory)/gateway.Caddyfile

            """
        try write(main, to: directory + "/main.Caddyfile")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now.
    static func freePort() throws -> Int {
        guard let port = LoopbackPort.bind() else { throw GatewayFailure("bind failed") }
        return port
    }

    static func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The built executable: `JWT_AUTH_EXECUTABLE`, else next to the test bundle, else `.build/debug/jwt-auth`.
    static let executable: String? = {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_EXECUTABLE"] { candidates.append(path) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: "jwt-auth").path)
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: "jwt-auth").path) }
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appending(path: ".build/debug/jwt-auth").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
