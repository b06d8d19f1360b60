/// A JWT claims set: the registered claims as typed properties, every other claim by name.
public struct JWTClaims: Sendable, Hashable {
    /// The claims as a dictionary, or the verified payload they are read from when first asked for.
    private var storage: Storage

    /// Every claim, as parsed or as it will be written.
    ///
    /// A verified token's claims are built on first use: checking a token and reading its registered claims
    /// (``subject``, ``id``, ``expiresAt``, ``freshness``, ``csrf``, ...) does not build this dictionary.
    public var members: [String: JSONValue] {
        get {
            switch storage {
            case .members(let members): members
            case .deferred(let deferred): deferred.members
            }
        }
        set { storage = .members(newValue) }
        _modify {
            var members = self.members
            // Dropped first, so that `members` is the dictionary's only reference and is changed in place.
            storage = .members([:])
            defer { storage = .members(members) }
            yield &members
        }
    }

    public init(members: [String: JSONValue] = [:]) {
        storage = .members(members)
    }

    /// The claims of a verified payload, read from it when first asked for; `known` holds those the accessors read,
    /// `registered` what validation reads.
    init(deferred payload: UnsafeRawBufferPointer, known: KnownClaims, registered: RegisteredClaims) {
        storage = .deferred(DeferredClaims(payload: payload, known: known, registered: registered))
    }

    /// What validation reads of the registered claims; deferred claims have it without building ``members``.
    var registeredClaims: RegisteredClaims {
        switch storage {
        case .members(let members): RegisteredClaims(members)
        case .deferred(let deferred): deferred.registered
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.members == rhs.members }

    public func hash(into hasher: inout Hasher) { hasher.combine(members) }

    /// The claim `claim`, read without building ``members`` when the claims are still deferred.
    private subscript(known claim: KnownClaim) -> JSONValue? {
        switch storage {
        case .members(let members): members[claim.name]
        case .deferred(let deferred): deferred.known[claim]
        }
    }

    /// The claim `name`; a known claim of deferred claims is read without building ``members``.
    private func member(_ name: String) -> JSONValue? {
        if case .deferred(let deferred) = storage, let claim = KnownClaim(name) { return deferred.known[claim] }
        return members[name]
    }

    private enum Storage: Sendable {
        case members([String: JSONValue])
        case deferred(DeferredClaims)
    }

    /// The claim `name`, if present.
    public subscript(name: String) -> JSONValue? {
        get { member(name) }
        set { members[name] = newValue }
    }

    /// `sub`: the identity.
    public var subject: String? { self[known: .sub]?.stringValue }
    /// `iss`.
    public var issuer: String? { self[known: .iss]?.stringValue }
    /// `aud`, a string or an array of strings, as an array.
    public var audience: [String] {
        switch self[known: .aud] {
        case .string(let value): [value]
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
    }
    /// `exp`, seconds since 1970.
    public var expiresAt: Double? { self[known: .exp]?.doubleValue }
    /// `nbf`, seconds since 1970.
    public var notBefore: Double? { self[known: .nbf]?.doubleValue }
    /// `iat`, seconds since 1970.
    public var issuedAt: Double? { self[known: .iat]?.doubleValue }
    /// `jti`: the token's unique id.
    public var id: String? { self[known: .jti]?.stringValue }
    /// `type`: access or refresh.
    public var tokenType: TokenType? { self[known: .type]?.stringValue.map(TokenType.init) }
    /// `sid`: the session the token belongs to.
    public var sessionID: String? { self[known: .sid]?.stringValue }
    /// `csrf`: the double-submit value when cookies carry the token.
    public var csrf: String? { self[known: .csrf]?.stringValue }

    /// `fresh`: `true`/`false` or a numeric deadline; absent counts as not fresh.
    public var freshness: Freshness {
        switch self[known: .fresh] {
        case .bool(true): .fresh
        case .int(let deadline): .until(Double(deadline))
        case .double(let deadline): .until(deadline)
        default: .notFresh
        }
    }

    /// A string claim.
    public func string(_ name: String) -> String? { member(name)?.stringValue }

    /// A claim that is a string or an array of strings (such as `roles` or `scope`), as an array.
    ///
    /// A space-separated string (the OAuth `scope` form) is split.
    public func strings(_ name: String) -> [String] {
        switch member(name) {
        case .string(let value): value.split(separator: " ").map(String.init)
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
    }
}
