public import JWTAuth
import JWTAuthPostgres
import JWTAuthSQLite
import Logging

extension AuthServer {
    /// `body` with the database of `configuration` as a user and revocation store, for `jwt-auth users rename`
    /// and `users delete`; closed afterwards, also when `body` throws.
    ///
    /// Unlike ``openUserStore(_:)`` it opens a database whose username-key migration step is refused because
    /// existing names are equal under RFC 8265's comparison (see ``UsernameClash``): the step is left pending,
    /// so that these commands can resolve the clash, and the next start applies it. On such a database,
    /// `body` uses only `allUsers()`, `user(id:)`, `renameUser(id:to:)`, `deleteUser(id:)` and revocations.
    public static func withRepairableUserStore<T>(
        _ configuration: AuthServerConfiguration,
        _ body: (any UserStore & RevocationStore) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "jwt-auth")
        switch configuration.database {
        case .sqlite(let path):
            let store = try await SQLiteStore.openForRepair(path: path, logger: logger)
            do {
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let url):
            let store = try await PostgresStore.connectForRepair(url: url, logger: logger)
            do {
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }
}
