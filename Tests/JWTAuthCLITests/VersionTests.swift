import JWTAuth
import Testing

/// `jwt-auth --version` prints the package's one version.
@Suite struct VersionTests {
    @Test func versionPrintsThePackagesVersion() throws {
        let result = try CLISandbox().run(["--version"])
        #expect(result.status == 0)
        #expect(result.line == JWTAuthVersion.current)
    }

    @Test func theVersionIsSemantic() {
        let parts = JWTAuthVersion.current.split(separator: ".")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { UInt($0) != nil })
    }
}
