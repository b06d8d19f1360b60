import Testing

/// The check that keeps DocC pages and their tests together finds a block that drifted.
@Suite struct DocCPageTests {
    static let source = """
        func example() {
            let a = 1

            let b = a + 1
        }
        """

    @Test func aBlockIndentedAsAFunctionBodyIsFound() {
        #expect(DocCPage.contains(Self.source, block: ["let a = 1", "", "let b = a + 1"]))
    }

    @Test(arguments: [
        ["let a = 2", "", "let b = a + 1"],  // a changed line
        ["let a = 1", "let b = a + 1"],  // a line left out
        ["let a = 1", "", "    let b = a + 1"],  // indented differently
        ["let b = a + 1", "}", "extra"],  // past the end of the source
    ])
    func aBlockThatDriftedIsNot(block: [String]) {
        #expect(!DocCPage.contains(Self.source, block: block))
    }
}
