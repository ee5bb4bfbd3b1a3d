import { describe, expect, it } from 'vitest';
import { sanitisedFileName } from '../src/files/file-names.ts';

describe('the name an upload is kept under', () => {
  it('keeps an ordinary name, Chinese included', () => {
    expect(sanitisedFileName('爷爷的勋章.pdf')).toBe('爷爷的勋章.pdf');
    expect(sanitisedFileName('  report 2022.docx ')).toBe('report 2022.docx');
  });

  it('keeps only the last path segment, whichever slash', () => {
    expect(sanitisedFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitisedFileName('C:\\Users\\王老师\\作文.pdf')).toBe('作文.pdf');
    expect(sanitisedFileName('dir/..')).toBe('文件');
  });

  it('drops control and format characters (bidi overrides, zero-width) and normalises to NFC', () => {
    expect(sanitisedFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitisedFileName('a\u0000b\u200Bc\n.pdf')).toBe('abc.pdf');
    expect(sanitisedFileName('Cafe\u0301.pdf')).toBe('Café.pdf');
  });

  it('calls a file with nothing left of its name 文件', () => {
    expect(sanitisedFileName('')).toBe('文件');
    expect(sanitisedFileName('/')).toBe('文件');
    expect(sanitisedFileName('\u202E\u200B ')).toBe('文件');
  });

  it('shortens a long name to 200 UTF-16 code units, keeping the extension and whole characters', () => {
    const long = sanitisedFileName(`${'长'.repeat(300)}.docx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('长.docx')).toBe(true);
    const emoji = sanitisedFileName(`${'😀'.repeat(150)}.pdf`);
    expect(emoji.length).toBeLessThanOrEqual(200);
    expect(emoji).toMatch(/^(😀)+\.pdf$/u);
    expect(sanitisedFileName('x'.repeat(250))).toBe('x'.repeat(200));
  });
});
