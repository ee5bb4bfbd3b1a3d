/**
 * Small, valid files of the types entries carry, made in the test (no binary fixtures in the repository): a PDF that
 * shows a line of text, a Word document with a paragraph, a PNG.
 */
import JSZip from 'jszip';

/**
 * A PDF 1.4 showing `text` (ASCII) in Helvetica, one page per line when given several, with a correct
 * cross-reference table.
 */
export function samplePdf(text: string | readonly string[] = 'Qingmiao essay'): Buffer {
  const pages = typeof text === 'string' ? [text] : text;
  const pageIds = pages.map((_, index) => 4 + index * 2);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  for (const [index, line] of pages.entries()) {
    const escaped = line.replace(/[\\()]/g, (character) => `\\${character}`);
    const stream = `BT /F1 24 Tf 72 720 Td (${escaped}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${5 + index * 2} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    );
  }
  return assemblePdf(objects);
}

/**
 * A one-page PDF showing `text` (Chinese) in STSong-Light, a font PDF readers must bring themselves, encoded by the
 * predefined UniGB-UCS2-H character map: a viewer shows it only with the Adobe character maps at hand.
 */
export function sampleChinesePdf(text: string): Buffer {
  const hex = [...text].map((character) => (character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')).join('');
  const stream = `BT /F1 24 Tf 72 720 Td <${hex}> Tj ET`;
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light ' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 ' +
      '/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ]);
}

/** PDF 1.4 of these objects (numbered from 1), with a correct cross-reference table. */
function assemblePdf(objects: readonly string[]): Buffer {
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (character) => `&#${character.codePointAt(0)};`);

/** What a sample Word document carries beyond its paragraph (for hostile documents). */
export interface DocxExtras {
  /** WordprocessingML appended to the body, e.g. `<w:hyperlink r:id="…">`. */
  readonly bodyXml?: string;
  /** Relationships of the document to outside targets, by id (hyperlinks with TargetMode External). */
  readonly externalLinks?: Readonly<Record<string, string>>;
}

/** A Word document (.docx, Office Open XML) with one paragraph of `text`: the three parts Word needs. */
export async function sampleDocx(
  text = '爷爷的勋章',
  { bodyXml = '', externalLinks = {} }: DocxExtras = {},
): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" ' +
      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
      'Target="word/document.xml"/></Relationships>',
  );
  const links = Object.entries(externalLinks).map(
    ([id, target]) =>
      `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" ` +
      `Target="${escapeXml(target)}" TargetMode="External"/>`,
  );
  if (links.length > 0) {
    zip.file(
      'word/_rels/document.xml.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${links.join('')}</Relationships>`,
    );
  }
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      `<w:body><w:p><w:r><w:t>${escapeXml(text)}</w:t></w:r></w:p>${bodyXml}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A plain zip archive that is no Office document. */
export async function sampleZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('notes.txt', 'not a Word document');
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** A 1×1 PNG (one green pixel). */
export const samplePng = (): Buffer =>
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNg+M8AAAICAQB7CYF4AAAAAElFTkSuQmCC', 'base64');

/**
 * About a second of silence as MP3: 38 MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 417 bytes each) with empty
 * audio data, which players decode as silence.
 */
export function sampleMp3(): Buffer {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb9064, 0);
  return Buffer.concat(Array.from({ length: 38 }, () => frame));
}
