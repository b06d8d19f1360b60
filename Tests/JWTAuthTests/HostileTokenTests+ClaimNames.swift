import JWTAuth
import JWTAuthTesting
import Testing

/// A decoder finds the registered claims while it parses the payload, by their bytes. A name spelled with JSON
/// escapes is the same claim, and a member of a nested object is no claim at all, exactly as when the parsed
/// claims are validated on their own.
extension HostileTokenTests {
    /// A token signed with `key` whose payload is `json`, byte for byte.
    static func token(payload json: String, key: JWTKey) throws -> String {
        try TokenForge.sign(TokenForge.segment(TokenForge.header(for: key)), TokenForge.segment(json), with: key)
    }

    /// The usual claims, as JSON text without its closing brace, so that a test can add members.
    static var openClaims: String {
        let issuedAt = Int64(now)
        return #"{"sub":"42","iat":\#(issuedAt),"nbf":\#(issuedAt),"jti":"3f0e5f0c-8d9e-4c53-9a77-0b2f6d3c1e11","type":"access""#
    }

    @Test(.bug(id: 21, "registered claims are found while the payload is parsed"))
    func escapedRegisteredClaimNamesAreTheClaims() throws {
        let decoder = Self.decoder(Self.hmac)
        let validation = TokenConfiguration().claimsValidation
        let cases: [(json: String, error: String?)] = [
            (Self.openClaims + #","\u0065xp":\#(Int64(Self.now) + 900)}"#, nil),
            (Self.openClaims + #","e\u0078p":"soon"}"#, "Expiration Time claim (exp) must be a number between 0 and 253402300799"),
            (Self.openClaims + #","exp":\#(Int64(Self.now) + 900),"\u0073id":7}"#, "The sid claim must be a string"),
            (Self.openClaims + #","exp":\#(Int64(Self.now) + 900),"nb\u0066":"later"}"#, "Duplicate member name"),
            (Self.openClaims + #","exp":\#(Int64(Self.now) + 900),"\u0074ype":1}"#, "Duplicate member name"),
        ]
        for (json, message) in cases {
            let token = try Self.token(payload: json, key: Self.hmac)
            if let message {
                #expect(Self.expectRejected(token, by: decoder)?.message.contains(message) == true, "\(json)")
            } else {
                #expect(try decoder.decode(token, now: Self.now).claims.expiresAt == Self.now + 900)
            }
            // The same verdict from the claims validated on their own.
            if let claims = try? UnverifiedToken(token).claims() {
                var error: JWTAuthError?
                do { try validation.validate(claims, now: Self.now) } catch let thrown { error = thrown }
                #expect(error?.message == message, "\(json)")
            } else {
                #expect(message == "Duplicate member name")
            }
        }
        let expired = try Self.token(payload: Self.openClaims + #","\u0065xp":\#(Int64(Self.now) - 1)}"#, key: Self.hmac)
        Self.expectRejected(expired, by: decoder, .tokenExpired)
    }

    @Test(.bug(id: 21, "registered claims are found while the payload is parsed"))
    func registeredClaimNamesInNestedValuesAreNotClaims() throws {
        let decoder = Self.decoder(Self.hmac)
        let exp = Int64(Self.now) + 900
        let nested = try Self.token(
            payload: Self.openClaims + #","exp":\#(exp),"ctx":{"exp":"x","sid":1,"nbf":true},"list":[{"iat":"y"}]}"#,
            key: Self.hmac
        )
        #expect(try decoder.decode(nested, now: Self.now).claims.expiresAt == Double(exp))
        // An exp only inside another member is no exp: the token lacks the claim the decoder requires.
        let missing = try Self.token(payload: Self.openClaims + #","ctx":{"exp":\#(exp)}}"#, key: Self.hmac)
        #expect(Self.expectRejected(missing, by: decoder)?.message == #"Token is missing the "exp" claim"#)
    }
}
