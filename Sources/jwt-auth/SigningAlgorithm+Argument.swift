public import ArgumentParser
import JWTAuth

extension SigningAlgorithm: ExpressibleByArgument {
    /// The algorithm with this exact `alg` name; `none` is not one.
    init?(argument: String) {
        self.init(name: argument)
    }

    static var allValueStrings: [String] { all.map(\.name) }

    var defaultValueDescription: String { name }
}
