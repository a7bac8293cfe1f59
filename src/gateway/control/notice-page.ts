// Small pages the gateway answers with itself (a used sign-in link, say), so a person sees what to do next in the
// UI's look rather than bare text. They are sent with the UI's strict CSP, which allows no inline style: the
// stylesheet is served from its own path.
export const NOTICE_CSS_PATH = '/notice.css';

export const NOTICE_CSS = `:root {
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  font-size: 14px;
  line-height: 1.45;
  color: #1d2330;
  background: #f6f7f9;
}
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  align-items: center;
  justify-content: center;
  padding: 24px;
  box-sizing: border-box;
}
.card {
  max-width: 520px;
  background: #ffffff;
  border: 1px solid #dde1e7;
  border-radius: 12px;
  padding: 28px;
}
h1 {
  font-size: 20px;
  margin: 0 0 12px;
  font-weight: 600;
}
p {
  margin: 0 0 12px;
}
code {
  font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  font-size: 12.5px;
  background: #eef0f3;
  padding: 1px 5px;
  border-radius: 4px;
}
`;

/** An HTML page with a heading and paragraphs; text between backticks is shown as code. */
export function noticePage(title: string, paragraphs: string[]): string {
  const body = paragraphs
    .map((p) => `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} — OpenClaw</title>
    <link rel="stylesheet" href="${NOTICE_CSS_PATH}" />
  </head>
  <body>
    <main class="card">
      <h1>${escapeHtml(title)}</h1>
      ${body}
    </main>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
