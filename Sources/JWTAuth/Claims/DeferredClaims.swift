import Synchronization

/// The claims a ``JWTClaims``' accessors read: the registered ones, `fresh` and `csrf`.
enum KnownClaim {
    case exp, nbf, iat, iss, aud, sub, jti, type, sid, fresh, csrf

    /// The claim named by the UTF-8 bytes `name`, or nil, compared byte for byte as ``RegisteredClaim`` does.
    init?(_ name: UnsafeRawBufferPointer) {
        if let registered = RegisteredClaim(name) {
            self.init(registered)
        } else if name.count == 5, name[0] == UInt8(ascii: "f"), name[1] == UInt8(ascii: "r"), name[2] == UInt8(ascii: "e"),
            name[3] == UInt8(ascii: "s"), name[4] == UInt8(ascii: "h")
        {
            self = .fresh
        } else if name.count == 4, name[0] == UInt8(ascii: "c"), name[1] == UInt8(ascii: "s"), name[2] == UInt8(ascii: "r"),
            name[3] == UInt8(ascii: "f")
        {
            self = .csrf
        } else {
            return nil
        }
    }

    /// The claim named `name`, or nil.
    init?(_ name: String) {
        var name = name
        guard let claim = name.withUTF8({ KnownClaim(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = claim
    }

    init(_ registered: RegisteredClaim) {
        switch registered {
        case .exp: self = .exp
        case .nbf: self = .nbf
        case .iat: self = .iat
        case .iss: self = .iss
        case .aud: self = .aud
        case .sub: self = .sub
        case .jti: self = .jti
        case .type: self = .type
        case .sid: self = .sid
        }
    }

    /// The registered claim that validation reads, or nil for `fresh` and `csrf`.
    var registered: RegisteredClaim? {
        switch self {
        case .exp: .exp
        case .nbf: .nbf
        case .iat: .iat
        case .iss: .iss
        case .aud: .aud
        case .sub: .sub
        case .jti: .jti
        case .type: .type
        case .sid: .sid
        case .fresh, .csrf: nil
        }
    }

    /// The claim's name.
    var name: String {
        switch self {
        case .fresh: "fresh"
        case .csrf: "csrf"
        default: registered!.name
        }
    }
}

/// The values of the ``KnownClaim``s of a claims set; nil for those it does not have.
struct KnownClaims: Sendable {
    private var exp, nbf, iat, iss, aud, sub, jti, type, sid, fresh, csrf: JSONValue?

    subscript(claim: KnownClaim) -> JSONValue? {
        get {
            switch claim {
            case .exp: exp
            case .nbf: nbf
            case .iat: iat
            case .iss: iss
            case .aud: aud
            case .sub: sub
            case .jti: jti
            case .type: type
            case .sid: sid
            case .fresh: fresh
            case .csrf: csrf
            }
        }
        set {
            switch claim {
            case .exp: exp = newValue
            case .nbf: nbf = newValue
            case .iat: iat = newValue
            case .iss: iss = newValue
            case .aud: aud = newValue
            case .sub: sub = newValue
            case .jti: jti = newValue
            case .type: type = newValue
            case .sid: sid = newValue
            case .fresh: fresh = newValue
            case .csrf: csrf = newValue
            }
        }
    }
}

/// A verified claims set kept as its JSON until its members are asked for: most requests read only known claims
/// (the subject, the id, the expiry), and building the dictionary of every claim was most of checking a token.
///
/// The payload was checked by ``JSONParser/scanClaims(_:)``, which accepts only what the parser accepts, so parsing
/// it again cannot fail.
final class DeferredClaims: Sendable {
    let known: KnownClaims
    /// What validation reads of the registered claims, as the scan gathered it.
    let registered: RegisteredClaims
    private let payload: [UInt8]
    private let parsed = Mutex<[String: JSONValue]?>(nil)

    init(payload: UnsafeRawBufferPointer, known: KnownClaims, registered: RegisteredClaims) {
        self.payload = Array(payload)
        self.known = known
        self.registered = registered
    }

    /// Every claim, parsed on first use.
    var members: [String: JSONValue] {
        parsed.withLock { parsed in
            if let parsed { return parsed }
            // Fails closed (no claims) should the scan ever accept what the parser refuses; a test holds them equal.
            let members = (try? JSONParser().parseObject(payload)) ?? [:]
            parsed = members
            return members
        }
    }
}
