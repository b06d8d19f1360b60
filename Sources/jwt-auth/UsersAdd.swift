import ArgumentParser
import AuthServer
import Foundation
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users add NAME [--role R]...`: the password comes from standard input, never an argument.
struct UsersAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user; the password is read from standard input.",
        discussion: "Example: printf '%s' \"$PASSWORD\" | jwt-auth users add alice --role admin"
    )

    @Argument(help: "The username.") var name: String
    @Option(name: .customLong("role"), help: "A role to grant (repeatable).") var roles: [String] = []
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let configuration = try options.configuration()
        var input = FileHandle.standardInput.readDataToEndOfFile()
        if input.last == UInt8(ascii: "\n") { input.removeLast() }
        if input.last == UInt8(ascii: "\r") { input.removeLast() }
        guard let text = String(data: input, encoding: .utf8) else { throw UsersCommandError("the password is not UTF-8") }
        let username: String
        let password: String
        do {
            username = try Credentials.username(name)
            password = try Credentials.password(text)
        } catch {
            throw UsersCommandError(error.message)
        }
        let hash = try await PasswordHasher(cost: configuration.bcryptCost).hash(password)
        let (users, close) = try await AuthServer.openUserStore(configuration)
        defer { Task { try? await close() } }
        do {
            let user = try await users.createUser(username: username, passwordHash: hash, roles: roles)
            print(UsersList.describe(user))
        } catch let error as JWTAuthError {
            try? await close()
            throw UsersCommandError(error.message)
        }
        try await close()
    }
}

/// A `users` command failure: printed as one line, exit code 1.
struct UsersCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
