/// Existing users whose names have one ``Username/key(_:)``, such as `Bob` and `bob`: found by the
/// migration that makes stores compare names by key, which refuses to merge their accounts. The operator
/// renames or deletes all but one of each group.
public struct UsernameClash: Error, Sendable, Hashable, CustomStringConvertible {
    /// The ids of each group of users whose names share a key, in the order given.
    public let groups: [[String]]

    /// The clashes among `users`, or nil when every name has a key of its own.
    public init?(users: some Sequence<(id: String, username: String)>) {
        var order: [String] = []
        var idsByKey: [String: [String]] = [:]
        for user in users {
            let key = Username.key(user.username)
            if idsByKey[key] == nil { order.append(key) }
            idsByKey[key, default: []].append(user.id)
        }
        let groups = order.compactMap { idsByKey[$0] }.filter { $0.count > 1 }
        guard !groups.isEmpty else { return nil }
        self.groups = groups
    }

    /// Names the user ids (never the names) and the commands that resolve the clash.
    public var description: String {
        let listed = groups.map { "users " + $0.joined(separator: ", ") }.joined(separator: "; ")
        return "Usernames now compare ignoring case and width (RFC 8265), and some existing names are equal: "
            + "\(listed). Rename or delete all but one of each with `jwt-auth users rename OLD NEW` or "
            + "`jwt-auth users delete NAME` (see `jwt-auth users list`), then start again"
    }
}
