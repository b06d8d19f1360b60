import Crypto
import Testing

@testable import JWTAuth

/// `KeyedMAC` computes HMAC from the hash functions' own buffer updates instead of swift-crypto's generic `HMAC`:
/// every code must be `HMAC`'s, for keys shorter than, as long as and longer than a block (which are hashed first),
/// and for messages around the block boundaries where padding changes.
@Suite(.bug(id: 21, "HMAC without swift-crypto's generic wrapper")) struct KeyedMACTests {
    static let keyLengths = [0, 1, 31, 32, 48, 63, 64, 65, 127, 128, 129, 300]
    static let messageLengths = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 1000]

    @Test(arguments: [256, 384, 512])
    func everyCodeIsSwiftCryptosHMAC(_ digestBits: Int) {
        var generator = SystemRandomNumberGenerator()
        for keyLength in Self.keyLengths {
            let key = SymmetricKey(data: (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let mac = KeyedMAC(key: key, digestBits: digestBits)
            for messageLength in Self.messageLengths {
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = Self.hmac(message, key: key, digestBits: digestBits)
                let code = mac.code(for: message)
                #expect(code == expected, "key \(keyLength) B, message \(messageLength) B")
                #expect(Self.isValid(mac, code, message))
            }
        }
    }

    @Test(arguments: [256, 384, 512])
    func aCodeThatDiffersAnywhereOrInLengthIsRefused(_ digestBits: Int) {
        let key = SymmetricKey(size: .bits256)
        let mac = KeyedMAC(key: key, digestBits: digestBits)
        let message = Array("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9".utf8)
        let code = mac.code(for: message)
        #expect(code.count == digestBits / 8)
        for index in code.indices {
            var flipped = code
            flipped[index] ^= 0x01
            #expect(!Self.isValid(mac, flipped, message), "bit flipped in byte \(index)")
        }
        #expect(!Self.isValid(mac, Array(code.dropLast()), message))
        #expect(!Self.isValid(mac, code + [0], message))
        #expect(!Self.isValid(mac, [], message))
        #expect(!Self.isValid(mac, code, message + [0]))
        #expect(!Self.isValid(KeyedMAC(key: SymmetricKey(size: .bits256), digestBits: digestBits), code, message))
    }

    @Test func oneMACServesConcurrentCallers() async {
        let key = SymmetricKey(size: .bits256)
        let mac = KeyedMAC(key: key, digestBits: 256)
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { index in
                        let message = Array("task \(task) message \(index)".utf8)
                        return mac.code(for: message) == Self.hmac(message, key: key, digestBits: 256)
                    }
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }

    static func isValid(_ mac: KeyedMAC, _ code: [UInt8], _ message: [UInt8]) -> Bool {
        code.withUnsafeBytes { code in message.withUnsafeBytes { mac.isValid(code, for: $0) } }
    }

    static func hmac(_ message: [UInt8], key: SymmetricKey, digestBits: Int) -> [UInt8] {
        switch digestBits {
        case 256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case 384: Array(HMAC<SHA384>.authenticationCode(for: message, using: key))
        default: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }
}
