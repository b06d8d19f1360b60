package import NIOCore

/// Writes commands the way Redis reads them: an array of bulk strings.
package enum RESPEncoder {
    /// Appends `command` (its name, then its arguments) to `buffer`.
    package static func encode(_ command: [String], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(command.count))
        buffer.writeStaticString("\r\n")
        for argument in command {
            buffer.writeStaticString("$")
            buffer.writeString(String(argument.utf8.count))
            buffer.writeStaticString("\r\n")
            buffer.writeString(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// `command` as a new buffer.
    package static func encode(_ command: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(command, into: &buffer)
        return buffer
    }
}
