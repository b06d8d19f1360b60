/// A change of a user's roles (``UserStore/changeRoles(ofUser:adding:removing:)``): the roles before and after.
public struct RoleChange: Sendable, Hashable, Codable {
    /// The roles the user had.
    public var previous: [String]
    /// The roles the user has now.
    public var current: [String]

    public init(previous: [String], current: [String]) {
        self.previous = previous
        self.current = current
    }

    /// The change that grants `adding` and withdraws `removing` from `previous`: the roles kept stay in their
    /// order, each granted one the user lacked is appended once, in the order given; a role in both lists is
    /// withdrawn.
    public init(previous: [String], adding: [String], removing: [String]) {
        let withdrawn = Set(removing)
        var current = previous.filter { !withdrawn.contains($0) }
        for role in adding where !withdrawn.contains(role) && !current.contains(role) { current.append(role) }
        self.init(previous: previous, current: current)
    }

    /// The roles the user had and has no longer.
    public var removed: [String] { previous.filter { !current.contains($0) } }
    /// The roles the user has and did not have.
    public var added: [String] { current.filter { !previous.contains($0) } }
}
