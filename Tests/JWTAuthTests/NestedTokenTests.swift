import JWTAuth
import Testing

/// Nested JWTs (RFC 7519 §5.2): `TokenIssuer` signs then encrypts, `TokenVerifier` decrypts then verifies, and
/// every other check (type, freshness, revocation, cache) applies unchanged.
@Suite struct NestedTokenTests {
    static let signingKey = try! JWTKey.generate(.es256)
    static let encryptionKey = try! JWEKey.generate(.ecdhESA256KW)

    static func issuer(encrypted: Bool = true) throws -> TokenIssuer {
        // The issuer needs only the recipient's public key.
        try TokenIssuer(key: signingKey, encryptingTo: encrypted ? encryptionKey.publicKey : nil)
    }

    static func verifier(store: (any RevocationStore)? = nil, cache: VerifiedTokenCache? = nil, decrypting: Bool = true) throws -> TokenVerifier {
        try TokenVerifier(
            keys: JWTKeySet([try #require(signingKey.publicKey)]),
            revocationStore: store,
            cache: cache,
            decryptingWith: decrypting ? JWEDecrypter(key: encryptionKey) : nil
        )
    }

    @Test func issuedTokensAreEncryptedAndVerify() async throws {
        let pair = try Self.issuer().tokenPair(for: "42", claims: ["email": "zoe@example.com"])
        for token in [pair.access.token, pair.refresh.token] {
            #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 5)
            // The holder cannot read the claims.
            #expect(throws: JWTAuthError.self) { try UnverifiedToken(token) }
        }
        let header = try EncryptedToken(pair.access.token).header
        #expect(header.contentType == "JWT" && header.isNested)
        let verifier = try Self.verifier()
        let access = try await verifier.verify(pair.access.token)
        #expect(access.claims.subject == "42")
        #expect(access.claims["email"] == "zoe@example.com")
        #expect(access.claims.freshness.isFresh(at: 0))
        let refresh = try await verifier.verify(pair.refresh.token, as: .refresh)
        #expect(refresh.claims.sessionID == pair.access.sessionID)
        // The type is checked as for any token.
        await #expect(throws: JWTAuthError.accessRequired) { try await verifier.verify(pair.refresh.token) }
        await #expect(throws: JWTAuthError.refreshRequired) { try await verifier.verify(pair.access.token, as: .refresh) }
        let notFresh = try Self.issuer().accessToken(for: "42")
        await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(notFresh.token, requireFresh: true) }
    }

    @Test func revocationAppliesToNestedTokens() async throws {
        let store = MemoryRevocationStore()
        let verifier = try Self.verifier(store: store, cache: VerifiedTokenCache())
        let token = try Self.issuer().accessToken(for: "42")
        _ = try await verifier.verify(token.token)
        await store.revoke(tokenID: token.id, until: token.expiresAt)
        // Refused although the cache holds the verified token.
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(token.token) }
    }

    @Test func theCacheServesNestedTokens() throws {
        let cache = VerifiedTokenCache()
        let verifier = try Self.verifier(cache: cache)
        let token = try Self.issuer().accessToken(for: "42").token
        _ = try verifier.decode(token)
        #expect(cache.count == 1)
        #expect(try verifier.decode(token).claims.subject == "42")
        #expect(cache.count == 1)
    }

    /// A nested token is cached whatever signs inside it: its decryption is what costs. A plain HMAC token is not.
    @Test func nestedHMACTokensAreCachedAndPlainOnesNot() throws {
        let secret = try JWTKey.hmac(secret: String(repeating: "nested-cache-secret-", count: 3))
        let cache = VerifiedTokenCache()
        let nested = try TokenVerifier(keys: JWTKeySet([secret]), cache: cache, decryptingWith: JWEDecrypter(key: Self.encryptionKey))
        let token = try TokenIssuer(key: secret, encryptingTo: Self.encryptionKey.publicKey).accessToken(for: "42").token
        #expect(try nested.decode(token).claims.subject == "42")
        #expect(cache.count == 1)
        #expect(try nested.decode(token).claims.subject == "42")
        #expect(cache.count == 1)
        let plain = try TokenVerifier(keys: JWTKeySet([secret]), cache: cache)
        _ = try plain.decode(try TokenIssuer(key: secret).accessToken(for: "42").token)
        #expect(cache.count == 1)
        // The nested entry does not serve a verifier that does not decrypt.
        #expect(throws: JWTAuthError.self) { try plain.decode(token) }
    }

