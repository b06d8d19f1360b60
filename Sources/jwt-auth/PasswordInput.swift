import Foundation
import JWTAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A password for `users add` and `users passwd`: on a terminal, typed twice at a prompt without echo;
/// otherwise all of standard input, one trailing line break removed. Never an argument, which other users
/// of the machine could read in the process list.
enum PasswordInput {
    /// - Throws: ``CommandFailure`` `bad_request` when the input is not UTF-8 or the two entries differ.
    static func read() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else { return try fromStandardInput() }
        let first = try prompt("Password: ")
        let second = try prompt("Repeat the password: ")
        guard first == second else { throw CommandFailure(code: "bad_request", message: "The passwords differ") }
        return first
    }

    private static func fromStandardInput() throws -> String {
        var input = FileHandle.standardInput.readDataToEndOfFile()
        if input.last == UInt8(ascii: "\n") { input.removeLast() }
        if input.last == UInt8(ascii: "\r") { input.removeLast() }
        guard let text = String(data: input, encoding: .utf8) else { throw CommandFailure(code: "bad_request", message: "The password is not UTF-8") }
        return text
    }

    /// One line typed at the terminal with echo off (restored afterwards), the prompt on standard error.
    private static func prompt(_ text: String) throws -> String {
        var saved = termios()
        let canHideEcho = tcgetattr(STDIN_FILENO, &saved) == 0
        if canHideEcho {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        // Shown once echo is off: whatever is typed after the prompt appears is never echoed (nor flushed away).
        FileHandle.standardError.write(Data(text.utf8))
        defer {
            if canHideEcho { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CommandFailure(code: "bad_request", message: "No password was typed") }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}
