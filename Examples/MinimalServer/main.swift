// A minimal Hummingbird 2 server protected by JWTAuth: `swift run jwt-auth-example`, settings in
// ExampleSettings.swift. `jwt-auth-example token --sub user-42` prints an access token the server accepts.
import Crypto
import Foundation
import Hummingbird
import JWTAuth

do {
    let settings = try ExampleSettings(environment: ProcessInfo.processInfo.environment)
    let issuer = try TokenIssuer(key: try settings.signingKey())
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "token":
        let subject = arguments.firstIndex(of: "--sub").flatMap { arguments.dropFirst($0 + 1).first } ?? "user-42"
        print(try issuer.accessToken(for: subject).token)
    case "bench-p256":  // hidden: the raw cost of one ES256 verification, for scripts/bench-http
        try benchP256(issuer, iterations: arguments.dropFirst().first.flatMap { Int($0) } ?? 5000)
    default:
        try await serve(settings, issuer)
    }
} catch {
    // JWTAuth's errors name what is wrong, never a secret or a token.
    FileHandle.standardError.write(Data("jwt-auth-example: \(error)\n".utf8))
    exit(1)
}

func serve(_ settings: ExampleSettings, _ issuer: TokenIssuer) async throws {
    try await buildApplication(settings, issuer).runService()
}

/// Times `P256.Signing.PublicKey.isValidSignature` over a real token's signing input; prints ns/op.
func benchP256(_ issuer: TokenIssuer, iterations: Int) throws {
    let privateKey = P256.Signing.PrivateKey()
    let publicKey = privateKey.publicKey
    let parts = try issuer.accessToken(for: "user-42").token.split(separator: ".")
    let message = Array("\(parts[0]).\(parts[1])".utf8)
    let signature = try privateKey.signature(for: message)
    var valid = 0
    let elapsed = ContinuousClock().measure {
        for _ in 0..<iterations where publicKey.isValidSignature(signature, for: message) { valid += 1 }
    }
    precondition(valid == iterations, "a valid signature failed to verify")
    let perOperation = elapsed / iterations
    print("\(perOperation.components.seconds * 1_000_000_000 + perOperation.components.attoseconds / 1_000_000_000) ns/op")
}
