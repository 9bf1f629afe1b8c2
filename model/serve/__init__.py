"""`decarb serve`: a local policy page. `state` turns lever values into case edits,
`views` turns a solution into chart and KPI JSON, `app` serves both and the page
(`static/`: HTML, a hand-written SVG renderer, CSS; nothing loaded from elsewhere)."""
