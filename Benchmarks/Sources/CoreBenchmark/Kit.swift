import Crypto
import FoundationEssentials
import JWTKit
import _CryptoExtras

/// The issue's payload as a jwt-kit `JWTPayload`, with the claim checks a jwt-kit user writes.
struct KitPayload: JWTPayload, Equatable {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var type: String
    var fresh: Bool
    var roles: [String]

    init(_ values: PayloadValues) {
        sub = SubjectClaim(value: values.subject)
        iat = IssuedAtClaim(value: Date(timeIntervalSince1970: Double(values.now)))
        nbf = NotBeforeClaim(value: Date(timeIntervalSince1970: Double(values.now)))
        exp = ExpirationClaim(value: Date(timeIntervalSince1970: Double(values.expiresAt)))
        jti = IDClaim(value: values.id)
        type = values.type
        fresh = values.fresh
        roles = values.roles
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        let now = Date()
        try exp.verifyNotExpired(currentDate: now)
        // The same checks as JWTAuth's: nbf and iat not after now (jwt-kit's verifyNotBefore refuses nbf == now).
        guard nbf.value <= now else { throw JWTError.claimVerificationFailure(failedClaim: nbf, reason: "too soon") }
        guard iat.value <= now else { throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "too soon") }
    }
}

/// jwt-kit set up for one algorithm: a key collection that signs and one holding the public key.
struct Kit: Sendable {
    let signer: JWTKeyCollection
    let verifier: JWTKeyCollection
    let payload: KitPayload

    static func make(_ algorithm: Algorithm, _ material: KeyMaterial, _ values: PayloadValues) async throws -> Kit {
        let signer = JWTKeyCollection()
        let verifier = JWTKeyCollection()
        switch algorithm {
        case .hs256:
            await signer.add(hmac: HMACKey(from: material.secret), digestAlgorithm: .sha256)
            await verifier.add(hmac: HMACKey(from: material.secret), digestAlgorithm: .sha256)
        case .rs256:
            await signer.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: material.rsa), digestAlgorithm: .sha256)
            await verifier.add(rsa: try JWTKit.Insecure.RSA.PublicKey(backing: material.rsa.publicKey), digestAlgorithm: .sha256)
        case .ps256:
            await signer.add(pss: try JWTKit.Insecure.RSA.PrivateKey(backing: material.rsa), digestAlgorithm: .sha256)
            await verifier.add(pss: try JWTKit.Insecure.RSA.PublicKey(backing: material.rsa.publicKey), digestAlgorithm: .sha256)
        case .es256:
            await signer.add(ecdsa: try ES256PrivateKey(backing: material.p256))
            await verifier.add(ecdsa: try ES256PublicKey(backing: material.p256.publicKey))
        case .eddsa:
            await signer.add(eddsa: EdDSA.PrivateKey(backing: material.ed25519))
            await verifier.add(eddsa: EdDSA.PublicKey(backing: material.ed25519.publicKey))
        }
        return Kit(signer: signer, verifier: verifier, payload: KitPayload(values))
    }

    func sign() async throws -> String {
        try await signer.sign(payload)
    }

    func verify(_ token: String) async throws -> KitPayload {
        try await verifier.verify(token, as: KitPayload.self)
    }

    /// A login's token: a new `jti` and the current time, then signed.
    func issue() async throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        return try await signer.sign(KitPayload(PayloadValues(now: now, id: UUID().uuidString.lowercased())))
    }
}
