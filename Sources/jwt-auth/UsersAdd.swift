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
    @OptionGroup var options: NewUserOptions

    func run() async throws {
        let configuration = try options.configuration()
        var input = FileHandle.standardInput.readDataToEndOfFile()
        if input.last == UInt8(ascii: "\n") { input.removeLast() }
        if input.last == UInt8(ascii: "\r") { input.removeLast() }
        guard let text = String(data: input, encoding: .utf8) else { throw CommandFailure(code: "bad_request", message: "The password is not UTF-8") }
        let username: String
        let password: String
        do {
            username = try Credentials.username(name)
            password = try Credentials.password(text)
        } catch {
            throw CommandFailure(code: error.code.description, message: error.message)
        }
        let hash = try await PasswordHasher(cost: configuration.bcryptCost).hash(password)
        let (users, close) = try await AuthServer.openUserStore(configuration)
        do {
            let user = try await users.createUser(username: username, passwordHash: hash, roles: roles)
            try await close()
            print(UsersList.describe(user))
        } catch let error as JWTAuthError {
            try? await close()
            throw CommandFailure(code: error.code.description, message: error.message)
        }
    }
}
