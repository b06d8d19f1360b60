import JWTAuth
import Testing

/// Every test case of Wycheproof's JSON Web Signature and JSON Web Key vectors (`Vectors/wycheproof/`).
///
/// Each group's keys (its `public` and its `private` JWK or JWK Set, each on its own) verify each case's
/// compact JWS through `JWTDecoder.verifyPayload`; loading a key is part of the case, so a refused key counts as
/// a rejection. A case may deviate from its expected result only when listed in `deviations`, with the reason
/// and the outcome we assert instead.
@Suite struct WycheproofTests {
    struct Deviation {
        /// Whether JWTAuth accepts the case; asserted in place of Wycheproof's result.
        let accepted: Bool
        /// The group's key set (`public` or `private`) the deviation is about; nil for both.
        var keySet: String? = nil
        let reason: String
    }

    struct Summary: Equatable {
        var checked = 0
        var deviated = 0
    }

    /// tcId 357, whose token tcId 367 and 370 repeat byte for byte.
    static let validBase64Case = 357

    static let signatureDeviations: [Int: Deviation] = [
        346: Deviation(
            accepted: false,
            reason: "The key's JWK says alg PS256 and the JWS says PS384. A JWK's alg binds the key to that algorithm."
        ),
        350: Deviation(accepted: false, reason: "As 346, with key_ops: the key is a PS256 key and the JWS is PS384."),
        347: Deviation(
            accepted: false,
            reason: "The key's JWK says alg ES521, which no registry defines (ES512 is the P-521 algorithm); an unknown alg refuses the key."
        ),
        351: Deviation(accepted: false, reason: "As 347, with key_ops: alg ES521 is not an algorithm."),
        349: Deviation(
            accepted: false,
            keySet: "private",
            reason:
                "The private JWK's key_ops is [\"sign, verify\"], one value that is neither sign nor verify (RFC 7517 §4.3), so the key allows no JWS operation. The public JWK (key_ops [\"verify\"]) is checked as Wycheproof expects."
        ),
        367: Deviation(
            accepted: true,
            reason:
                "Upstream (commit 073df56) stores tcId 357's valid token byte for byte under this invalid label; one token cannot be both, so it is accepted as 357 is."
        ),
        370: Deviation(accepted: true, reason: "As 367: the stored token is tcId 357's valid token."),
        372: Deviation(
            accepted: false,
            reason: "A '?' inside the header segment. DESIGN.md requires canonical unpadded base64url, so the token is malformed."
        ),
        373: Deviation(accepted: false, reason: "A '?' inside the payload segment: not base64url, as 372."),
    ]

    @Test func jsonWebSignatureVectors() throws {
        let summary = try Self.run("wycheproof/json_web_signature_test.json", deviations: Self.signatureDeviations)
        #expect(summary == Summary(checked: 392, deviated: 9))

        let cases = try Self.cases("wycheproof/json_web_signature_test.json")
        for id in [367, 370] { #expect(cases[id] == cases[Self.validBase64Case], "tcId \(id) repeats tcId 357") }
    }

    @Test func jsonWebKeyVectors() throws {
        let summary = try Self.run("wycheproof/json_web_key_test.json", deviations: [:])
        #expect(summary == Summary(checked: 26, deviated: 0))
    }

    /// Runs every case of a Wycheproof file and returns how many were checked against their expected result
    /// and how many against a listed deviation.
    static func run(_ path: String, deviations: [Int: Deviation]) throws -> Summary {
        let document = try TestVectors.load(path)
        let groups = try #require(document["testGroups"]?.arrayValue)
        var summary = Summary()
        var seen: Set<Int> = []
        for group in groups {
            try #require(group["public"] != nil || group["private"] != nil, "a group without keys")
            for test in try #require(group["tests"]?.arrayValue) {
                let id = Int(try #require(test["tcId"]?.intValue))
                #expect(seen.insert(id).inserted, "tcId \(id) appears twice")
                let jws = try test.string("jws")
                let expected = try test.string("result")
                for name in ["public", "private"] {
                    guard let keys = group[name] else { continue }
                    let label = "tcId \(id) (\(test["comment"]?.stringValue ?? ""), \(name) key)"
                    let outcome = verify(jws, with: keys)
                    if case .success(let payload) = outcome {
                        let segment = jws.split(separator: ".", omittingEmptySubsequences: false)[1]
                        #expect(payload == Base64URL.decode(segment), "\(label): the payload returned is not the one signed")
                    }
                    if case .failure(let error) = outcome {
                        #expect([.invalidToken, .invalidKey].contains(error.code), "\(label): \(error)")
                    }
                    let accepted = (try? outcome.get()) != nil
                    if let deviation = deviations[id], deviation.keySet == nil || deviation.keySet == name {
                        #expect(accepted == deviation.accepted, "\(label) deviates from Wycheproof because: \(deviation.reason)")
                    } else if expected != "acceptable" {
                        let detail: String
                        switch outcome {
                        case .success: detail = "accepted it"
                        case .failure(let error): detail = "rejected it: \(error)"
                        }
                        #expect(accepted == (expected == "valid"), "\(label): Wycheproof expects \(expected); JWTAuth \(detail)")
                    }
                }
                if deviations[id] != nil { summary.deviated += 1 } else { summary.checked += 1 }
            }
        }
        #expect(seen.count == document["numberOfTests"]?.intValue.map(Int.init), "numberOfTests")
        #expect(Set(deviations.keys).isSubset(of: seen), "a deviation names a case that does not exist")
        return summary
    }

    /// Loads `keys` (one JWK or a JWK Set) and verifies `jws` with them; the payload, or why it was refused.
    static func verify(_ jws: String, with keys: JSONValue) -> Result<[UInt8], JWTAuthError> {
        do throws(JWTAuthError) {
            let members = keys.objectValue ?? [:]
            let keySet = members["keys"] != nil ? try JWTKeySet(jwks: members) : try JWTKeySet([JWTKey(jwk: members)])
            return .success(try JWTDecoder(keys: keySet).verifyPayload(UnverifiedToken(jws)))
        } catch {
            return .failure(error)
        }
    }

    /// The token of each case, by tcId.
    static func cases(_ path: String) throws -> [Int: String] {
        var tokens: [Int: String] = [:]
        for group in try #require(try TestVectors.load(path)["testGroups"]?.arrayValue) {
            for test in group["tests"]?.arrayValue ?? [] {
                if let id = test["tcId"]?.intValue { tokens[Int(id)] = test["jws"]?.stringValue }
            }
        }
        return tokens
    }
}
