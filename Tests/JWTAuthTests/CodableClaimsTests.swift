import FoundationEssentials
import JWTAuth
import JWTAuthTesting
import Testing

/// Extra claims from any `Encodable`, claims read back as any `Decodable`, and the non-optional `jti`/`exp`.
@Suite struct CodableClaimsTests {
    struct AppClaims: Codable, Equatable {
        var roles: [String]
        var tenant: Tenant
        var plan: String?
        var since: Date

        struct Tenant: Codable, Equatable {
            var id: Int
            var name: String
        }
    }

    /// What a route reads back: the application's claims and some registered ones.
    struct ReadBack: Decodable, Equatable {
        var sub: String
        var exp: Date
        var jti: String
        var roles: [String]
        var tenant: AppClaims.Tenant
        var plan: String?
        var since: Date
    }

    static let claims = AppClaims(
        roles: ["admin", "reports:read"],
        tenant: .init(id: 7, name: "acme"),
        plan: nil,
        since: Date(timeIntervalSince1970: 1_700_000_000)
    )

    @Test func encodableClaimsAreIssuedAndDecodeBack() async throws {
        let factory = try TokenFactory()
        let issued = try factory.issuer.accessToken(for: "42", claims: Self.claims)
        #expect(issued.claims["roles"] == ["admin", "reports:read"])
        #expect(issued.claims["tenant"] == ["id": 7, "name": "acme"])
        #expect(issued.claims["since"] == .int(1_700_000_000), "a Date is a NumericDate")
        #expect(issued.claims["plan"] == nil, "a nil optional is left out")

        let verified = try await factory.verifier().verify(issued.token)
        let back = try verified.claims(as: ReadBack.self)
        #expect(back.sub == "42" && back.jti == verified.id && back.roles == Self.claims.roles && back.tenant == Self.claims.tenant)
        #expect(back.exp.timeIntervalSince1970 == verified.expiresAt && back.since == Self.claims.since && back.plan == nil)
        #expect(try verified.claims.decode(as: AppClaims.self) == Self.claims)
        #expect(try verified.claims.value("tenant", as: AppClaims.Tenant.self) == Self.claims.tenant)
    }

    @Test func refreshTokensAndPairsTakeEncodableClaims() throws {
        let factory = try TokenFactory()
        let refresh = try factory.issuer.refreshToken(for: "42", claims: Self.claims)
        #expect(refresh.claims.strings("roles") == Self.claims.roles && refresh.claims.tokenType == .refresh)
        let pair = try factory.issuer.tokenPair(for: "42", claims: ["tier": "gold"] as [String: String])
        #expect(pair.access.claims["tier"] == "gold" && pair.refresh.claims["tier"] == "gold")
        #expect(pair.access.sessionID == pair.refresh.sessionID)
        // No claims at all: an optional that is nil.
        let none: AppClaims? = nil
        #expect(try factory.issuer.accessToken(for: "42", claims: none).claims.members.count == 8)
    }

    @Test func dictionaryLiteralsStillTakeTheJSONValuePath() throws {
        let factory = try TokenFactory()
        // Mixed member types fit only [String: JSONValue]: the Encodable overload must not make this ambiguous.
        let issued = try factory.issuer.accessToken(for: "42", claims: ["level": 3, "name": "x", "flags": [true, nil]])
        #expect(issued.claims["flags"] == [true, nil] && issued.claims["level"] == 3)
    }

