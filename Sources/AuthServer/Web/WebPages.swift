import Foundation

/// The site's HTML, built as strings; every value that came from a request or a user goes through
/// ``HTML/escape(_:)``.
///
/// Not swift-mustache templates: its `{{value}}` escaping looks at Swift `Character`s, and a quote
/// followed by a combining mark (`"\u{338}`, a username that passes our rules) is one `Character`
/// that is not `"`, so it would be written unescaped and close an attribute. Five small pages do not
/// need a template engine; ``HTML/escape(_:)`` works on Unicode scalars.
enum WebPages {
    /// What the signed-in page shows.
    struct Account {
        var username: String
        var roles: [String]
        /// When the access token expires, in seconds since 1970.
        var expiresAt: Double
        /// Seconds from now until then.
        var expiresIn: Int
        var csrfToken: String
    }

    static func login(next: String, username: String = "", error: String? = nil, isRegistrationOpen: Bool, csrfToken: String) -> String {
        var body = """
            <h1>Sign in</h1>
            \(alert(error))<form method="post" action="/login">
            <input type="hidden" name="csrf_token" value="\(HTML.escape(csrfToken))">
            <input type="hidden" name="next" value="\(HTML.escape(next))">
            <label for="username">Username</label>
            <input id="username" name="username" value="\(HTML.escape(username))" autocomplete="username" autocapitalize="none" \
            spellcheck="false" maxlength="64" required autofocus>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form>

            """
        if isRegistrationOpen {
            body += "<p class=\"aside\">No account yet? <a href=\"/register\">Create one</a></p>\n"
        }
        return layout(title: "Sign in", body: body)
    }

    static func register(username: String = "", error: String? = nil, csrfToken: String) -> String {
        layout(
            title: "Create an account",
            body: """
                <h1>Create an account</h1>
                \(alert(error))<form method="post" action="/register">
                <input type="hidden" name="csrf_token" value="\(HTML.escape(csrfToken))">
                <label for="username">Username</label>
                <input id="username" name="username" value="\(HTML.escape(username))" autocomplete="username" autocapitalize="none" \
                spellcheck="false" maxlength="64" required autofocus>
                <label for="password">Password <small>(8 to 72 bytes)</small></label>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
                <button type="submit">Create account</button>
                </form>
                <p class="aside">Already registered? <a href="/login">Sign in</a></p>

                """
        )
    }

    static func account(_ account: Account) -> String {
        let roles = account.roles.isEmpty ? "<span class=\"muted\">none</span>" : account.roles.map(HTML.escape).joined(separator: ", ")
        let expiry = Date(timeIntervalSince1970: account.expiresAt.rounded(.down)).formatted(.iso8601)
        return layout(
            title: "Signed in",
            body: """
                <h1>Signed in</h1>
                <p>Signed in as <strong id="username">\(HTML.escape(account.username))</strong>.</p>
                <dl>
                <dt>Roles</dt><dd id="roles">\(roles)</dd>
                <dt>Access token expires</dt><dd id="expires"><time datetime="\(expiry)">\(expiry)</time> \
                (in \(account.expiresIn) s)</dd>
                </dl>
                <form method="post" action="/logout">
                <input type="hidden" name="csrf_token" value="\(HTML.escape(account.csrfToken))">
                <button type="submit">Sign out</button>
                </form>

                """
        )
    }

    /// A page with a heading, a sentence and a link onwards: for errors such as 403, 429 and 503.
    static func message(title: String, text: String, link: (href: String, label: String) = ("/login", "Back to sign in")) -> String {
        layout(
            title: title,
            body: """
                <h1>\(HTML.escape(title))</h1>
                <p class="error" role="alert">\(HTML.escape(text))</p>
                <p class="aside"><a href="\(HTML.escape(link.href))">\(HTML.escape(link.label))</a></p>

                """
        )
    }

    private static func alert(_ error: String?) -> String {
        guard let error else { return "" }
        return "<p class=\"error\" role=\"alert\">\(HTML.escape(error))</p>\n"
    }

    private static func layout(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) · jwt-auth</title>
        <link rel="stylesheet" href="/static/style.css">
        </head>
        <body>
        <main>
        \(body)</main>
        </body>
        </html>

        """
    }
}
