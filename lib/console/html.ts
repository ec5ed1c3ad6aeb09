/**
 * HTML built by a tagged template that escapes every interpolated value, so a value from a
 * request (a path, a tenant, a body) can never become markup. Markup is nested by passing
 * `Html` values, which are not escaped again.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Part = Html | string | number | undefined | null | false | readonly Part[];

const render = (part: Part): string => {
  if (part === undefined || part === null || part === false) return "";
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
};

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i]!) : ""), ""));
}

export const time = (d: Date | undefined) =>
  d ? html`<time datetime="${d.toISOString()}">${d.toISOString().replace("T", " ").slice(0, 19)}</time>` : "-";

/** Every page: the same frame, links relative to where the host mounted the console. */
export function page(base: string, title: string, current: string, body: Html): string {
  const nav = [
    ["", "Status"],
    ["requests", "Requests"],
    ["tokens", "Tokens"],
    ["events", "Events"],
  ].map(
    ([href, label]) =>
      html`<li><a href="${base}/${href}"${current === label ? new Html(' aria-current="page"') : ""}>${label}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - SCIM console</title>
<link rel="stylesheet" href="${base}/console.css">
</head>
<body>
<header><p class="brand">SCIM console</p><nav aria-label="Console"><ul>${nav}</ul></nav></header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.text;
}
