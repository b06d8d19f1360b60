import PostgresNIO

extension PostgresStore {
    /// Runs `body` with the URL of a new, empty database on the server of `serverURL`, then drops it
    /// (also when `body` throws). For tests: each gets a schema, a keys table and purges of its own.
    /// - Parameters:
    ///   - serverURL: A `postgres://` URL whose role may `CREATE DATABASE`.
    ///   - prefix: The start of the database's name; a random number follows.
    package static func withTemporaryDatabase<T>(
        on serverURL: String,
        prefix: String = "jwt_auth_tmp",
        _ body: (String) async throws -> T
    ) async throws -> T {
        let name = "\(prefix)\(UInt64.random(in: 0...UInt64.max))"
        let url = try PostgresURL.replacingDatabase(in: serverURL, with: name)
        let admin = try await PostgresStore.connect(url: serverURL, timeout: .seconds(10))
        func drop() async {
            _ = try? await admin.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)").collect()
            await admin.close()
        }
        do {
            _ = try await admin.client.query("CREATE DATABASE \(unescaped: name)").collect()
            let result = try await body(url)
            await drop()
            return result
        } catch {
            await drop()
            throw error
        }
    }
}

extension PostgresURL {
    /// `url` with its database replaced by `database` (a plain name), user, password, host and parameters kept.
    /// - Throws: ``InvalidURL`` when `url` is not a valid PostgreSQL URL.
    package static func replacingDatabase(in url: String, with database: String) throws -> String {
        _ = try PostgresURL(url)
        let scheme = url.hasPrefix("postgresql://") ? "postgresql://" : "postgres://"
        let rest = url.dropFirst(scheme.count)
        let (beforeQuery, query) = rest.firstIndex(of: "?").map { (rest[..<$0], rest[$0...]) } ?? (rest, "")
        let authority = beforeQuery.firstIndex(of: "/").map { beforeQuery[..<$0] } ?? beforeQuery
        return scheme + authority + "/" + database + query
    }
}
