import Foundation
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

/// Verifies a token with PyJWT's `PyJWKClient` from a JWKS URL, in the Python environment of `scripts/python-env`.
enum PyJWKClientCheck {
    static let script = """
        import sys, jwt
        token, url, audience = sys.argv[1], sys.argv[2], sys.argv[3]
        key = jwt.PyJWKClient(url).get_signing_key_from_jwt(token)
        claims = jwt.decode(token, key.key, algorithms=["ES256"], audience=audience)
        print(claims["sub"])
        """

    static func verify(_ token: String, jwksURL: String, audience: String) throws {
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var python = ProcessInfo.processInfo.environment["JWT_AUTH_PYTHON"] ?? package.appending(path: ".venv/bin/python").path
        if !FileManager.default.isExecutableFile(atPath: python) {
            let setup = try ChildProcess.run(package.appending(path: "scripts/python-env").path, [])
            python = String(decoding: setup.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let output = try ChildProcess.run(python, ["-c", script, token, jwksURL, audience])
        #expect(output.status == 0, "PyJWKClient: \(String(decoding: output.standardError, as: UTF8.self).suffix(500))")
    }
}