    /// A cache shared with a verifier that does not decrypt, or decrypts with other keys, gives no way around
    /// the decryption: an entry names the keys that decrypted its token.
    @Test func aSharedCacheIsNoWayAroundDecryption() throws {
        let cache = VerifiedTokenCache()
        let keys = try JWTKeySet([try #require(Self.signingKey.publicKey)])
        let plainVerifier = try TokenVerifier(keys: keys, cache: cache)
        let nestedVerifier = try TokenVerifier(keys: keys, cache: cache, decryptingWith: JWEDecrypter(key: Self.encryptionKey))
        let otherKey = try JWEKey.generate(.ecdhESA256KW)
        let otherVerifier = try TokenVerifier(keys: keys, cache: cache, decryptingWith: JWEDecrypter(key: otherKey))

        let plain = try Self.issuer(encrypted: false).accessToken(for: "42").token
        _ = try plainVerifier.decode(plain)
        #expect(throws: JWTAuthError.self) { try nestedVerifier.decode(plain) }
        let nested = try Self.issuer().accessToken(for: "42").token
        _ = try nestedVerifier.decode(nested)
        #expect(throws: JWTAuthError.self) { try otherVerifier.decode(nested) }
        #expect(throws: JWTAuthError.self) { try plainVerifier.decode(nested) }
        #expect(try nestedVerifier.decode(nested).claims.subject == "42")
    }

    @Test(.bug("https://datatracker.ietf.org/doc/html/rfc8725#section-3.1")) func aVerifierThatDecryptsRefusesPlainSignedTokens() throws {
        let plain = try Self.issuer(encrypted: false).accessToken(for: "42").token
        let error = #expect(throws: JWTAuthError.self) { try Self.verifier().decode(plain) }
        #expect(error?.code == .invalidToken)
        #expect(error?.message == "Expected an encrypted token (JWE), not a signed one")
        // And a verifier that does not decrypt refuses nested tokens.
        let nested = try Self.issuer().accessToken(for: "42").token
        #expect(throws: JWTAuthError.self) { try Self.verifier(decrypting: false).decode(nested) }
    }

    @Test func theEncryptedPayloadMustBeASignedJWT() throws {
        let plain = try Self.issuer(encrypted: false).accessToken(for: "42").token
        let verifier = try Self.verifier()
        // Encrypted without cty: JWT.
        let withoutContentType = try Self.encryptionKey.encrypt(Array(plain.utf8))
        let error = #expect(throws: JWTAuthError.self) { try verifier.decode(withoutContentType) }
        #expect(error?.message == "The encrypted token does not hold a JWT (cty)")
        // Anyone holding the public encryption key can encrypt, but not sign: the inner signature still counts.
        let forger = try TokenIssuer(key: JWTKey.generate(.es256), encryptingTo: Self.encryptionKey.publicKey)
        let forged = try forger.accessToken(for: "admin").token
        let forgedError = #expect(throws: JWTAuthError.self) { try verifier.decode(forged) }
        #expect(forgedError?.code == .invalidToken)
        // Claims in the clear inside the encryption are not a JWS.
        let claimsOnly = try Self.encryptionKey.encrypt(Array("{\"sub\":\"42\"}".utf8), contentType: "JWT")
        #expect(throws: JWTAuthError.self) { try verifier.decode(claimsOnly) }
    }

    /// The `dir` path, read in place: the inner token's own error comes out unchanged, a `dir` token with an
    /// encrypted key or a flipped bit fails as every decryption does, and a key of another `alg` is refused.
    @Test(.bug(id: 18, "JWE")) func aDirectKeyPassesTheInnerErrorThroughUnchanged() throws {
        let secret = try JWTKey.hmac(Array(repeating: 7, count: 32))
        let direct = try JWEKey.symmetric(Array(repeating: 9, count: 32), algorithm: .dir, encryption: .a256GCM)
        let verifier = try TokenVerifier(keys: JWTKeySet([secret]), decryptingWith: JWEDecrypter(key: direct))
        let issuer = try TokenIssuer(key: secret, encryptingTo: direct)
        let token = try issuer.accessToken(for: "42").token
        #expect(try verifier.decode(token, as: .access).claims.subject == "42")
        // Signed by another key, encrypted to this one: the signature error, not a decryption error.
        let otherSigner = try TokenIssuer(key: JWTKey.hmac(Array(repeating: 8, count: 32)), encryptingTo: direct)
        let badSignature = #expect(throws: JWTAuthError.self) { try verifier.decode(otherSigner.accessToken(for: "42").token) }
        #expect(badSignature?.message == "Signature verification failed")
        // A dir token must have an empty encrypted key segment.
        var segments = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        segments[1] = "AAAA"
        let withKey = #expect(throws: JWTAuthError.self) { try verifier.decode(segments.joined(separator: ".")) }
        #expect(withKey == JWEDecrypter.decryptionFailed)
        // A flipped ciphertext character.
        segments = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        segments[3] = (segments[3].first == "A" ? "B" : "A") + segments[3].dropFirst()
        let flipped = #expect(throws: JWTAuthError.self) { try verifier.decode(segments.joined(separator: ".")) }
        #expect(flipped == JWEDecrypter.decryptionFailed)
        // The same token before a key of another alg.
        let wrapKey = try JWEKey.symmetric(Array(repeating: 9, count: 32), algorithm: .a256KW, encryption: .a256GCM)
        let wrapVerifier = try TokenVerifier(keys: JWTKeySet([secret]), decryptingWith: JWEDecrypter(key: wrapKey))
        let wrongAlgorithm = #expect(throws: JWTAuthError.self) { try wrapVerifier.decode(token) }
        #expect(wrongAlgorithm?.message == "The specified alg value does not match the key")
    }

    @Test func signWithClaimsIsEncryptedToo() throws {
        let token = try Self.issuer().sign(claims: JWTClaims(members: ["sub": "7"]))
        let decrypted = try JWEDecrypter(key: Self.encryptionKey).decrypt(token)
        let inner = try UnverifiedToken(String(decoding: decrypted.plaintext, as: UTF8.self))
        #expect(try inner.claims().subject == "7")
    }

    @Test func replacingKeysKeepsTheDecrypter() throws {
        let verifier = try Self.verifier()
        let replaced = try verifier.replacingKeys(JWTKeySet([try #require(Self.signingKey.publicKey)]))
        #expect(replaced.decrypter != nil)
        #expect(try replaced.decode(Self.issuer().accessToken(for: "42").token).claims.subject == "42")
    }
}
