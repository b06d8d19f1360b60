import Foundation
import HTTPTypes
import JWTAuth
import Synchronization
import Testing

/// Clients hitting several instances while a store goes down and comes back, and what each of them was told.
///
/// Readers present to `/api/protected`, in turn, a live access token, one revoked before the load began,
/// and the latest one whose logout was acknowledged during the load; a writer registers users and logs
/// sessions in and out. Each answer is kept with the phase the test was in when the request was sent and
/// when its answer came, so that the test can tell "sent and answered while the store was down" from the
/// requests that straddle a change.
final class OutageLoad: Sendable {
    enum Phase: Sendable { case before, down, restarting, restarted }

    /// Which token a reader presented.
    enum Presented: Sendable { case live, revoked, loggedOut }

    struct Answer: Sendable {
        let sent: Phase
        let answered: Phase
        let presented: Presented
        let result: HTTPResult

        /// Sent and answered while the store was down.
        var duringOutage: Bool { sent == .down && answered == .down }
    }

    struct State: Sendable {
        var phase = Phase.before
        var stopped = false
        var answers: [Answer] = []
        /// Logouts answered 204, and registrations answered 201: acknowledged, so never to be lost.
        var loggedOut: [TokenPair] = []
        var registered: [String] = []
        /// Writes answered 503 `unavailable` while the store was down.
        var refusedWhileDown = 0
        /// Answers no client may ever get (anything but the acknowledgement or 503 `unavailable`).
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

    /// A copy of the state.
    var snapshot: State { state.withLock { $0 } }

    /// Runs three readers and a writer until ``stop()``.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for reader in 0..<3 { group.addTask { await self.read(reader) } }
            group.addTask { await self.write() }
        }
    }

    func stop() { state.withLock { $0.stopped = true } }

    private var stopped: Bool { state.withLock { $0.stopped } }

    /// Polls (at most `timeout`) until `condition` holds for the state.
    func wait(_ goal: String, timeout: Duration = .seconds(30), until condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ condition($0) }) {
            guard ContinuousClock.now < deadline else { throw LiveServerError("the load did not reach its goal (\(goal)) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func read(_ reader: Int) async {
        var index = reader
        while !stopped {
            index += 1
            let server = servers[index % servers.count]
            let (sent, loggedOut) = state.withLock { ($0.phase, $0.loggedOut.last) }
            let presented: Presented = [.live, .revoked, .loggedOut][index % 3]
            let token =
                switch presented {
                case .live: live.access
                case .revoked: revoked.access
                case .loggedOut: (loggedOut ?? revoked).access
                }
            guard let result = try? await server.get("/api/protected", token: token) else {
                state.withLock { $0.unexpected.append("no answer from the instance on port \(server.port)") }
                continue
            }
            state.withLock { $0.answers.append(Answer(sent: sent, answered: $0.phase, presented: presented, result: result)) }
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
            } else if result.status == .serviceUnavailable, result.error == "unavailable" {
                if state.phase == .down { state.refusedWhileDown += 1 }
            } else {
                state.unexpected.append("\(expected.code) expected: \(result)")
            }
        }
    }
}
