// The per-request cost of `jwt-auth serve`'s routes in process: each request handed to the service's own responder
// (every middleware, the token check, the SQLite revocation index, the metrics), beside the bare Hummingbird app's
// routes (BareRoutes) handed to theirs. No socket, no HTTP parsing, no kernel: what `scripts/bench-service` measures
// over HTTP, without the part neither side can change and without the noise of a load generator.
//
//   RouteBenchmark [--rounds N] [--requests N]
//
// Each row is the median over N rounds (default 7) of the process's CPU time per request, over --requests requests
// (default 100,000) per round; the rows alternate within a round, so that a slower spell of the machine weighs on
// all of them. Prints one table.

import BareRoutes
import Foundation
import HTTPTypes
import Hummingbird
import JWTAuth
import Logging
import NIOCore
import NIOEmbedded
import ServiceLifecycle

import enum AuthServer.AuthServer
import struct AuthServer.AuthServerConfiguration

@main
struct RouteBenchmark {
    static func main() async throws {
        var rounds = 7
        var requests = 100_000
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else {
                FileHandle.standardError.write(Data("usage: RouteBenchmark [--rounds N] [--requests N]\n".utf8))
                exit(2)
            }
            switch argument {
            case "--rounds": rounds = value
            case "--requests": requests = value
            default:
                FileHandle.standardError.write(Data("usage: RouteBenchmark [--rounds N] [--requests N]\n".utf8))
                exit(2)
            }
        }

        let secret = String(repeating: "s", count: 64)
        let directory = NSTemporaryDirectory() + "route-benchmark-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "SECRET": secret, "BCRYPT_COST": "4", "LOG_LEVEL": "error",
        ])
        let service = try await AuthServer.buildApplication(configuration)
        let bareRouter = Router()
        BareRoutes.add(to: bareRouter, secret: secret)

        let ours = Subject(responder: try await service.responder, logger: service.logger)
        let bare = Subject(responder: bareRouter.buildResponder(), logger: Logger(label: "bare"))
        let group = ServiceGroup(configuration: .init(services: service.services, logger: service.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let token = try await ours.accessToken()
            // Each row: its name, and what measures it over a number of requests.
            let routes: [(name: String, measure: (Int) async throws -> Double)] = [
                ("bare GET /health", { try await bare.cpuTimePerRequest(.get("/health"), count: $0) }),
                ("bare GET /api/protected (raw HMAC)", { try await bare.cpuTimePerRequest(.get("/api/protected", token: token), count: $0) }),
                ("jwt-auth GET /health", { try await ours.cpuTimePerRequest(.get("/health"), count: $0) }),
                ("jwt-auth GET /api/protected (HS256)", { try await ours.cpuTimePerRequest(.get("/api/protected", token: token), count: $0) }),
            ]
            for route in routes { _ = try await route.measure(requests / 10) }
            var samples = Array(repeating: [Double](), count: routes.count)
            for _ in 0..<rounds {
                for (index, route) in routes.enumerated() { samples[index].append(try await route.measure(requests)) }
            }
            let median = samples.map { $0.sorted()[$0.count / 2] }
            print(Report(rounds: rounds, requests: requests, names: routes.map(\.name), nanoseconds: median).render())
            await group.triggerGracefulShutdown()
        }
    }
}

/// An app's responder, called the way Hummingbird's server calls it for each request.
struct Subject<Responder: HTTPResponder>: Sendable where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let responder: Responder
    let logger: Logger
    let channel = NIOAsyncTestingChannel()

    /// The process's CPU time per request over `count` requests, in ns; every answer must be 200.
    func cpuTimePerRequest(_ request: Request, count: Int) async throws -> Double {
        let start = Self.processCPUTime()
        for _ in 0..<count {
            // As Hummingbird's server does: a context with the request's id in its logger, for each request.
            var logger = logger
            logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let context = Responder.Context(source: .init(channel: channel, logger: logger))
            let response = try await responder.respond(to: request, context: context)
            guard response.status == .ok else { throw Failure("\(request.uri.path) answered \(response.status.code)") }
        }
        return Double(Self.processCPUTime() - start) / Double(count)
    }

    /// An access token from the service: a user registered, then logged in, through the responder.
    func accessToken() async throws -> String {
        let credentials = ByteBuffer(string: #"{"username":"bench","password":"correct horse battery staple"}"#)
        for path in ["/auth/register", "/auth/login"] {
            let response = try await respond(to: .post(path, body: credentials))
            guard (200..<300).contains(response.status.code) else { throw Failure("\(path) answered \(response.status.code)") }
            guard path == "/auth/login" else { continue }
            let body = try await Collector.bytes(of: response)
            guard case .string(let token)? = try JSONParser().parseObject(body)["access_token"] else {
                throw Failure("/auth/login gave no access_token")
            }
            return token
        }
        throw Failure("unreachable")
    }

    private func respond(to request: Request) async throws -> Response {
        try await responder.respond(to: request, context: Responder.Context(source: .init(channel: channel, logger: logger)))
    }

    static func processCPUTime() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}

extension Request {
    static func get(_ path: String, token: String? = nil) -> Request {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: path)
        if let token { head.headerFields[.authorization] = "Bearer \(token)" }
        return Request(head: head, body: .init(buffer: ByteBuffer()))
    }

    static func post(_ path: String, body: ByteBuffer) -> Request {
        var head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: path)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.readableBytes)
        return Request(head: head, body: .init(buffer: body))
    }
}

/// The bytes a response's body writes.
struct Collector: ResponseBodyWriter {
    final class Bytes: @unchecked Sendable {
        var value: [UInt8] = []
    }
    let bytes: Bytes

    static func bytes(of response: Response) async throws -> [UInt8] {
        let bytes = Bytes()
        try await response.body.write(Collector(bytes: bytes))
        return bytes.value
    }

    mutating func write(_ buffer: ByteBuffer) async throws { bytes.value += buffer.readableBytesView }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The one table: CPU ns per request for each row, and the ratios `scripts/bench-service` holds to its goals.
struct Report {
    let rounds: Int
    let requests: Int
    let names: [String]
    let nanoseconds: [Double]

    func render() -> String {
        let (bareHealth, bareProtected, health, protected) = (nanoseconds[0], nanoseconds[1], nanoseconds[2], nanoseconds[3])
        var lines = [
            "RouteBenchmark: CPU time per request in process, median of \(rounds) rounds of \(requests) requests each",
            "",
            "| route | ns/request | ÷ bare GET /health |",
            "| :-- | --: | --: |",
        ]
        for (name, value) in zip(names, nanoseconds) {
            lines.append("| \(name) | \(Int(value.rounded())) | \(Self.ratio(value / bareHealth)) |")
        }
        lines += [
            "",
            "| ratio | value |",
            "| :-- | --: |",
            "| jwt-auth /api/protected ÷ bare raw-HMAC route | \(Self.ratio(protected / bareProtected)) |",
            "| jwt-auth /health ÷ bare /health | \(Self.ratio(health / bareHealth)) |",
            "| the check over /health, ns: jwt-auth (protected − health) | \(Int((protected - health).rounded())) |",
            "| the check over /health, ns: bare (raw-HMAC route − health) | \(Int((bareProtected - bareHealth).rounded())) |",
        ]
        return lines.joined(separator: "\n")
    }

    static func ratio(_ value: Double) -> String { String(format: "%.2f", value) }
}
