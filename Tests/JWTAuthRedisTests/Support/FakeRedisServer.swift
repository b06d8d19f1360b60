import NIOCore
import NIOPosix
import Synchronization

/// A TCP server on 127.0.0.1 that answers whatever it reads with the bytes its script gives for that
/// connection and read, or with nothing: for replies a real Redis would never send.
final class FakeRedisServer: Sendable {
    /// What to send back on connection `connection` (from 0) for its `read`-th read (from 0); nil for nothing.
    typealias Script = @Sendable (_ connection: Int, _ read: Int) -> String?

    let port: Int
    private let channel: any Channel
    private let connections = Counter()

    init(script: @escaping Script) async throws {
        let connections = self.connections
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let index = connections.next()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(connection: index, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// How many connections were accepted.
    var connectionCount: Int { connections.value.withLock { $0 } }

    func close() async throws { try await channel.close() }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let connection: Int
        let script: Script
        let reads = Counter()

        init(connection: Int, script: @escaping Script) {
            self.connection = connection
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let read = reads.next()
            guard let reply = script(connection, read) else { return }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: reply)), promise: nil)
        }
    }
}

/// A count shared across threads.
final class Counter: Sendable {
    let value = Mutex(0)

    /// The count before this call; counts one more.
    func next() -> Int {
        value.withLock { count in
            defer { count += 1 }
            return count
        }
    }
}
