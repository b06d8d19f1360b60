public import ArgumentParser
import JWTAuth

extension KeyManagementAlgorithm: ExpressibleByArgument {
    /// The algorithm with this exact `alg` name.
    init?(argument: String) {
        self.init(name: argument)
    }

    static var allValueStrings: [String] { all.map(\.name) }

    var defaultValueDescription: String { name }
}

extension ContentEncryptionAlgorithm: ExpressibleByArgument {
    /// The algorithm with this exact `enc` name.
    init?(argument: String) {
        self.init(name: argument)
    }

    static var allValueStrings: [String] { all.map(\.name) }

    var defaultValueDescription: String { name }
}
