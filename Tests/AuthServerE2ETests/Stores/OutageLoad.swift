import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Clients hitting two instances while a store goes down and comes back, and what each of them was told.
///
/// Readers present a live access token and a revoked one to `/api/protected`; a writer registers users
/// and logs sessions in and out. Each answer is kept with the phase the test was in when the request was
/// sent, so that the test can tell "answered before the store stopped" from "answered while it was down".
final class OutageLoad: Sendable {
    enum Phase: Sendable { case before, down, restarted }

    struct Answer: Sendable {
        let phase: Phase
        let revokedToken: Bool
        let result: HTTPResult
    }

    struct State: Sendable {
        var phase = Phase.before
        var stopped = false
        var answers: [Answer] = []
        /// Logouts answered 204, and registrations answered 201: acknowledged, so never to be lost.
        var loggedOut: [TokenPair] = []
        var registered: [String] = []
        /// Answers no client may ever get.
        var unexpected: [String] = []
    }

    let state = Mutex(State())
    let servers: [LiveServer]
    let live: TokenPair
    let revoked: TokenPair
    let prefix: String

    init(servers: [LiveServer], live: TokenPair, revoked: TokenPair, prefix: String) {
        self.servers = servers
        self.live = live
        self.revoked = revoked
        self.prefix = prefix
    }

    var phase: Phase {
        get { state.withLock { $0.phase } }
        set { state.withLock { $0.phase = newValue } }
    }

    /// Runs three readers and a writer until ``stop()``.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for reader in 0..<3 { group.addTask { await self.read(reader) } }
            group.addTask { await self.write() }
        }
    }

    func stop() { state.withLock { $0.stopped = true } }

    private var stopped: Bool { state.withLock { $0.stopped } }

    /// Waits (at most `timeout`) until `condition` holds for the state.
    func wait(timeout: Duration = .seconds(30), until condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ condition($0) }) {
            guard ContinuousClock.now < deadline else { throw LiveServerError("the load did not reach its goal within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func read(_ reader: Int) async {
        var index = reader
        while !stopped {
            index += 1
            let server = servers[index % servers.count]
            let revokedToken = index % 2 == 0
            let phase = self.phase
            guard let result = try? await server.get("/api/protected", token: revokedToken ? revoked.access : live.access) else {
                state.withLock { $0.unexpected.append("no answer from instance \(index % servers.count)") }
                continue
            }
            state.withLock { $0.answers.append(Answer(phase: phase, revokedToken: revokedToken, result: result)) }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func write() async {
        var index = 0
        while !stopped {
            index += 1
            let (one, other) = (servers[index % servers.count], servers[(index + 1) % servers.count])
            do {
                let name = "\(prefix)-\(index)"
                let registered = try await one.post("/auth/register", json: LiveServer.credentials(name))
                record(registered, expected: .created) { $0.registered.append(name) }
                let login = try await other.post("/auth/login", json: LiveServer.credentials(prefix))
                record(login, expected: .ok) { _ in }
                guard login.status == .ok, let access = login.json["access_token"]?.stringValue,
                    let refresh = login.json["refresh_token"]?.stringValue
                else { continue }
                let logout = try await one.post("/auth/logout", json: ["refresh_token": .string(refresh)], token: access)
                record(logout, expected: .noContent) { $0.loggedOut.append(TokenPair(access: access, refresh: refresh)) }
            } catch {
                state.withLock { $0.unexpected.append("no answer: \(error)") }
            }
        }
    }

    /// Keeps an acknowledged write; anything but it or 503 `unavailable` is unexpected.
    private func record(_ result: HTTPResult, expected: HTTPResponse.Status, _ acknowledged: (inout State) -> Void) {
        state.withLock { state in
            if result.status == expected {
                acknowledged(&state)
            } else if result.status != .serviceUnavailable || result.error != "unavailable" {
                state.unexpected.append("\(expected.code) expected: \(result)")
            }
        }
    }
}
