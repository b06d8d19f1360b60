import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Synchronization
import Testing

/// `kill -9` in the middle of writes, SIGTERM, and restarts on the same data directory.
@Suite struct CrashRecoveryTests {
    /// How long a cost-13 bcrypt check in flight may take on a loaded CI machine: the suite's load lasts
    /// about two minutes, after which the check gets a core.
    static let bcryptDeadline: Duration = .seconds(300)

    /// What the clients were told happened: only acknowledged writes are checked after the crash.
    final class Ledger: Sendable {
        struct State {
            var registered: [String] = []
            /// Sessions refreshed and never logged out: their last pair must still work.
            var live: [TokenPair] = []
            /// The refresh token each live session spent.
            var spent: [String] = []
            /// Pairs whose logout (with the refresh token in the body) was acknowledged.
            var loggedOut: [TokenPair] = []
            var unexpected: [String] = []
            /// Set just before the server is killed: from then on a failed request is the kill's doing.
            var killing = false
            /// Set once the server was killed: the clients stop.
            var stopped = false
        }
        let state = Mutex(State())
        var registrations: Int { state.withLock { $0.registered.count } }
        var logouts: Int { state.withLock { $0.loggedOut.count } }
        var stopped: Bool { state.withLock { $0.stopped } }
    }

    /// One client: register, log in, refresh and (two times in three) log out, until the server dies.
    static func churn(_ server: LiveServer, client: Int, ledger: Ledger) async {
        var iteration = 0
        func check(_ response: HTTPResult, _ expected: HTTPResponse.Status, _ step: String) -> Bool {
            if response.status == expected { return true }
            ledger.state.withLock { $0.unexpected.append("\(step): \(response)") }
            return false
        }
        while !ledger.stopped, iteration < 500 {
            iteration += 1
            let name = "churn-\(client)-\(iteration)"
            do {
                guard check(try await server.post("/auth/register", json: LiveServer.credentials(name)), .created, "register") else { return }
                ledger.state.withLock { $0.registered.append(name) }
                let login = try await server.post("/auth/login", json: LiveServer.credentials(name))
                guard check(login, .ok, "login"), let refreshToken = login.json["refresh_token"]?.stringValue else { return }
                let refreshed = try await server.post("/auth/refresh", token: refreshToken)
                guard check(refreshed, .ok, "refresh"), let access = refreshed.json["access_token"]?.stringValue,
                    let refresh = refreshed.json["refresh_token"]?.stringValue
                else { return }
                let pair = TokenPair(access: access, refresh: refresh)
                if iteration % 3 == 0 {
                    ledger.state.withLock {
                        $0.live.append(pair)
                        $0.spent.append(refreshToken)
                    }
                    continue
                }
                let logout = try await server.post("/auth/logout", json: ["refresh_token": .string(refresh)], token: access)
                guard check(logout, .noContent, "logout") else { return }
                ledger.state.withLock { $0.loggedOut.append(pair) }
            } catch {
                // After the kill, whatever was in flight is unknown; before it, a failure is the test's.
                ledger.state.withLock { if !$0.killing { $0.unexpected.append("\(name): \(error)") } }
                return
            }
        }
    }

