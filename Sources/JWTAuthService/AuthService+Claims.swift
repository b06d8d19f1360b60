import JWTAuth
import Logging

extension AuthService {
    /// The claims every token of `user` carries besides those the issuer writes: `roles`, then the members of
    /// ``additionalClaims``, which may not name a claim the service writes.
    /// - Throws: the loader's `JWTAuthError`, `unavailable` for its other errors, `invalid_configuration` for
    ///   claims that do not encode as an object or name `roles`.
    func claims(for user: UserRecord) async throws -> [String: JSONValue] {
        var claims: [String: JSONValue] = ["roles": .array(user.roles.map(JSONValue.string))]
        guard let additionalClaims else { return claims }
        let loaded: (any Encodable & Sendable)?
        do {
            loaded = try await additionalClaims(user)
        } catch let error as JWTAuthError {
            throw error
        } catch {
            // The type only: the error's description may hold what the loader read.
            logger.error("The additional claims could not be loaded", metadata: ["error.type": "\(type(of: error))"])
            throw JWTAuthError.unavailable()
        }
        guard let loaded else { return claims }
        for (name, value) in try TokenIssuer.members(encoding: loaded) {
            // The issuer refuses the names it writes itself; `roles` is the service's.
            guard claims[name] == nil else { throw JWTAuthError.invalidConfiguration("The claim \(name) is reserved") }
            claims[name] = value
        }
        return claims
    }
}
