"""The report's page template (inline CSS and script: no network) and its two pictures."""

import html

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flask-JWT → Flask-JWT-Extended: the parity report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 1.5em; border-bottom: 1px solid #ccc; }
.filters { position: sticky; top: 0; background: #fff; padding: .5em 0; z-index: 1; }
.scenario { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; margin: .8em 0; }
.scenario h3 { margin: .2em 0; font-size: 1.05em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.pair h4 { margin: .3em 0; color: #555; font-weight: 600; }
.ex { background: #f7f7f9; border-radius: 4px; padding: .5em; font-family: monospace;
      font-size: 12.5px; overflow-wrap: anywhere; }
.ex.none { color: #888; font-style: italic; }
.req { font-weight: bold; } .h { color: #666; }
.status.ok { color: #137333; font-weight: bold; } .status.err { color: #b3261e; font-weight: bold; }
pre.body { white-space: pre-wrap; margin: .3em 0; }
.claims span { display: inline-block; margin-right: .8em; color: #1a56a0; }
.badge { font-size: .8em; padding: .1em .5em; border-radius: 3px; color: #fff; }
.badge.same { background: #137333; } .badge.differs { background: #b06000; }
.badge.v2_only, .badge.v1_only { background: #1a56a0; }
.topic { font-size: .8em; color: #666; } .reason { color: #b06000; margin: .2em 0; }
.lesson { font-weight: 600; margin: .3em 0; }
.unexpected { color: #fff; background: #b3261e; padding: .2em .5em; font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; }
svg { max-width: 100%; height: auto; } /* pictures shrink with the screen, never overflow */
.ex, pre.body { min-width: 0; overflow-wrap: anywhere; word-break: break-word; }
.pair > div { min-width: 0; }
.scenario { scroll-margin-top: 3em; } a.anchor { color: inherit; text-decoration: none; }
a.anchor:hover { text-decoration: underline; }
/* A picture whose text must stay legible scrolls sideways in its own box on a phone. */
.figure { overflow-x: auto; } .figure svg { min-width: 560px; }
/* A phone (390 px): one column, less margin, filters that wrap. */
@media (max-width: 700px) {
  body { margin: .6em; } .pair { grid-template-columns: 1fr; }
  .filters select { max-width: 45vw; }
}
</style></head>
<body>
<h1>Flask-JWT 0.3.2 (v1) → Flask-JWT-Extended 4.7 (v2): the parity report</h1>
<p>A fresh run of the {{COUNT}} scenarios of the parity suite against both apps as real servers
on one shared store. Each shows both requests and answers side by side, the token claims (their
times as they stood when the request was made), the verdict and the lesson. "Step N" is step N
of <code>make demo</code> (a link: <code>report.html#step-N</code>); the scenarios the demo
leaves out are marked "more".</p>
<h2>Token lifetimes</h2>
<div class="figure">{{LIFETIMES}}</div>
<h2>Log in, use, refresh, log out</h2>
<div class="pair"><div><h4>v1 · Flask-JWT 0.3.2</h4>{{SEQUENCE_V1}}</div>
<div><h4>v2 · Flask-JWT-Extended 4.7</h4>{{SEQUENCE_V2}}</div></div>
<h2>In the browser</h2>
{{PAGES}}
<h2>Scenarios</h2>
<div class="filters">
  Verdict: <select id="verdict"><option value="">all</option><option>same</option>
  <option>differs</option><option>v2_only</option></select>
  Topic: <select id="topic"><option value="">all</option>{{TOPICS}}</select>
  <span id="shown"></span>
</div>
{{SCENARIOS}}
<script>
function applyFilters() {
  var verdict = document.getElementById("verdict").value;
  var topic = document.getElementById("topic").value;
  var shown = 0;
  document.querySelectorAll(".scenario").forEach(function (s) {
    var ok = (!verdict || s.dataset.verdict === verdict) && (!topic || s.dataset.topic === topic);
    s.style.display = ok ? "" : "none";
    if (ok) { shown += 1; }
  });
  document.getElementById("shown").textContent = shown + " shown";
  document.body.dataset.shown = shown;
}
document.getElementById("verdict").addEventListener("change", applyFilters);
document.getElementById("topic").addEventListener("change", applyFilters);
var query = new URLSearchParams(location.search);
if (query.get("verdict")) { document.getElementById("verdict").value = query.get("verdict"); }
if (query.get("topic")) { document.getElementById("topic").value = query.get("topic"); }
applyFilters();
// The layout as drawn, for a check in a real browser (tests/docs/test_report.py): the page's
// width (no sideways scrolling on a phone) and the columns of a side-by-side pair.
document.body.dataset.width = document.documentElement.scrollWidth;
document.body.dataset.columns =
  getComputedStyle(document.querySelector(".pair")).gridTemplateColumns.split(" ").length;
</script>
</body></html>
"""


# To scale over the first 30 minutes (PX_PER_MIN); the 30-day refresh token does not fit any
# scale that keeps a 5-minute bar visible, so its bar is drawn broken, with the break marked.
PX_PER_MIN = 16
X0 = 40


def _scaled(y: int, start_s: int, seconds: int, color: str, label: str) -> str:
    x, width = X0 + start_s * PX_PER_MIN // 60, seconds * PX_PER_MIN // 60
    return (f'<rect x="{x}" y="{y}" width="{width}" height="22" rx="3" fill="{color}" '
            f'data-seconds="{seconds}"/>'
            f'<text x="{x + 6}" y="{y + 15}" fill="#fff">{html.escape(label)}</text>')


def _lifetimes_svg() -> str:
    end = X0 + 30 * PX_PER_MIN  # 30 minutes
    ticks = "".join(f'<line x1="{X0 + m * PX_PER_MIN}" y1="128" x2="{X0 + m * PX_PER_MIN}" '
                    f'y2="134" stroke="#666"/><text x="{X0 + m * PX_PER_MIN - 8}" y="148" '
                    f'fill="#666">{m} min</text>' for m in range(0, 31, 5))
    return (
        '<svg viewBox="0 0 640 160" width="640" role="img" aria-label="token lifetimes">'
        '<text x="0" y="30">v1</text>'
        + _scaled(14, 0, 300, "#6b7280", "5 min")
        + f'<rect x="{X0 + 5 * PX_PER_MIN}" y="14" width="3" height="22" fill="#9ca3af" '
        'data-seconds="10"/>'  # the leeway: 10 s, at least 3 px to be seen
        f'<text x="{X0 + 5 * PX_PER_MIN + 10}" y="30" fill="#444">one token (+10 s leeway), '
        'no refresh</text>'
        '<text x="0" y="68">v2</text>'
        + _scaled(52, 0, 900, "#137333", "access, fresh: 15 min (/login)")
        + _scaled(52, 900, 900, "#b06000", "access, not fresh: 15 min (/refresh)")
        + _scaled(84, 0, 1800, "#1a56a0", "refresh: 30 days (until /logout or a password change)")
        # the break: the refresh bar goes on far beyond the scale
        + f'<rect x="{end}" y="84" width="110" height="22" rx="3" fill="#1a56a0" '
          'opacity=".55"/>'
        f'<path d="M{end + 8} 80 l-8 30 M{end + 16} 80 l-8 30" stroke="#fff" stroke-width="4"/>'
        f'<path d="M{end + 8} 80 l-8 30 M{end + 16} 80 l-8 30" stroke="#666"/>'
        f'<text x="{end + 22}" y="99" fill="#fff">… 30 days</text>'
        f'<line x1="{X0}" y1="128" x2="{end}" y2="128" stroke="#666"/>{ticks}'
        f'<text x="{end + 44}" y="148" fill="#666">not to scale</text></svg>')


LIFETIMES_SVG = _lifetimes_svg()

SEQUENCES = {
    "v1": [(">", "POST /auth {username, password}"), ("<", "200 {access_token}"),
           (">", "GET /item/chair  JWT <token>"), ("<", "200"),
           ("=", "5 minutes later"), (">", "GET /item/chair  JWT <token>"),
           ("<", "401 token_expired: log in again"), (">", "POST /auth again"),
           ("<", "200 {access_token}"), ("=", "no logout: a token lives until it expires")],
    "v2": [(">", "POST /login {username, password}"),
           ("<", "200 {access_token (fresh), refresh_token}"),
           (">", "GET /item/chair  Bearer <access>"), ("<", "200"),
           ("=", "15 minutes later"), (">", "GET /item/chair  Bearer <access>"),
           ("<", "401 token_expired"), (">", "POST /refresh  Bearer <refresh>"),
           ("<", "200 {access_token (not fresh)}"), (">", "POST /logout  Bearer <access>"),
           ("<", "200: both tokens revoked"), (">", "POST /refresh  Bearer <refresh>"),
           ("<", "401 token_revoked")],
}


def sequence_svg(app: str) -> str:
    steps = SEQUENCES[app]
    height = 40 + 30 * len(steps)
    parts = [f'<svg viewBox="0 0 420 {height}" width="420" role="img" '
             f'aria-label="{app} sequence">',
             '<text x="20" y="20">client</text><text x="340" y="20">app</text>',
             f'<line x1="40" y1="28" x2="40" y2="{height}" stroke="#999"/>',
             f'<line x1="360" y1="28" x2="360" y2="{height}" stroke="#999"/>']
    for i, (kind, label) in enumerate(steps):
        y = 48 + 30 * i
        if kind == "=":
            parts.append(f'<text x="200" y="{y}" text-anchor="middle" fill="#666" '
                         f'font-style="italic">{html.escape(label)}</text>')
            continue
        x1, x2 = (40, 356) if kind == ">" else (360, 44)
        color = "#1a56a0" if kind == ">" else ("#b3261e" if label[:1] == "4" else "#137333")
        parts.append(f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{color}" '
                     f'stroke-width="1.5"/>'
                     f'<polygon points="{x2},{y} {x2 - 8 if kind == ">" else x2 + 8},{y - 4} '
                     f'{x2 - 8 if kind == ">" else x2 + 8},{y + 4}" fill="{color}"/>'
                     f'<text x="200" y="{y - 5}" text-anchor="middle" fill="{color}">'
                     f'{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
