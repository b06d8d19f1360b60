// A Vapor app with the auth routes and one protected route: `swift run --traits Vapor VaporServer serve`.
#if Vapor
import JWTAuthVapor
import Vapor

let app = try await Application.make(.detect())
do {
    try await configure(app)
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
#endif