    @Test func killDashNineLosesNoAcknowledgedWrite() async throws {
        // Throttling off: six clients on one address log in at once, and an attempt in flight holds a slot.
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            let jwks = try await server.get("/.well-known/jwks.json").text
            try await server.register("steady")
            let steady = try await server.login("steady")
            let ledger = Ledger()

            await withTaskGroup(of: Void.self) { group in
                for client in 0..<6 {
                    group.addTask { await Self.churn(server, client: client, ledger: ledger) }
                }
                // Kill once enough writes were acknowledged, while the clients are still writing.
                let deadline = ContinuousClock.now + .seconds(60)
                while ledger.registrations < 60 || ledger.logouts < 20, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                ledger.state.withLock { $0.killing = true }
                await server.kill9()
                ledger.state.withLock { $0.stopped = true }
            }
            let state = ledger.state.withLock { $0 }
            #expect(state.unexpected.isEmpty, "\(state.unexpected)")
            #expect(state.registered.count >= 60 && state.loggedOut.count >= 20, "too few writes before the kill")

            try await server.restart()
            #expect(try await server.get("/.well-known/jwks.json").text == jwks, "the signing key changed")
            #expect(try await server.get("/api/protected", token: steady.access).status == .ok)
            for name in state.registered {
                let response = try await server.post("/auth/login", json: LiveServer.credentials(name))
                #expect(response.status == .ok, "\(name) was acknowledged but cannot log in: \(response)")
            }
            for pair in state.loggedOut {
                #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
                #expect(try await server.post("/auth/refresh", token: pair.refresh).error == "token_revoked")
            }
            for pair in state.live {
                #expect(try await server.get("/api/protected", token: pair.access).status == .ok)
            }
            // A spent refresh token stays spent: presenting it again ends its session.
            let pair = try #require(state.live.first, "no session was left live before the kill")
            let spent = try #require(state.spent.first)
            #expect(try await server.post("/auth/refresh", token: spent).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: pair.refresh).error == "token_revoked")
            for pair in state.live.dropFirst() {
                #expect(try await server.post("/auth/refresh", token: pair.refresh).status == .ok)
            }
        }
    }

    /// A login whose bcrypt check is running when SIGTERM comes still gets its answer, then the process
    /// exits with status 0. bcrypt cost 13 keeps the check running long enough to be seen in /metrics.
    ///
    /// The check may take minutes here: bcrypt runs at nice 19, and the rest of the suite keeps both cores
    /// busy at nice 0 until it ends. A shutdown that waits for it is what is tested, so the login and the
    /// wait for the exit get ``bcryptDeadline``, not the usual 10 seconds (after which `terminate` sends
    /// SIGKILL, and the login would end without an answer).
    @Test func sigtermLetsAnInFlightLoginFinish() async throws {
        try await LiveServer.with(bcryptCost: 13) { server in
            try await server.register("uma", timeout: Self.bcryptDeadline)
            let login = Task {
                try await server.post("/auth/login", json: LiveServer.credentials("uma"), timeout: Self.bcryptDeadline)
            }
            // Wait until the server is inside the bcrypt check (its queue gauge is up), not for a time.
            var inFlight = false
            for _ in 0..<2000 where !inFlight {
                let metrics = try await server.get("/metrics").text
                inFlight = metrics.split(separator: "\n").contains { line in
                    line.hasPrefix("jwt_auth_bcrypt_queue_depth ") && (Double(line.split(separator: " ").last ?? "") ?? 0) >= 1
                }
            }
            try #require(inFlight, "the login never reached bcrypt")
            let (exit, elapsed) = await server.terminate(timeout: Self.bcryptDeadline)
            let response = try await login.value
            #expect(response.status == .ok, "\(response)")
            #expect(response.json["access_token"]?.stringValue != nil)
            #expect(exit == LiveServer.Exit(status: 0, isSignal: false), "\(server.log())")
            print("jwt-auth serve stopped \(elapsed) after SIGTERM with a login in flight")
        }
    }

    /// Users, spent refresh tokens, logouts, logout-all cutoffs and password changes are all in the
    /// data directory: a new process on it (after a clean SIGTERM) knows every one of them.
    @Test func usersAndRevocationsSurviveARestart() async throws {
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            let jwks = try await server.get("/.well-known/jwks.json").text
            let aliceID = try await server.register("alice")
            try await server.register("bob")
            try await server.register("carol")
            let kept = try await server.login("alice")
            let loggedOut = try await server.login("alice")
            #expect(try await server.post("/auth/logout", token: loggedOut.access).status == .noContent)
            let spent = try await server.login("alice")
            let rotated = try await server.refresh(spent.refresh)
            let bobSessions = [try await server.login("bob"), try await server.login("bob")]
            #expect(try await server.post("/auth/logout-all", token: bobSessions[0].access).status == .noContent)
            let carol = try await server.login("carol")
            let fresh = try #require(
                try await server.post("/auth/fresh-login", json: LiveServer.credentials("carol")).json["access_token"]?.stringValue
            )
            #expect(try await server.send(.put, "/auth/password", json: ["new_password": "carol's new password"], token: fresh).status == .noContent)

            let (exit, _) = await server.terminate()
            #expect(exit == LiveServer.Exit(status: 0, isSignal: false), "\(server.log())")
            try await server.restart()

            #expect(try await server.get("/.well-known/jwks.json").text == jwks, "the signing key changed")
            // Users: still there, with their ids and passwords.
            #expect(try await server.post("/auth/register", json: LiveServer.credentials("alice")).status == .conflict)
            #expect(try await server.get("/auth/me", token: kept.access).json["id"] == .string(aliceID))
            // A logout.
            #expect(try await server.get("/api/protected", token: loggedOut.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: loggedOut.refresh).error == "token_revoked")
            // A spent refresh token: presenting it again still ends its session.
            #expect(try await server.get("/api/protected", token: rotated.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: spent.refresh).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: rotated.access).error == "token_revoked")
            // A logout-all.
            for pair in bobSessions {
                #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
                #expect(try await server.post("/auth/refresh", token: pair.refresh).error == "token_revoked")
            }
            // A password change.
            #expect(try await server.get("/api/protected", token: carol.access).error == "token_revoked")
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("carol")).error == "invalid_credentials")
            _ = try await server.login("carol", password: "carol's new password")
            // The untouched session works on, and so do new logins.
            #expect(try await server.get("/api/protected", token: kept.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: kept.refresh).status == .ok)
            #expect(try await server.get("/api/protected", token: try await server.login("bob").access).status == .ok)
        }
    }

    @Test func sigtermStopsWithinTenSecondsWithStatusZero() async throws {
        try await LiveServer.with { server in
            try await server.register("trent")
            let tokens = try await server.login("trent")
            // An idle keep-alive connection must not hold the shutdown up.
            let idle = TestClient(host: "127.0.0.1", port: server.port)
            idle.connect()
            #expect(try await idle.get("/health").status == .ok)

            let (exit, elapsed) = await server.terminate(timeout: .seconds(10))
            try? await idle.shutdown()
            #expect(exit == LiveServer.Exit(status: 0, isSignal: false), "\(server.log())")
            #expect(elapsed < .seconds(10))
            print("jwt-auth serve stopped \(elapsed) after SIGTERM")

            try await server.restart()
            #expect(try await server.get("/api/protected", token: tokens.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: tokens.refresh).status == .ok)
        }
    }
}
