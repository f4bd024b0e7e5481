"""What several apps share: view helpers, permission checks, rate limits, spreadsheets, number
formats, SVG charts, COPY into pandas and small-count protection. Domain apps import from here;
nothing here imports a domain app."""
