import Foundation
import JWTAuth
import Testing

/// The files of a ``KeyDirectory`` and the stored text of a key.
@Suite struct KeyDirectoryTests {
    @Test func theCurrentKeyAndAnUnknownKeyCannotBeRetired() throws {
        let (keys, parent) = RotatingKeySourceTests.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let current = try #require(try keys.rotate(algorithm: .es256).keyID)
        #expect(throws: JWTAuthError.invalidKey("")) { try keys.retire(current) }
        #expect(throws: JWTAuthError.invalidKey("")) { try keys.retire("no-such-kid") }
        #expect(keys.currentKeyID == current)
    }

    @Test func keysAreWrittenPrivatelyUnderTheirThumbprint() throws {
        let (keys, parent) = RotatingKeySourceTests.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let key = try keys.rotate(algorithm: .es256)
        let file = keys.path + "/key-\(key.thumbprint).pem"
        let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try keys.read(now: 0).keys.map(\.keyID) == [key.thumbprint])
        #expect(throws: JWTAuthError.invalidKey("")) { try keys.add(try JWTKey.generate(.hs256)) }
    }

    /// A PEM does not say which algorithm an RSA key signs with: the stored text keeps it.
    @Test(arguments: [SigningAlgorithm.ps256, .rs384, .es512, .eddsa])
    func theStoredTextKeepsTheAlgorithm(algorithm: SigningAlgorithm) throws {
        let key = try JWTKey.generate(algorithm)
        let text = try #require(key.storedText)
        #expect(text.hasPrefix("alg: \(algorithm.name)\n-----BEGIN"))
        let read = try JWTKey(storedText: text)
        #expect(read.algorithm == algorithm)
        #expect(read.thumbprint == key.thumbprint)
        #expect(read.canSign)
    }

    @Test func aPlainPEMIsReadAndAnUnknownAlgorithmRefused() throws {
        let key = try JWTKey.generate(.es256)
        #expect(try JWTKey(storedText: try #require(key.pemRepresentation)).algorithm == .es256)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(storedText: "alg: HS256\n" + (key.pemRepresentation ?? "")) }
        #expect(try JWTKey.generate(.hs256).storedText == nil, "HMAC keys are never stored")
    }
}
