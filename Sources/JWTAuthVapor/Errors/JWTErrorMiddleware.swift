#if Vapor
import JWTAuth
public import Vapor

/// Gives every error the JSON shape `{"error": code, "msg": message}`: `JWTAuthError`s (through the
/// manager's handlers), Vapor's own 404, 413 and decoding errors (`AbortError`s), and anything else as a
/// 500 that is logged but never shown. Use it in place of Vapor's `ErrorMiddleware`:
///
/// ```swift
/// app.middleware = Middlewares()
/// app.middleware.use(JWTErrorMiddleware())
/// ```
public struct JWTErrorMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as JWTAuthError {
            return request.jwtAuth.response(for: error)
        } catch is DecodingError {
            return request.jwtAuth.response(for: .badRequest("Invalid JSON body"))
        } catch let error as any AbortError {
            let translated = JWTAuthError.forStatus(Int(error.status.code), message: error.reason, reasonPhrase: error.status.reasonPhrase)
            let response = request.jwtAuth.response(for: translated)
            if response.status.code == UInt(translated.code.statusCode) { response.status = error.status }
            for (name, value) in error.headers where name.lowercased() != "content-type" && name.lowercased() != "content-length" {
                response.headers.add(name: name, value: value)
            }
            return response
        } catch {
            request.logger.error("Request failed", metadata: ["error.type": "\(type(of: error))"])
            return request.jwtAuth.response(for: JWTAuthError(code: .internalError, message: "Internal server error"))
        }
    }
}
#endif
