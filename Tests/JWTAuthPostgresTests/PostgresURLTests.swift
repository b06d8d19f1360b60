import JWTAuthPostgres
import Testing

@Suite struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let url = try PostgresURL("postgres://app%40x:p%2Fss%3Aw@db.example:6543/auth%20db?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(url.username == "app@x")
        #expect(url.password == "p/ss:w")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "auth db")
        #expect(url.sslMode == .verifyFull)
        #expect(url.sslRootCertificate == "/etc/ca.pem")
    }

    @Test func defaultsFollowLibpq() throws {
        let url = try PostgresURL("postgresql://alice@localhost")
        #expect(url.port == 5432)
        #expect(url.password == nil)
        #expect(url.database == "alice")
        #expect(url.sslMode == .prefer)
    }

    @Test func readsAnIPv6Host() throws {
        let url = try PostgresURL("postgres://u:p@[::1]:5433/d")
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.description == "postgres://u@[::1]:5433/d?sslmode=prefer")
    }

    @Test func descriptionNeverHoldsThePassword() throws {
        let url = try PostgresURL("postgres://u:hunter2@h/d?sslmode=disable")
        #expect(!url.description.contains("hunter2"))
        #expect(url.description == "postgres://u@h:5432/d?sslmode=disable")
    }

    @Test(arguments: [
        "mysql://u:p@h/d", "postgres://h/d", "postgres://:p@h/d", "postgres://u@:5432/d", "postgres://u@h:0/d",
        "postgres://u@h:99999/d", "postgres://u@h:port/d", "postgres://u@h/d?sslmode=sometimes", "postgres://u@h/d?timeout=3",
        "postgres://u%zz@h/d", "postgres://u@[::1/d",
    ])
    func refusesABadURL(_ text: String) {
        #expect(throws: PostgresURL.InvalidURL.self) { try PostgresURL(text) }
    }

    @Test func errorsNeverHoldThePassword() {
        for text in ["postgres://u:hunter2@h:bad/d", "postgres://u:hunter2@h/d?sslmode=no", "postgres://u:hunter2%zz@h/d"] {
            do {
                _ = try PostgresURL(text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(!"\(error)".contains("hunter2"))
            }
        }
    }
}

@Suite struct PostgresURLDatabaseTests {
    @Test(arguments: [
        ("postgres://u:p%40ss@127.0.0.1:5433/base?sslmode=disable", "postgres://u:p%40ss@127.0.0.1:5433/other?sslmode=disable"),
        ("postgresql://u@db.example", "postgresql://u@db.example/other"),
        ("postgres://u@[::1]:5432/base/", "postgres://u@[::1]:5432/other"),
    ])
    func theDatabaseIsReplacedAndTheRestKept(url: String, expected: String) throws {
        #expect(try PostgresURL.replacingDatabase(in: url, with: "other") == expected)
        #expect(try PostgresURL(expected).database == "other")
    }

    @Test func anInvalidURLIsRefused() {
        #expect(throws: PostgresURL.InvalidURL.self) { try PostgresURL.replacingDatabase(in: "mysql://u@h/db", with: "x") }
    }
}
