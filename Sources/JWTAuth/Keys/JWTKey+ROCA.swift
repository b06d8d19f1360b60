import _CryptoExtras

extension JWTKey {
    /// True when an RSA modulus has the structure of the keys made by Infineon's library (ROCA,
    /// CVE-2017-15361), whose private key can be computed from the public one.
    ///
    /// Such primes are 65537^a mod M, M the product of the first 126 primes or more, so n mod r is a power of
    /// 65537 for every odd prime r up to 701. A random modulus passes this with a probability of about 2^-170.
    static func hasROCAFingerprint(modulus: some Collection<UInt8>) -> Bool {
        for (prime, powers) in rocaPowers {
            var remainder = 0
            for byte in modulus { remainder = (remainder << 8 | Int(byte)) % prime }
            if !powers[remainder] { return false }
        }
        return true
    }

    /// For each odd prime r up to 701, which residues mod r are powers of 65537.
    private static let rocaPowers: [(Int, [Bool])] = (3...701).filter { n in (2..<n).prefix { $0 * $0 <= n }.allSatisfy { n % $0 != 0 } }
        .map { prime in
            var powers = [Bool](repeating: false, count: prime)
            var value = 1
            while !powers[value] {
                powers[value] = true
                value = value * (65537 % prime) % prime
            }
            return (prime, powers)
        }

    /// Throws for an RSA key with the ROCA fingerprint.
    static func rejectROCA(_ key: _RSA.Signing.PublicKey) throws(JWTAuthError) {
        guard let modulus = try? key.getKeyPrimitives().modulus else { throw .invalidKey("The RSA key's modulus cannot be read") }
        guard !hasROCAFingerprint(modulus: modulus) else { throw .invalidKey("The RSA key is vulnerable to ROCA (CVE-2017-15361)") }
    }
}
