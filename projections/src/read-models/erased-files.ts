import type Database from 'better-sqlite3';
import { defineProjection, type Operation } from '../projection.ts';
import { ERASED_ENTRIES, erasedEntriesParams } from './personal-data.ts';

/**
 * Which entry's files were erased with its personal data. Every file an entry carries or once carried is held by it
 * until `eraseEntryPersonalData` or the expiry of its year erases it there: an essay's PDF carries the child's name as
 * surely as the event's fields do. Files are stored by content, so the same bytes may be held by several entries;
 * they are deleted once the last entry holding them is erased. A participant's erasure leaves the files: they are
 * the entry's, which may name other people too.
 */

/** Erased files whose bytes no entry holds any more: to delete from the store and the upload registry. */
export interface ErasedFile {
  readonly fileId: string;
  /** The log position of the erasure or expiry that erased the file in the last entry holding it. */
  readonly erasedAt: bigint;
}

export const erasedFilesProjection = defineProjection({
  name: 'erasedFiles',
  version: 1,
  tables: [
    `CREATE TABLE entry_files (
      entry_id TEXT NOT NULL,
      file_id TEXT NOT NULL,
      erased_at INTEGER,
      PRIMARY KEY (entry_id, file_id)
    ) WITHOUT ROWID`,
  ],
  indexes: [
    'CREATE INDEX entry_files_by_file ON entry_files (file_id, erased_at)',
    'CREATE INDEX entry_files_by_erasure ON entry_files (erased_at)',
  ],
  statements: {
    // Erased stays erased: a revision after the erasure carries the entry's files forward, and the erasure covered
    // them. The same bytes given to another entry later are that entry's, held anew.
    holdFile: {
      table: 'entry_files',
      sql: 'INSERT INTO entry_files (entry_id, file_id) VALUES (@entryId, @fileId) ON CONFLICT DO NOTHING',
    },
    eraseFiles: {
      table: 'entry_files',
      sql: `UPDATE entry_files SET erased_at = @position WHERE erased_at IS NULL AND entry_id IN ${ERASED_ENTRIES}`,
    },
  },
  handles: {
    EntrySubmitted: ['holdFile'],
    EntryRevised: ['holdFile'],
    EntryPersonalDataErased: ['eraseFiles'],
    PersonalDataExpired: ['eraseFiles'],
  },
  handle(event, { position }) {
    switch (event.type) {
      case 'EntrySubmitted':
      case 'EntryRevised': {
        const { entryId, attachments = [] } = event.data;
        return attachments.map(
          ({ id }): Operation<'holdFile'> => ({ statement: 'holdFile', params: { entryId, fileId: id } }),
        );
      }
      case 'EntryPersonalDataErased':
      case 'PersonalDataExpired':
        return [{ statement: 'eraseFiles', params: { position, ...erasedEntriesParams(event.data) } }];
      default:
        return [];
    }
  },
});

export function erasedFileQueries(db: Database.Database) {
  const erased = db.prepare<[string, string], { erased: number }>(
    'SELECT erased_at IS NOT NULL AS erased FROM entry_files WHERE entry_id = ? AND file_id = ?',
  );
  const held = db.prepare<[string], { found: number }>(
    'SELECT 1 AS found FROM entry_files WHERE file_id = ? AND erased_at IS NULL LIMIT 1',
  );
  const toDelete = db
    .prepare<[bigint], ErasedFile>(
      `SELECT f.file_id AS fileId, max(f.erased_at) AS erasedAt FROM entry_files f
        WHERE f.erased_at > ?
          AND NOT EXISTS (SELECT 1 FROM entry_files h WHERE h.file_id = f.file_id AND h.erased_at IS NULL)
        GROUP BY f.file_id ORDER BY f.file_id`,
    )
    .safeIntegers(true);
  return {
    /** Whether the file was erased with the entry's personal data (and is gone, or about to be). */
    isFileErased: (entryId: string, fileId: string): boolean => erased.get(entryId, fileId)?.erased === 1,
    /** Whether an entry not erased carries or once carried the file: its bytes are kept, and never swept. */
    isFileHeld: (fileId: string): boolean => held.get(fileId) !== undefined,
    /**
     * The files erased after log position `after` in the last entry that held them: their bytes and upload records
     * are to be deleted. Erasures up to `after` are those whose files were deleted already.
     */
    erasedFilesToDelete: (after: bigint): ErasedFile[] => toDelete.all(after),
  };
}
