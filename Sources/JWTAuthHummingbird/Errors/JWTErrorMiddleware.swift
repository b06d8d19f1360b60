public import HTTPTypes
public import Hummingbird
import JWTAuth
import Logging

/// Gives every error the JSON shape `{"error": code, "msg": message}`: `JWTAuthError`s (through the
/// manager's handlers), Hummingbird's own 404, 405, 413 and decoding errors, and anything else as a
/// 500 that is logged but never shown. Add it first, so it wraps everything else.
public struct JWTErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// For the custom error handlers; nil renders the default response.
    public let manager: JWTManager?
    /// The methods a path answers to, to turn a 404 for a known path into 405. Defaults to none.
    public let allowedMethods: (@Sendable (String) -> [HTTPRequest.Method]?)?

    public init(
        manager: JWTManager? = nil,
        context: Context.Type = Context.self,
        allowedMethods: (@Sendable (String) -> [HTTPRequest.Method]?)? = nil
    ) {
        self.manager = manager
        self.allowedMethods = allowedMethods
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as JWTAuthError {
            return await render(error, request, context)
        } catch let error as HTTPError {
            if error.status == .notFound, let methods = allowedMethods?(request.uri.path), !methods.isEmpty {
                let allow = methods.map(\.rawValue).joined(separator: ", ")
                var response = await render(
                    JWTAuthError(code: .methodNotAllowed, message: "The method is not allowed for the requested URL."),
                    request,
                    context
                )
                response.headers[.allow] = allow
                return response
            }
            var response = await render(error.status, message: error.body, request, context)
            for field in error.headers where field.name != .contentType && field.name != .contentLength { response.headers.append(field) }
            return response
        } catch let error as any HTTPResponseError {
            return await render(error.status, message: nil, request, context)
        } catch is DecodingError {
            return await render(.badRequest("Invalid JSON body"), request, context)
        } catch {
            context.logger.error("Request failed", metadata: ["error.type": "\(type(of: error))"])
            return await render(JWTAuthError(code: .internalError, message: "Internal server error"), request, context)
        }
    }

    /// The manager's response for `error` (its handler, awaited), or the default one without a manager.
    private func render(_ error: JWTAuthError, _ request: Request, _ context: Context) async -> Response {
        guard let manager else { return error.response(realm: "jwt-auth") }
        return await manager.response(for: error, request: request, context: context)
    }

    /// The response for an HTTP status thrown by Hummingbird or a handler. A status the error table has
    /// no code for (410, 418, 422, 502, …) keeps its status, with the nearest code.
    private func render(_ status: HTTPResponse.Status, message: String?, _ request: Request, _ context: Context) async -> Response {
        let error = Self.translate(status, message: message)
        var response = await render(error, request, context)
        if response.status == error.status { response.status = status }
        return response
    }

    /// The `JWTAuthError` for an HTTP status that Hummingbird or a handler produced.
    static func translate(_ status: HTTPResponse.Status, message: String?) -> JWTAuthError {
        JWTAuthError.forStatus(status.code, message: message, reasonPhrase: status.reasonPhrase)
    }
}
