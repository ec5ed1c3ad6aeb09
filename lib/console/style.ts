/** The console's one stylesheet, served from its own URL so the CSP can forbid inline styles. */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --bad: #b3261e; --ok: #1a7f37; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --bad: #ff7b72; --ok: #3fb950; --accent: #79b8ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 2rem; align-items: center; padding: .5rem 1.5rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; margin: 0; }
nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
a { color: var(--accent); }
a[aria-current="page"] { font-weight: 700; text-decoration: none; }
main { padding: 1rem 1.5rem; max-width: 80rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
pre { background: color-mix(in srgb, var(--fg) 6%, transparent); padding: .75rem; overflow: auto; max-height: 30rem; }
.status-2, .ok { color: var(--ok); }
.status-4, .status-5, .bad { color: var(--bad); font-weight: 600; }
form.inline { display: inline; }
fieldset { border: 1px solid var(--line); margin: 0 0 1rem; }
label { margin-right: .75rem; }
input, select, button { font: inherit; }
.secret { font-family: ui-monospace, monospace; font-size: 1.1rem; padding: .5rem; border: 2px solid var(--ok); display: inline-block; }
.muted { color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
`;
