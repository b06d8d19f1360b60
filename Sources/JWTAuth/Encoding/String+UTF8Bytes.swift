extension String {
    /// `body` of this string's UTF-8 bytes, read in place (a string not stored contiguously is made so first);
    /// `body`'s typed error passes through, which `withUTF8` alone would not let it.
    func withUTF8Bytes<T>(_ body: (UnsafeRawBufferPointer) throws(JWTAuthError) -> T) throws(JWTAuthError) -> T {
        var string = self
        let result: Result<T, JWTAuthError> = string.withUTF8 { buffer in
            do throws(JWTAuthError) {
                return .success(try body(UnsafeRawBufferPointer(buffer)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
