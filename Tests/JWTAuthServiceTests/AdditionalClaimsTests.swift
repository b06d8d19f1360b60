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

    /// A service that loads each user's plan from `plans` (none: no claims), and a user registered in it.
    static func service(plans: Plans) async throws -> (AuthServiceTests.Harness, AuthService, UserRecord) {
        let harness = try AuthServiceTests.Harness()
        let user = try await harness.service.register(username: "ivy", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = { user in
            guard let plan = plans.byUser.withLock({ $0[user.id] }) else { return nil }
            return Plan(tenant: "t-\(user.username)", plan: plan, since: Date(timeIntervalSince1970: 1_700_000_000))
        }
        return (harness, service, user)
    }

    @Test func loginFreshLoginAndRefreshCarryTheClaimsOfTheUserAsStoredThen() async throws {
        let plans = Plans()
        let (_, service, ivy) = try await Self.service(plans: plans)
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
        let (_, service, _) = try await Self.service(plans: Plans())
        let login = try await service.login(username: "ivy", password: Self.password, clientAddress: "a")
        #expect(login.access.claims["tenant"] == nil)
        #expect(login.access.claims["roles"] == .array([]))
    }

    @Test(arguments: ["sub", "exp", "jti", "type", "sid", "fresh", "roles"])
    func aClaimTheServiceWritesIsRefused(name: String) async throws {
        let harness = try AuthServiceTests.Harness()
        _ = try await harness.service.register(username: "jay", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = { _ in [name: "mine"] as [String: String] }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await service.login(username: "jay", password: Self.password, clientAddress: "a")
        }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await service.freshLogin(username: "jay", password: Self.password, clientAddress: "a")
        }
    }

    @Test func claimsThatAreNoObjectAreRefused() async throws {
        let harness = try AuthServiceTests.Harness()
        _ = try await harness.service.register(username: "kim", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = { _ in ["a", "b"] as [String] }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await service.login(username: "kim", password: Self.password, clientAddress: "a")
        }
    }

    @Test func theLoadersJWTAuthErrorPassesAndAnyOtherIsUnavailable() async throws {
        let harness = try AuthServiceTests.Harness()
        _ = try await harness.service.register(username: "lee", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = { _ in throw JWTAuthError.forbidden("No plan") }
        await #expect(throws: JWTAuthError.forbidden("")) {
            try await service.login(username: "lee", password: Self.password, clientAddress: "a")
        }
        service.additionalClaims = { _ in throw Failure() }
        await #expect(throws: JWTAuthError.unavailable()) {
            try await service.login(username: "lee", password: Self.password, clientAddress: "a")
        }
    }

    @Test func aRefreshWhoseClaimsFailLeavesTheRefreshTokenUsable() async throws {
        let failing = Mutex(false)
        let harness = try AuthServiceTests.Harness()
        _ = try await harness.service.register(username: "max", password: Self.password, clientAddress: "a")
        var service = harness.service
        service.additionalClaims = { user in
            if failing.withLock({ $0 }) { throw Failure() }
            return ["tenant": user.username] as [String: String]
        }
        let login = try await service.login(username: "max", password: Self.password, clientAddress: "a")
        failing.withLock { $0 = true }
        await #expect(throws: JWTAuthError.unavailable()) { try await service.refresh(presented: login.refresh.claims) }
        failing.withLock { $0 = false }
        let renewed = try await service.refresh(presented: login.refresh.claims)
        #expect(renewed.access.claims["tenant"] == "max")
        #expect(try await harness.accepts(renewed.access))
    }
}
