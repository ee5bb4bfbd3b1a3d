import { describe, expect, it } from 'vitest';
import { sanitizeDocxHtml } from '../src/previews/sanitize-docx-html.ts';

/** The HTML as it would go into the page: the fragment sanitizeDocxHtml returns, inserted into a fresh element. */
function shown(html: string): HTMLElement {
  const host = document.createElement('div');
  host.replaceChildren(sanitizeDocxHtml(html, window));
  return host;
}

const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

describe('the HTML of a Word document, before it enters the page', () => {
  it('keeps what mammoth writes for a document: paragraphs, headings, emphasis, lists, tables, footnote links', () => {
    const html =
      '<h1>题目</h1><p><strong>青苗</strong>征文<em>一</em><sup><a href="#fn-1" id="ref-1">[1]</a></sup></p>' +
      '<ul><li>一</li></ul><table><tr><td colspan="2">格</td></tr></table>' +
      `<p><img src="${PIXEL}" alt="插图" /></p><ol><li id="fn-1">注释</li></ol>`;
    const host = shown(html);
    expect(host.innerHTML).toBe(
      html
        .replace(' />', '>')
        .replace('<table><tr>', '<table><tbody><tr>')
        .replace('</tr></table>', '</tr></tbody></table>'),
    );
  });

  it('drops scripts, event handlers and javascript: links, keeping the text', () => {
    const host = shown(
      '<p>正文<script>window.hacked = 1</script></p><img src="x" onerror="window.hacked = 2">' +
        '<p onclick="window.hacked = 3" onmouseover="x()">点我</p><a href="javascript:alert(1)">链接</a>' +
        '<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    );
    expect(host.querySelector('script, svg, math')).toBeNull();
    expect(host.innerHTML).not.toMatch(/on\w+=|javascript:|hacked/i);
    expect(host.textContent).toContain('正文');
    expect(host.textContent).toContain('点我');
    expect(host.querySelector('a')?.hasAttribute('href')).toBe(false);
  });

  it('lets nothing reach another server: no outside links, pictures, styles, frames, forms or bases', () => {
    const host = shown(
      '<a href="https://tracker.example/?who=judge">网站</a><a href="//tracker.example">网站</a>' +
        '<img src="https://tracker.example/pixel.png" alt="外链图"><img srcset="https://tracker.example/a.png 1x">' +
        '<p style="background:url(https://tracker.example/bg.png)">样式</p><style>p{background:url(https://tracker.example/s)}</style>' +
        '<link rel="stylesheet" href="https://tracker.example/s.css"><iframe src="https://tracker.example"></iframe>' +
        '<object data="https://tracker.example/x.swf"></object><form action="https://tracker.example"><input name="q"></form>' +
        '<base href="https://tracker.example/"><video src="https://tracker.example/v.mp4"></video>' +
        '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" alt="伪图">',
    );
    expect(host.innerHTML).not.toContain('tracker.example');
    expect(host.innerHTML).not.toContain('data:text/html');
    expect(host.querySelector('style, link, iframe, object, form, input, base, video, [style], [srcset]')).toBeNull();
    expect(host.textContent).toContain('网站');
    expect(host.textContent).toContain('样式');
    expect(host.querySelectorAll('img[alt="外链图"]:not([src])')).toHaveLength(1);
  });

  it("leaves no id that can shadow the page's globals or forms", () => {
    const host = shown('<p id="cookie">a</p><p name="location">b</p><a id="fn-2">c</a>');
    expect(host.querySelector('#cookie, [name]')).toBeNull();
    expect(host.querySelector('#fn-2')).not.toBeNull();
  });
});
