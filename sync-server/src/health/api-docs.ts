import { docsPage, openapi } from '../../../shared/contracts/docs';
import { buildOpenApi } from '../http/openapi';
import { route, type RouteDef } from '../http/routes';
import { VERSION } from './routes';

type Json = Record<string, unknown>;

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
const pretty = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function accessText(access: unknown): string {
  if (access === 'public') return 'anyone';
  if (access === 'twilio') return 'Twilio (X-Twilio-Signature)';
  if (Array.isArray(access))
    return access.map((p) => (p === 'marketplace' ? 'API key (X-Api-Key)' : String(p))).join(', ');
  return String(access);
}

/**
 * The OpenAPI document as one page for people: no script (the server's pages load nothing from elsewhere, and
 * the app runs without internet), each route a <details> with its access, parameters, body, answer and errors.
 */
export function renderApiDocs(doc: Json): string {
  const paths = isJson(doc.paths) ? doc.paths : {};
  const schemas = isJson(doc.components) && isJson(doc.components.schemas) ? doc.components.schemas : {};
  const sections = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    if (!isJson(methods)) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!isJson(op)) continue;
      const tag = Array.isArray(op.tags) ? String(op.tags[0]) : 'other';
      const parts: string[] = [`<p><b>Access:</b> ${escape(accessText(op['x-access']))}</p>`];
      if (Array.isArray(op.parameters) && op.parameters.length) {
        const rows = op.parameters
          .filter(isJson)
          .map(
            (p) =>
              `<tr><td><code>${escape(String(p.name))}</code></td><td>${escape(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escape(JSON.stringify(p.schema ?? {}))}</td><td>${escape(String(p.description ?? ''))}</td></tr>`,
          );
        parts.push(
          `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>about</th></tr>${rows.join('')}</table>`,
        );
      }
      if (isJson(op.requestBody)) parts.push(`<p><b>Body</b></p>${pretty(op.requestBody.content)}`);
      if (isJson(op.responses)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          if (!isJson(answer)) continue;
          const ok = Number(status) < 400;
          parts.push(
            ok
              ? `<p><b>${escape(status)}</b></p>${answer.content ? pretty(answer.content) : `<p>${escape(String(answer.description))}</p>`}`
              : `<p><b>${escape(status)}</b> <code>${escape(String(answer.description))}</code></p>`,
          );
        }
      }
      const summary = `<code class="m">${escape(method.toUpperCase())}</code> <code>${escape(path)}</code> — ${escape(String(op.summary ?? ''))}`;
      const list = sections.get(tag) ?? [];
      list.push(`<details><summary>${summary}</summary>${parts.join('')}</details>`);
      sections.set(tag, list);
    }
  }
  const info = isJson(doc.info) ? doc.info : {};
  const body = [...sections]
    .map(([tag, items]) => `<h2 id="${escape(tag)}">${escape(tag)}</h2>${items.join('')}`)
    .join('');
  const schemaList = Object.entries(schemas)
    .map(([name, schema]) => `<details><summary><code>${escape(name)}</code></summary>${pretty(schema)}</details>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(String(info.title ?? 'API'))}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1d232b}
details{border:1px solid #d5dae0;border-radius:6px;margin:.35rem 0;padding:.35rem .6rem}summary{cursor:pointer}
pre{background:#f4f6f8;padding:.5rem;overflow:auto;font-size:12px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #d5dae0;padding:.2rem .4rem;text-align:left;vertical-align:top}.m{font-weight:600}</style></head>
<body><h1>${escape(String(info.title ?? 'API'))} <small>${escape(String(info.version ?? ''))}</small></h1>
<p>${escape(String(info.description ?? ''))}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${body}<h2>Schemas</h2>${schemaList}</body></html>`;
}

/** GET /api/openapi.json and GET /api/docs: built once per server from the contracts. */
export function apiDocsRoutes(): RouteDef[] {
  let doc: Json | null = null;
  let page: string | null = null;
  const document = () => (doc ??= buildOpenApi(VERSION));
  return [
    route(openapi, () => document()),
    route(docsPage, ({ res }) => {
      page ??= renderApiDocs(document());
      // The API's policy forbids everything; this page needs only its own inline styles.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      res.status(200).type('text/html').send(page);
    }),
  ];
}
