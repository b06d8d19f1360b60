import Foundation
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import Synchronization
import Testing

/// `AuthService.additionalClaims`, Flask-JWT-Extended's `additional_claims_loader` that sees the user.
@Suite struct AdditionalClaimsTests {
    struct Plan: Encodable, Sendable {
        var tenant: String
        var plan: String?
        var since: Date
    }

    struct Failure: Error {}

    /// Each user's plan, by id, as the application keeps it.
    final class Plans: Sendable {
        let byUser = Mutex<[String: String]>([:])
    }

    static let password = AuthServiceTests.password

    /// The service of `harness` with `loader`, after the user "ivy" registered.
    static func service(
        _ harness: AuthServiceTests.Harness,
        loader: @escaping @Sendable (UserRecord) async throws -> (any Encodable & Sendable)?
    ) async throws -> AuthService {
        _ = try await harness.service.register(username: "ivy", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = loader
        return service
    }

    /// A service that loads each user's plan from `plans` (none: no claims).
    static func service(plans: Plans) async throws -> AuthService {
        try await service(try AuthServiceTests.Harness()) { user in
            guard let plan = plans.byUser.withLock({ $0[user.id] }) else { return nil }
            return Plan(tenant: "t-\(user.username)", plan: plan, since: Date(timeIntervalSince1970: 1_700_000_000))
        }
    }

    @Test func loginFreshLoginAndRefreshCarryTheClaimsOfTheUserAsStoredThen() async throws {
        let plans = Plans()
        let service = try await Self.service(plans: plans)
        let ivy = try #require(try await service.accounts.user(named: "ivy"))
        plans.byUser.withLock { $0[ivy.id] = "free" }
        let login = try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        for token in [login.access, login.refresh] {
            #expect(token.claims["tenant"] == "t-ivy")
            #expect(token.claims["plan"] == "free")
            #expect(try token.claims.value("since", as: Date.self) == Date(timeIntervalSince1970: 1_700_000_000))
            #expect(token.claims["roles"] == .array([]))
        }
        let fresh = try await service.freshLogin(username: "ivy", password: Self.password, clientAddress: "a")
        #expect(fresh.claims["plan"] == "free")
        #expect(fresh.claims["fresh"] == .bool(true))

        // The loader runs again at refresh, on the user as stored now.
        plans.byUser.withLock { $0[ivy.id] = "pro" }
        try await service.accounts.rename(user: ivy.id, to: "Ivy")
        let renewed = try await service.refresh(presented: login.refresh.claims)
        #expect(renewed.access.claims["plan"] == "pro")
        #expect(renewed.access.claims["tenant"] == "t-Ivy")
        #expect(renewed.access.claims["fresh"] == .bool(false))
    }

    @Test func aNilValueAddsNoClaim() async throws {
        let service = try await Self.service(plans: Plans())
        let login = try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        #expect(login.access.claims["tenant"] == nil)
        #expect(login.access.claims["roles"] == .array([]))
    }

    static let refused: [any Encodable & Sendable] =
        ["sub", "exp", "jti", "type", "sid", "fresh", "csrf", "roles"].map { [$0: "mine"] as [String: String] } + [["a", "b"] as [String]]

    @Test(arguments: Self.refused)
    func aClaimTheServiceWritesOrClaimsThatAreNoObjectAreRefused(claims: any Encodable & Sendable) async throws {
        let service = try await Self.service(try AuthServiceTests.Harness()) { _ in claims }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await service.freshLogin(username: "ivy", password: Self.password, clientAddress: "a")
        }
    }

    @Test func theLoadersJWTAuthErrorPassesAndAnyOtherIsUnavailable() async throws {
        var service = try await Self.service(try AuthServiceTests.Harness()) { _ in throw JWTAuthError.forbidden("No plan") }
        await #expect(throws: JWTAuthError.forbidden("")) {
            try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        }
        service.additionalClaims = { _ in throw Failure() }
        await #expect(throws: JWTAuthError.unavailable()) {
            try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        }
    }

    @Test func aRefreshWhoseClaimsFailLeavesTheRefreshTokenUsable() async throws {
        let failing = Mutex(false)
        let harness = try AuthServiceTests.Harness()
        let service = try await Self.service(harness) { user in
            if failing.withLock({ $0 }) { throw Failure() }
            return ["tenant": user.username] as [String: String]
        }
        let login = try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        failing.withLock { $0 = true }
        await #expect(throws: JWTAuthError.unavailable()) { try await service.refresh(presented: login.refresh.claims) }
        failing.withLock { $0 = false }
        let renewed = try await service.refresh(presented: login.refresh.claims)
        #expect(renewed.access.claims["tenant"] == "ivy")
        #expect(try await harness.accepts(renewed.access))
    }
}
