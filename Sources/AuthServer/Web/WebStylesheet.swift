/// `GET /static/style.css`: the site's only stylesheet (the pages allow no inline style).
enum WebStylesheet {
    static let css = """
        *, *::before, *::after { box-sizing: border-box; }
        html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #1d2430; }
        body { margin: 0; min-height: 100vh; background: #eef1f6; display: flex; align-items: flex-start; justify-content: center; }
        main { width: 100%; max-width: 26rem; margin: 2rem 1rem; padding: 1.5rem; background: #fff; border-radius: 0.75rem;
          box-shadow: 0 1px 3px rgba(20, 30, 50, 0.15); }
        h1 { font-size: 1.5rem; margin: 0 0 1rem; }
        label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
        label small { font-weight: 400; color: #5b6472; }
        input { width: 100%; padding: 0.6rem 0.7rem; font: inherit; border: 1px solid #b8c0cc; border-radius: 0.4rem; }
        input:focus { outline: 2px solid #2f6fde; outline-offset: 1px; border-color: #2f6fde; }
        button { margin-top: 1.25rem; width: 100%; padding: 0.65rem; font: inherit; font-weight: 600; color: #fff;
          background: #2f6fde; border: 0; border-radius: 0.4rem; cursor: pointer; }
        button:hover { background: #2459b8; }
        .error { padding: 0.6rem 0.8rem; color: #8a1c1c; background: #fdecec; border: 1px solid #f3b9b9; border-radius: 0.4rem; }
        .aside { margin-top: 1.25rem; color: #5b6472; }
        .muted { color: #5b6472; }
        a { color: #2459b8; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 1rem 0; }
        dt { font-weight: 600; }
        dd { margin: 0; overflow-wrap: anywhere; }
        strong { overflow-wrap: anywhere; }
        @media (max-width: 24rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.5rem; } }

        """
}
