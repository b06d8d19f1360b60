package import JWTAuth

extension MemoryRevocationStore {
    /// This store seen through a ``RevocationCheck`` closure: it answers alike, but cannot answer without
    /// suspending, so an adapter checks every token against it on its awaited path.
    package var awaited: RevocationCheck {
        RevocationCheck { [self] query in await isRevoked(query) }
    }
}
