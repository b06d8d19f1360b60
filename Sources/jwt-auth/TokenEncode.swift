import ArgumentParser
import Foundation
import JWTAuth

/// `jwt-auth token encode`: signs claims into a token (PyJWT's `jwt.encode`).
struct TokenEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Sign claims into a compact JWS (a JWT) and print it.",
        discussion: """
            The claims are a JSON object, given as the argument or on standard input (-); flags add \
            registered claims, and a claim may not come from both. The header has alg, typ "JWT" and, \
            when the key has one (or --kid gives one), kid.

            Examples:
              jwt-auth token encode --alg ES256 --key key.pem '{"sub":"42"}'
              jwt-auth token encode --key key.pem --sub billing --aud ledger --ttl 5m
              echo '{"sub":"42"}' | jwt-auth token encode --key secret.txt --ttl 15m -
              printenv SIGNING_KEY_PEM | jwt-auth token encode --key - --sub billing
            """
    )

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: ArgumentHelp("Sets sub, the subject.", valueName: "subject"))
    var sub: String?

    @Option(help: ArgumentHelp("Sets iss, the issuer.", valueName: "issuer"))
    var iss: String?

    @Option(help: ArgumentHelp("Adds an audience to aud (repeatable).", valueName: "audience"))
    var aud: [String] = []

    @Option(help: ArgumentHelp("Adds a space-separated scope to scope (repeatable).", valueName: "scope"))
    var scope: [String] = []

    @Option(help: ArgumentHelp("Sets iat to now and exp to now plus this: seconds, or 30s, 15m, 12h, 7d.", valueName: "lifetime"))
    var ttl: Seconds?

    @Flag(help: "Sets iat to now.")
    var iat = false

    @Flag(help: "Sets jti to a new random UUID.")
    var jti = false

    @Option(help: ArgumentHelp("The time to take as now for iat and exp.", valueName: "unix-time"))
    var at: Double?

    @Argument(help: ArgumentHelp("The claims, a JSON object, or - to read them from standard input.", valueName: "claims"))
    var claims: String = "{}"

    func validate() throws {
        if let ttl, !(1...Self.latestDate).contains(ttl.value) { throw ValidationError("--ttl must be positive and before the year 10000") }
        if let at, !(at.isFinite && at >= 0 && at <= Double(Self.latestDate)) {
            throw ValidationError("--at must be a number of seconds since 1970")
        }
        if claims != "-" {
            _ = try Self.parseClaims(claims)
        } else if keyOptions.readsStandardInput {
            throw ValidationError("--key - and the claims - cannot both be read from standard input")
        }
    }

    func run() throws {
        var members = try Self.parseClaims(StandardStreams.argumentOrInput(claims))
        for (name, flag, value) in flagClaims(now: Int64((at ?? JWTClock.system.now).rounded(.down))) {
            guard members[name] == nil else { throw ValidationError("The claim \(name) is given both by \(flag) and in the claims") }
            members[name] = value
        }
        let key = try keyOptions.signingKey()
        print(try TokenIssuer(key: key).sign(claims: JWTClaims(members: members)))
    }

    /// The claims the flags add, with the flag that adds each.
    private func flagClaims(now: Int64) -> [(name: String, flag: String, value: JSONValue)] {
        var claims: [(name: String, flag: String, value: JSONValue)] = []
        if let sub { claims.append(("sub", "--sub", .string(sub))) }
        if let iss { claims.append(("iss", "--iss", .string(iss))) }
        if !aud.isEmpty { claims.append(("aud", "--aud", aud.count == 1 ? .string(aud[0]) : .array(aud.map(JSONValue.string)))) }
        if !scope.isEmpty { claims.append(("scope", "--scope", .string(scope.joined(separator: " ")))) }
        if iat || ttl != nil { claims.append(("iat", iat ? "--iat" : "--ttl", .int(now))) }
        if let ttl { claims.append(("exp", "--ttl", .int(now + ttl.value))) }
        if jti { claims.append(("jti", "--jti", .string(UUID().uuidString.lowercased()))) }
        return claims
    }

    /// 9999-12-31T23:59:59Z, the latest NumericDate JWTAuth accepts.
    private static let latestDate: Int64 = 253_402_300_799

    private static func parseClaims(_ text: String) throws -> [String: JSONValue] {
        do {
            return try JSONParser().parseObject(Array(text.utf8))
        } catch {
            throw ValidationError("The claims are not a JSON object: \(error.description)")
        }
    }
}