    /// An `Encodable` whose members collide with the claims the issuer writes.
    struct Hostile: Encodable {
        var name: String
        var value: String
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeyName.self)
            try container.encode(value, forKey: CodingKeyName(name))
            try container.encode("harmless", forKey: CodingKeyName("note"))
        }
    }

    struct CodingKeyName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test(.bug("issue 16: Encodable claims refuse registered names as dictionaries do"), arguments: Array(TokenIssuer.reservedClaims))
    func encodableMembersCannotReplaceRegisteredClaims(name: String) throws {
        let factory = try TokenFactory()
        let hostile = Hostile(name: name, value: "x")
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", claims: hostile) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.refreshToken(for: "42", claims: hostile) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.tokenPair(for: "42", claims: hostile) }
    }

    @Test func encodableMembersCannotRepointAConfiguredIssuerOrAudience() throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(issuer: "https://auth.example", audience: "api"))
        for name in ["iss", "aud"] {
            #expect(throws: JWTAuthError.invalidConfiguration("")) {
                try factory.issuer.accessToken(for: "42", claims: Hostile(name: name, value: "elsewhere"))
            }
        }
        // A registered name nested inside a member is only data.
        let nested = try factory.issuer.accessToken(for: "42", claims: ["profile": ["sub": "someone-else"]] as [String: [String: String]])
        #expect(nested.claims.subject == "42")
    }

    @Test func claimsThatAreNotAnObjectOrNotJSONAreRefused() throws {
        let factory = try TokenFactory()
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", claims: ["admin"]) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", claims: "admin") }
        do {
            _ = try factory.issuer.accessToken(for: "42", claims: ["ratio": Double.nan])
            Issue.record("a NaN member was encoded")
        } catch {
            #expect(error.code == .invalidConfiguration && error.message.contains("ratio") && !error.message.contains("nan"))
        }
    }

    struct Strict: Decodable {
        var roles: [String]
        var level: UInt8
    }

    @Test func aMismatchedTypeIsADecodingErrorNamingTheMember() throws {
        let claims = JWTClaims(members: ["sub": "42", "roles": "admin", "level": 300])
        #expect(throws: DecodingError.self) { try claims.decode(as: Strict.self) }
        do {
            _ = try claims.decode(as: Strict.self)
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["roles"])
            #expect(!context.debugDescription.contains("admin"), "the claim's value is never repeated")
        }
        let outOfRange = JWTClaims(members: ["roles": [], "level": 300])
        #expect(throws: DecodingError.self) { try outOfRange.decode(as: Strict.self) }
        let missing = JWTClaims(members: ["level": 1])
        do {
            _ = try missing.decode(as: Strict.self)
            Issue.record("a missing member decoded")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "roles")
        }
        #expect(throws: DecodingError.self) { try JWTClaims(members: ["level": 1.5, "roles": []]).decode(as: Strict.self) }
        #expect(throws: DecodingError.self) { try JWTClaims(members: ["level": nil, "roles": []]).decode(as: Strict.self) }
        #expect(throws: DecodingError.self) { try claims.value("absent", as: String.self) }
    }

    @Test func decodingReadsNumbersArraysAndDictionariesExactly() throws {
        let claims = JWTClaims(members: [
            "big": .int(Int64.max), "ratio": 0.5, "whole": 2.0, "matrix": [[1, 2], [3]], "map": ["a": 1, "b": 2], "link": "https://example.com/a",
            "blob": "aGk=",
        ])
        #expect(try claims.value("big", as: Int64.self) == Int64.max)
        #expect(throws: DecodingError.self) { try claims.value("big", as: Int32.self) }
        #expect(try claims.value("ratio", as: Double.self) == 0.5 && claims.value("whole", as: Int.self) == 2)
        #expect(try claims.value("matrix", as: [[Int]].self) == [[1, 2], [3]])
        #expect(try claims.value("map", as: [String: Int].self) == ["a": 1, "b": 2])
        #expect(try claims.value("link", as: URL.self).host == "example.com")
        #expect(try claims.value("blob", as: Data.self) == Data("hi".utf8))
        #expect(try claims.value("ratio", as: Decimal.self) == Decimal(string: "0.5"))
        #expect(throws: DecodingError.self) { try claims.value("blob", as: Decimal.self) }
        #expect(try claims.value("matrix", as: [JSONValueBox].self).count == 2)
    }

    /// A `Decodable` that reads through an unkeyed container by hand.
    struct JSONValueBox: Decodable {
        var count: Int
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            var count = 0
            while !container.isAtEnd {
                _ = try container.decode(Int.self)
                count += 1
            }
            self.count = count
        }
    }

    @Test func verifiedTokensGiveTheirIDAndExpiryWithoutOptionals() async throws {
        let factory = try TokenFactory()
        let issued = try factory.issuer.accessToken(for: "42")
        let verified = try await factory.verifier().verify(issued.token)
        #expect(verified.id == issued.id && !verified.id.isEmpty)
        #expect(verified.expiresAt == issued.expiresAt && verified.claims.expiresAt == issued.expiresAt)
        // A verifier told not to require them: no jti is empty, no exp never expires (a revocation outlives it).
        let lax = try TokenFactory(configuration: TokenConfiguration(requiredClaims: ["sub"]))
        let bare = try await lax.verifier().verify(try lax.token(claims: ["sub": "42", "type": "access"]))
        #expect(bare.id.isEmpty && bare.expiresAt == 253_402_300_799)
    }
}
