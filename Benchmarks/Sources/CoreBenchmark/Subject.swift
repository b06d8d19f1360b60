import JWTAuth

/// JWTAuth and the raw primitive for one algorithm, with one token. Needs no concurrency, so that
/// `--profile` runs on the main thread alone (valgrind does not survive libdispatch's worker threads).
struct Subject: Sendable {
    let algorithm: Algorithm
    let ours: Ours
    let raw: Raw
    /// Signed by JWTAuth with the issue's payload.
    let token: String
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Checks that JWTAuth and the raw primitive accept the token before anything is timed.
    init(_ algorithm: Algorithm, _ material: KeyMaterial, _ payload: PayloadValues) throws {
        self.algorithm = algorithm
        ours = try Ours(algorithm, material, payload)
        raw = Raw(algorithm, material)
        token = try ours.issuer.sign(claims: ours.claims)
        (signingInput, signature) = try Ours.parts(of: token)
        try require(try ours.decode(token).claims == ours.claims, "JWTDecoder does not read back the payload")
        try require(try ours.verifier.decode(token, as: .access).claims == ours.claims, "TokenVerifier does not accept the token")
        try require(raw.verify(signature, signingInput), "the raw primitive does not verify the token")
        _ = try ours.cachedVerifier.decode(token, as: .access)
    }

    func require(_ condition: Bool, _ what: String) throws {
        guard condition else { throw UsageError(message: "\(algorithm.rawValue): \(what)") }
    }

    var oursSign: Workload {
        let ours = ours
        return .sync { n in for _ in 0..<n { Sink.consume(try ours.issuer.sign(claims: ours.claims).utf8.count) } }
    }

    var rawSign: Workload {
        let (raw, input) = (raw, signingInput)
        return .sync { n in for _ in 0..<n { Sink.consume(try raw.sign(input)) } }
    }

    /// Reads the subject, as a protected route does: the claims set is checked, but its dictionary of every member
    /// is built only when asked for (``oursDecodeAllMembers``).
    var oursDecode: Workload {
        let (ours, token) = (ours, token)
        return .sync { n in for _ in 0..<n { Sink.consume(try ours.decode(token).claims.subject?.utf8.count ?? 0) } }
    }

    /// ``oursDecode`` reading every member, as jwt-kit's verify decodes its whole payload.
    var oursDecodeAllMembers: Workload {
        let (ours, token) = (ours, token)
        return .sync { n in for _ in 0..<n { Sink.consume(try ours.decode(token).claims.members.count) } }
    }

    var oursVerifier: Workload {
        let (verifier, token) = (ours.verifier, token)
        return .sync { n in for _ in 0..<n { Sink.consume(try verifier.decode(token, as: .access).claims.subject?.utf8.count ?? 0) } }
    }

    /// The token is already in the cache.
    var oursCacheHit: Workload {
        let (verifier, token) = (ours.cachedVerifier, token)
        return .sync { n in for _ in 0..<n { Sink.consume(try verifier.decode(token, as: .access).claims.subject?.utf8.count ?? 0) } }
    }

    var rawVerify: Workload {
        let (raw, input, signature) = (raw, signingInput, signature)
        return .sync { n in for _ in 0..<n { Sink.consume(raw.verify(signature, input) ? 1 : 0) } }
    }

    /// A login's access token: new `jti` and `sid`, the current time.
    var oursIssue: Workload {
        let issuer = ours.issuer
        let roles: [String: JSONValue] = ["roles": ["user", "admin"]]
        return .sync { n in for _ in 0..<n { Sink.consume(try issuer.accessToken(for: "user-42", claims: roles).token.utf8.count) } }
    }

    /// The workloads by name, for `--profile`.
    var named: [String: Workload] {
        [
            "ours-sign": oursSign, "raw-sign": rawSign, "ours-decode": oursDecode, "ours-verifier": oursVerifier,
            "ours-cache-hit": oursCacheHit, "raw-verify": rawVerify, "ours-issue": oursIssue,
            "ours-decode-all-members": oursDecodeAllMembers,
        ]
    }
}
