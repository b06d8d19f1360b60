package import JWTAuth

extension TokenAuthority {
    /// ``checkToken(_:requirement:locations:)`` without suspending, when all it needs answers at once: a bearer
    /// token found first in the `Authorization` header (so no CSRF check and no implicit refresh), no key source or
    /// one with the token's keys at hand, and a revocation store that answers synchronously. Nil, having decided
    /// nothing, when the check must suspend: then call ``checkToken(_:requirement:locations:)``, which gives the same
    /// answer. Revocation is checked with ``checkRevocationSynchronously(_:)``, which must do what
    /// ``checkRevocation(_:)`` does.
    package func checkTokenSynchronously<Request: AuthenticatingRequest>(
        _ request: Request,
        requirement: JWTRequirement,
        locations: [TokenLocation]
    ) -> Result<CheckedToken, JWTAuthError>? {
        let type: TokenType = requirement.requiresRefresh ? .refresh : .access
        let verifier = self.verifier  // one copy of the verifier, not one per use
        guard locations.first == .headers, verifier.checksRevocationSynchronously(type: type) else { return nil }
        do throws(JWTAuthError) {
            guard let token = try request.bearerToken() else { return nil }
            let decoded = try sourcedVerifier.decodeImmediately(
                token,
                source: keySource,
                base: verifier,
                as: type,
                requireFresh: requirement.requiresFresh
            )
            guard let verified = decoded else { return nil }
            guard try checkRevocationSynchronously(verified) else { return nil }
            return .success(CheckedToken(token: verified, rawToken: token, location: .headers, reissued: nil))
        } catch {
            return .failure(error)
        }
    }
}
