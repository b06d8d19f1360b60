import JWTAuth
import JWTAuthTesting
import Testing

/// A decoder recognises the header a ``TokenIssuer`` writes for each of its keys and checks it once, not for every
/// token. These tokens carry such a header byte for byte, and each must still be refused exactly as a token with
/// any other header would be, also after the decoder's keys or allowed algorithms change.
extension HostileTokenTests {
    /// A token signed by a ``TokenIssuer`` with `key`: its header is the one a decoder holding `key` knows.
    static func issuerToken(_ key: JWTKey) throws -> String {
        try TokenIssuer(key: key).sign(claims: JWTClaims(members: try #require(validClaims.objectValue)))
    }

    @Test(.bug(id: 21, "a known header's alg, key and key algorithm are checked once"))
    func knownHeaderWithAnAlgThatIsNotAllowedIsRefused() throws {
        let hmac = try JWTKey.generate(.hs256, keyID: "hmac")
        let token = try Self.issuerToken(hmac)
        var decoder = Self.decoder(hmac, Self.es256, allowed: [.es256])
        #expect(Self.expectRejected(token, by: decoder)?.message == "The specified alg value is not allowed")
        decoder.allowedAlgorithms.insert(.hs256)
        #expect(try decoder.decode(token, now: Self.now).subject == "42")
        decoder.allowedAlgorithms.remove(.hs256)
        #expect(Self.expectRejected(token, by: decoder)?.message == "The specified alg value is not allowed")
        decoder.allowedAlgorithms = [.hs384, .es256]
        #expect(Self.expectRejected(token, by: decoder)?.message == "The specified alg value is not allowed")
    }

    @Test(.bug(id: 21, "a known header's alg, key and key algorithm are checked once"), arguments: ["rsa", nil] as [String?])
    func knownHeaderWhoseKeyNowHasAnotherAlgIsRefused(keyID: String?) throws {
        let rs256 = try JWTKey(pem: Self.rsaPEM, algorithm: .rs256, keyID: keyID)
        let ps256 = try JWTKey(pem: Self.rsaPEM, algorithm: .ps256, keyID: keyID)
        let token = try Self.issuerToken(rs256)
        var decoder = Self.decoder(rs256, allowed: [.rs256, .ps256])
        #expect(try decoder.decode(token, now: Self.now).subject == "42")

        // The same RSA key, now bound to PS256 under the same kid (or none): the RS256 header no longer fits it.
        decoder.keys = try JWTKeySet([try #require(ps256.publicKey)])
        #expect(Self.expectRejected(token, by: decoder)?.message == "The specified alg value does not match the key")

        // The same, changing the set in place.
        var inPlace = Self.decoder(rs256, allowed: [.rs256, .ps256])
        if let keyID {
            inPlace.keys.remove(keyID: keyID)
            try inPlace.keys.insert(try #require(ps256.publicKey))
        } else {
            inPlace.keys = try JWTKeySet()
            try inPlace.keys.insert(try #require(ps256.publicKey))
        }
        #expect(Self.expectRejected(token, by: inPlace)?.message == "The specified alg value does not match the key")
    }

    @Test(.bug(id: 21, "a known header's alg, key and key algorithm are checked once"))
    func knownHeaderFollowsTheKeySetWhenItChanges() throws {
        let first = try JWTKey.generate(.hs256, keyID: "first")
        let second = try JWTKey.generate(.hs256, keyID: "second")
        let (firstToken, secondToken) = (try Self.issuerToken(first), try Self.issuerToken(second))
        var decoder = Self.decoder(first, second)
        #expect(try decoder.decode(secondToken, now: Self.now).subject == "42")

        // The second key moves to the front of the set; the first one is gone.
        decoder.keys.remove(keyID: "first")
        #expect(try decoder.decode(secondToken, now: Self.now).subject == "42")
        #expect(Self.expectRejected(firstToken, by: decoder)?.message == "Unknown key id")

        // Another secret under the kid "second": the old key's header is byte for byte the new key's, its signature is not.
        decoder.keys.remove(keyID: "second")
        try decoder.keys.insert(try JWTKey.generate(.hs256, keyID: "second"))
        #expect(Self.expectRejected(secondToken, by: decoder)?.message == "Signature verification failed")
    }

    @Test(.bug(id: 21, "a known header's alg, key and key algorithm are checked once"))
    func knownHeaderWithoutAKidIsRefusedWhenNoKeyIsTheDefault() throws {
        let first = try JWTKey.generate(.hs256)
        let second = try JWTKey.generate(.hs256)
        // Both keys write the same header, and a set of two keys without a kid has no default key.
        let decoder = Self.decoder(first, second)
        for token in [try Self.issuerToken(first), try Self.issuerToken(second)] {
            #expect(Self.expectRejected(token, by: decoder)?.message == "The token has no kid and the key set has no default key")
        }
        let mixed = Self.decoder(first, try JWTKey.generate(.es256), allowed: [.hs256, .es256])
        #expect(Self.expectRejected(try Self.issuerToken(first), by: mixed)?.message == "The token has no kid and the key set has no default key")
        // With one of them named, the other is the default key again.
        #expect(try Self.decoder(first, second.withKeyID("second")).decode(try Self.issuerToken(first), now: Self.now).subject == "42")
    }
}
