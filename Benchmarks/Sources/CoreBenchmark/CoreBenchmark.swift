import Crypto
import FoundationEssentials
import JWTAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// JWTAuth against jwt-kit and the raw swift-crypto primitives, in one run; prints one table.
///
/// Options: `--rounds N` (15), `--round-ms N` (20), `--warmup-ms N` (100), `--only ALG[,ALG...]`,
/// `--clock wall|cpu` (wall: `ContinuousClock`; cpu: the process's CPU time), `--revocations N` (1,000,000 revoked
/// `jti`s in the revocation rows; `--only revocation` runs those rows alone).
/// `--profile WORKLOAD --iterations N` runs one workload (e.g. `ours-decode`) of the first `--only`
/// algorithm N times, untimed, for a profiler such as callgrind.
@main
struct CoreBenchmark {
    static func main() async {
        do {
            let options = try Options(Array(CommandLine.arguments.dropFirst()))
            if let profile = options.profile {
                try self.profile(profile, options.iterations, options.algorithms.first ?? .hs256)
                return
            }
            let harness = options.harness
            var rows = try await run(harness, options.algorithms)
            if options.revocation {
                progress("revocation check (\(options.revocations) revoked jtis)")
                rows.append(contentsOf: try await RevocationSuite(revocations: options.revocations).rows(harness))
            }
            print(Table(rows: rows).render())
            print(
                "median of \(harness.rounds) interleaved rounds of ~\(harness.roundTime.nanoseconds / 1e6) ms (\(harness.clock.title)) per implementation;"
                    + " raw = swift-crypto on the decoded signing input (sink \(Sink.value & 0xF))"
            )
        } catch {
            printError("bench-core: \(error)")
            exit(1)
        }
    }

    nonisolated static func run(_ harness: Harness, _ algorithms: [Algorithm]) async throws -> [Row] {
        let material = try KeyMaterial.generate()
        let payload = PayloadValues(now: Int64(JWTClock.system.now), id: UUID().uuidString.lowercased())
        var rows: [Row] = []
        for algorithm in algorithms {
            let suite = try await Suite(algorithm, material, payload)
            progress("\(algorithm.rawValue) sign")
            rows.append(try await suite.sign(harness))
            progress("\(algorithm.rawValue) verify")
            rows.append(contentsOf: try await suite.verify(harness))
            if algorithm == .hs256 {
                progress("\(algorithm.rawValue) issue")
                rows.append(try await suite.issue(harness))
            }
            if algorithm == .es256 {
                progress("\(algorithm.rawValue) cache")
                rows.append(contentsOf: try await suite.cache(harness))
            }
        }
        if algorithms.contains(.hs256) {
            rows.append(contentsOf: try await EncryptionSuite(material, payload).rows(harness))
        }
        return rows
    }

    /// Runs one workload on the main thread, untimed.
    static func profile(_ name: String, _ iterations: Int, _ algorithm: Algorithm) throws {
        let material = try KeyMaterial.generate()
        let payload = PayloadValues(now: Int64(JWTClock.system.now), id: UUID().uuidString.lowercased())
        let subject = try Subject(algorithm, material, payload)
        let encryption = try EncryptionSuite(material, payload)
        var named = subject.named
        named["nested-verify"] = .sync { [nested = encryption.nested] n in
            for _ in 0..<n { Sink.consume(try nested.verifier.decode(nested.token, as: .access).claims.members.count) }
        }
        // The same token signed but not encrypted, through the same verifier without decryption: what
        // `nested-verify` costs more than.
        named["plain-verify"] = .sync { [plain = encryption.plain] n in
            for _ in 0..<n { Sink.consume(try plain.verifier.decode(plain.token, as: .access).claims.members.count) }
        }
        named["dir-decrypt"] = .sync { [direct = encryption.cases[0]] n in
            for _ in 0..<n { Sink.consume(try direct.decrypter.decrypt(direct.token).plaintext.count) }
        }
        // swift-crypto's AES-256-GCM open of the nested token's bytes, called as JWTAuth calls it (one combined
        // buffer, the header as AAD): the part of `nested-verify` that is not JWTAuth's.
        let gcmKey = SymmetricKey(data: material.secret)
        let gcmAAD = Array("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0".utf8)
        let gcmCombined = Array(try AES.GCM.seal(Array(subject.token.utf8), using: gcmKey, authenticating: gcmAAD).combined!)
        named["gcm-open"] = .sync { n in
            for _ in 0..<n {
                Sink.consume(try AES.GCM.open(AES.GCM.SealedBox(combined: gcmCombined), using: gcmKey, authenticating: gcmAAD).count)
            }
        }
        guard case .sync(let body) = named[name] else {
            throw UsageError(message: "unknown workload \(name); one of \(named.keys.sorted().joined(separator: ", "))")
        }
        let (start, cpuStart) = (ContinuousClock.now, TimingClock.cpu.now)
        try profiled(body, iterations)
        let (elapsed, cpu) = (ContinuousClock.now - start, TimingClock.cpu.now - cpuStart)
        func perOperation(_ duration: Duration) -> Int {
            Int((Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9) / Double(iterations))
        }
        printError("\(name): \(perOperation(elapsed)) ns/op over \(iterations) (\(perOperation(cpu)) ns/op of process CPU time)")
    }

    /// Where a profiler starts and stops counting: `callgrind --toggle-collect='*CoreBenchmark8profiled*'`.
    @inline(never)
    static func profiled(_ body: (Int) throws -> Void, _ iterations: Int) throws {
        try body(iterations)
    }

    static func progress(_ message: String) {
        printError("measuring \(message)")
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var line = line + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
