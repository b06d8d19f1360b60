import JWTAuth

/// One algorithm in the three implementations; all three verify the same token.
struct Suite: Sendable {
    let subject: Subject
    let kit: Kit
    var algorithm: Algorithm { subject.algorithm }

    /// Also checks that jwt-kit reads the token back and that JWTAuth accepts jwt-kit's token.
    init(_ algorithm: Algorithm, _ material: KeyMaterial, _ payload: PayloadValues) async throws {
        subject = try Subject(algorithm, material, payload)
        kit = try await Kit.make(algorithm, material, payload)
        try subject.require(try await kit.verify(subject.token) == kit.payload, "jwt-kit does not read back the payload")
        let kitToken = try await kit.sign()
        try subject.require(try subject.ours.decode(kitToken).claims.subject == "user-42", "JWTAuth does not accept jwt-kit's token")
    }

    var kitSign: Workload {
        let kit = kit
        return .async { n in for _ in 0..<n { Sink.consume(try await kit.sign().utf8.count) } }
    }

    var kitVerify: Workload {
        let (kit, token) = (kit, subject.token)
        return .async { n in for _ in 0..<n { Sink.consume(try await kit.verify(token).roles.count) } }
    }

    var kitIssue: Workload {
        let kit = kit
        return .async { n in for _ in 0..<n { Sink.consume(try await kit.issue().utf8.count) } }
    }

    func sign(_ harness: Harness) async throws -> Row {
        let results = try await harness.measure([subject.oursSign, kitSign, subject.rawSign])
        return Row(
            algorithm: algorithm.rawValue,
            operation: "sign",
            ours: results[0],
            kit: results[1],
            raw: results[2],
            goal: algorithm == .hs256 ? .fasterThanKit(2) : nil
        )
    }

    /// `JWTDecoder.decode` and `TokenVerifier.decode` against jwt-kit's verify and the raw primitive.
    func verify(_ harness: Harness) async throws -> [Row] {
        let results = try await harness.measure([
            subject.oursDecode, subject.oursVerifier, kitVerify, subject.rawVerify, subject.oursDecodeAllMembers,
        ])
        return [
            Row(
                algorithm: algorithm.rawValue,
                operation: "verify+claims (JWTDecoder)",
                ours: results[0],
                kit: results[2],
                raw: results[3],
                goal: algorithm == .hs256 ? .fasterThanKit(3) : .fractionOfRaw(0.92)
            ),
            Row(algorithm: algorithm.rawValue, operation: "verify+claims+type (TokenVerifier)", ours: results[1], kit: results[2], raw: results[3]),
            Row(algorithm: algorithm.rawValue, operation: "verify+claims, every member read", ours: results[4], kit: results[2], raw: results[3]),
        ]
    }

    /// A login's access token against jwt-kit signing a new payload (new `jti`, current time).
    func issue(_ harness: Harness) async throws -> Row {
        let results = try await harness.measure([subject.oursIssue, kitIssue])
        return Row(algorithm: algorithm.rawValue, operation: "issue access token (new jti)", ours: results[0], kit: results[1])
    }

    /// `TokenVerifier.decode` of a token in its verified-token cache against a cold verification.
    func cache(_ harness: Harness) async throws -> [Row] {
        let results = try await harness.measure([subject.oursVerifier, subject.oursCacheHit])
        return [
            Row(algorithm: algorithm.rawValue, operation: "TokenVerifier, cold", ours: results[0]),
            Row(
                algorithm: algorithm.rawValue,
                operation: "TokenVerifier, cache hit",
                ours: results[1],
                goal: .fasterThan(10, baseline: results[0], name: "cold")
            ),
        ]
    }
}
