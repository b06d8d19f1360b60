import AsyncHTTPClient
import Foundation
import JWTAuth
import NIOCore
import NIOHTTP1

extension JWKSClient {
    /// One fetch's result: a document, or nil for 304 Not Modified.
    struct Outcome {
        let document: [UInt8]?
        let policy: HTTPCachePolicy
        let entityTag: String?
    }

    /// What the client sends as `User-Agent`: `JWTAuthJWKS/<version>`.
    package static let userAgent = "JWTAuthJWKS/\(JWTAuthVersion.current)"

    /// GETs the set, following redirects to the same origin only, within the configured time and size.
    /// - Throws: `unavailable` for a network failure, a timeout or an error status; `invalid_key` for a
    ///   redirect elsewhere or an oversized document.
    func fetch(entityTag: String?) async throws(JWTAuthError) -> Outcome {
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        var target = url
        for _ in 0...configuration.maximumRedirects {
            var request = HTTPClientRequest(url: target.absoluteString)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            if let entityTag { request.headers.add(name: "If-None-Match", value: entityTag) }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, deadline: deadline)
            } catch {
                throw .unavailable("The JWK Set could not be fetched: \(Self.describe(error))")
            }
            let headers = response.headers
            switch response.status.code {
            case 200:
                if let length = headers.first(name: "Content-Length").flatMap(Int.init), length > configuration.maximumDocumentSize {
                    throw .invalidKey("The JWK Set is larger than \(configuration.maximumDocumentSize) bytes")
                }
                let body: ByteBuffer
                do {
                    // The deadline bounds the headers only: a body trickling in under the read timeout needs its own.
                    let remaining = Duration.nanoseconds(max(0, deadline.uptimeNanoseconds - NIODeadline.now().uptimeNanoseconds))
                    body = try await withDeadline(remaining) { [limit = configuration.maximumDocumentSize] in
                        try await response.body.collect(upTo: limit)
                    }
                } catch is NIOTooManyBytesError {
                    throw .invalidKey("The JWK Set is larger than \(configuration.maximumDocumentSize) bytes")
                } catch {
                    throw .unavailable("The JWK Set could not be read: \(Self.describe(error))")
                }
                return Outcome(document: Array(buffer: body), policy: Self.policy(headers), entityTag: headers.first(name: "ETag"))
            case 304:
                return Outcome(document: nil, policy: Self.policy(headers), entityTag: entityTag)
            case 301, 302, 303, 307, 308:
                guard let location = headers.first(name: "Location"), let next = URL(string: location, relativeTo: target)?.absoluteURL,
                    next.scheme == target.scheme, next.host == target.host, next.port == target.port
                else { throw .invalidKey("The JWK Set URL redirects to another origin") }
                target = next
            default:
                throw .unavailable("The JWK Set URL answered \(response.status.code)")
            }
        }
        throw .unavailable("The JWK Set URL redirects too often")
    }

    static func policy(_ headers: HTTPHeaders) -> HTTPCachePolicy {
        HTTPCachePolicy(
            cacheControl: headers[canonicalForm: "Cache-Control"].joined(separator: ","),
            age: headers.first(name: "Age"),
            expires: headers.first(name: "Expires"),
            date: headers.first(name: "Date")
        )
    }

    /// A short reason, without the response's content.
    static func describe(_ error: any Error) -> String {
        if error is DeadlineExceeded { return "timed out" }
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "timed out" }
            if error == .connectTimeout { return "connect timed out" }
            return "\(error)"
        }
        return "\(type(of: error))"
    }

    /// `https://`, or `http://` to a loopback host when allowed.
    static func checkScheme(_ url: URL, configuration: JWKSClientConfiguration) throws(JWTAuthError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .invalidConfiguration("The JWK Set URL is not an absolute URL")
        }
        if scheme == "https" { return }
        guard scheme == "http", configuration.allowsInsecureLoopback, isLoopback(host) else {
            throw .invalidConfiguration("The JWK Set URL must use https (http only for a loopback host, when allowed)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        return octets.count == 4 && octets[0] == 127 && host.split(separator: ".").count == 4
    }
}
