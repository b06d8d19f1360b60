import Foundation

/// How long a response may be cached, from `Cache-Control`, `Age`, `Expires` and `Date` (RFC 9111 §4.2.1).
struct HTTPCachePolicy: Sendable, Equatable {
    /// Seconds the response stays fresh, as the server asks; nil when it says nothing.
    let lifetime: Double?

    init(cacheControl: String?, age: String?, expires: String?, date: String?) {
        var maxAge: Double?
        var noCache = false
        for directive in (cacheControl ?? "").split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first else { continue }
            switch name {
            case "no-store", "no-cache": noCache = true
            case "max-age", "s-maxage":
                let value = parts.count > 1 ? parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
                if let seconds = Int(value), seconds >= 0, maxAge == nil || name == "s-maxage" { maxAge = Double(seconds) }
            default: continue
            }
        }
        let age = age.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map(Double.init) ?? 0
        if noCache {
            lifetime = 0
        } else if let maxAge {
            lifetime = max(0, maxAge - age)
        } else if let expires = expires.flatMap(Self.httpDate) {
            let now = date.flatMap(Self.httpDate)
            // Without a Date header there is no server clock to compare with: ignore Expires.
            lifetime = now.map { max(0, expires - $0) }
        } else {
            lifetime = nil
        }
    }

    /// The lifetime within `[minimum, maximum]`, `default` when the server gave none.
    func lifetime(default fallback: Double, minimum: Double, maximum: Double) -> Double {
        min(max(lifetime ?? fallback, minimum), maximum)
    }

    /// Seconds since 1970 of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); nil for any other form.
    static func httpDate(_ text: String) -> Double? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let day = Int(fields[1]), let year = Int(fields[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(fields[2]))
        else { return nil }
        let time = fields[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (1...31).contains(day), (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else {
            return nil
        }
        return Double(daysFromCivil(year: year, month: month + 1, day: day) * 86_400 + time[0] * 3600 + time[1] * 60 + time[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
