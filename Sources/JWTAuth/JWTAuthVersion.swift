/// The version of this package, in semantic versioning: what `jwt-auth --version` prints, the service's
/// OpenAPI document gives as `info.version`, and the JWKS client sends in its `User-Agent`.
public enum JWTAuthVersion {
    /// The version of this release, `0.2.0`.
    public static let current = "0.2.0"
}
