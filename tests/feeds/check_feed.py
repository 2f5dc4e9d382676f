"""Read one outgoing feed the way subscribers do and report what was understood.

Usage: check_feed.py URL rss|atom|json
RSS and Atom go through feedparser (bozo must be 0); JSON Feed is validated against
jsonfeed-1.1.schema.json next to this file. Prints one JSON object on stdout.
"""

import json
import pathlib
import sys
import urllib.request


def main() -> None:
    url, kind = sys.argv[1], sys.argv[2]
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        content_type = response.headers.get("Content-Type", "")
    if kind == "json":
        import jsonschema

        schema = json.loads(
            (pathlib.Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text("utf-8")
        )
        feed = json.loads(body)
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft202012Validator(schema).iter_errors(feed)
        ]
        print(json.dumps({
            "valid": not errors,
            "errors": errors,
            "content_type": content_type,
            "ids": [i["id"] for i in feed.get("items", [])],
            "titles": [i.get("title") for i in feed.get("items", [])],
        }))
        return
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    print(json.dumps({
        "bozo": int(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "version": parsed.version,
        "content_type": content_type,
        "title": parsed.feed.get("title"),
        "ids": [e.get("id") for e in parsed.entries],
        "titles": [e.get("title") for e in parsed.entries],
        "links": [e.get("link") for e in parsed.entries],
        "tags": [[t.get("term") for t in e.get("tags", [])] for e in parsed.entries],
        "deadlines": [e.get("stb_application_deadline") for e in parsed.entries],
        "municipalities": [e.get("stb_municipality") for e in parsed.entries],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
