/**
 * The frame of every reviewer page, rendered on the server with hono/jsx. Every value from a
 * document (OCR text, fields, names) is passed to the pages of this folder as a JSX child or
 * attribute, which hono/jsx escapes; nothing here uses raw() or dangerouslySetInnerHTML.
 */
import type { Child } from 'hono/jsx';

export interface Viewer {
  keyId: string;
  role: string;
  keyName: string | null;
  csrfToken: string;
}

/** A notice at the top of a page after a post: saved, refused, or changed by someone else. */
export interface Banner {
  kind: 'ok' | 'error' | 'conflict';
  text: string;
}

/** How long a case has waited: minutes, then hours, then days. */
export const formatAge = (ms: number) => {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
};

export function Layout(props: {
  title: string;
  viewer: Viewer | null;
  children?: Child;
  bodyClass?: string;
}) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · docverify review</title>
        <link rel="stylesheet" href="/review/assets/review.css" />
        <script src="/review/assets/review.js" defer />
      </head>
      <body class={props.bodyClass}>
        <header class="top">
          <a class="brand" href="/review">
            docverify 人工复核 review
          </a>
          {props.viewer ? (
            <nav>
              <a href="/review">队列 Queue</a>
              <a href="/review/metrics">指标 Metrics</a>
              <a href="/review/fixtures">样例 Fixtures</a>
              <span class="who">
                {props.viewer.keyName ?? props.viewer.keyId} ({props.viewer.role})
              </span>
              <form method="post" action="/review/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
                <button type="submit">退出 Sign out</button>
              </form>
            </nav>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
