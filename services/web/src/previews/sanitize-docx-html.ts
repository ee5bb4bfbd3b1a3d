import DOMPurify from 'dompurify';

/** What mammoth writes for a Word document: structure and emphasis, links, tables and pictures. */
const ALLOWED_TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  'u',
  's',
  'sub',
  'sup',
  'a',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'br',
  'img',
  'blockquote',
  'pre',
  'code',
];

const ALLOWED_ATTR = ['href', 'id', 'src', 'alt', 'colspan', 'rowspan'];

/** Pictures embedded in the document only: a picture from elsewhere would tell its server who reads the entry. */
const EMBEDDED_PICTURE = /^data:image\/[a-z0-9.+-]+;base64,/i;

/**
 * The HTML mammoth made from an uploaded DOCX, made safe to put into the page: no scripts, no event handlers, no
 * styles, forms or frames, and nothing that reaches another server (a judge opening an entry must not signal
 * anyone): links keep their text but only jumps within the document (footnotes, bookmarks) keep their target, and
 * pictures only when embedded. Returns nodes rather than a string, so what was checked is what is inserted.
 */
export function sanitizeDocxHtml(html: string, window: Window & typeof globalThis): DocumentFragment {
  const purify = DOMPurify(window);
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'src' && !(node.nodeName === 'IMG' && EMBEDDED_PICTURE.test(data.attrValue))) {
      data.keepAttr = false;
    }
  });
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^#/,
    // Plain numbers, not addresses: exempt from the address rule above.
    ADD_URI_SAFE_ATTR: ['colspan', 'rowspan'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
}
