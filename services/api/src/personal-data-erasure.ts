import {
  type CommandMeta,
  type CommandOutcome,
  type CommandRunner,
  type Commands,
  Conflict,
  Forbidden,
  NotFound,
  personalDataDueAt,
} from '@qingmiao/domain';
import type { EventStore } from '@qingmiao/event-store';
import type { PersonalDataProtection } from '@qingmiao/privacy';
import type { AsOfReplayer, ErasureScope, ReadSide } from '@qingmiao/projections';
import { type EraseEntryPersonalDataInput, type EraseParticipantInput, streams } from '@qingmiao/schema';
import type { ErasedFileDeletion } from './files/erased-file-deletion.ts';

export interface PersonalDataEraserOptions {
  readonly store: EventStore;
  readonly personalData: Pick<PersonalDataProtection, 'keys' | 'participantId'>;
  readonly readSide: ReadSide;
  readonly commands: Commands;
  /** The commands' runner: its cached states hold what the events said when read. */
  readonly runner: Pick<CommandRunner, 'forget'>;
  readonly pastFigures: AsOfReplayer;
  /** Deletes the files of erased entries that no other entry holds. */
  readonly erasedFiles: Pick<ErasedFileDeletion, 'run'>;
  /** QINGMIAO_PII_RETENTION_YEARS, as the commands have it. */
  readonly retentionYears: number;
  /** The commands' clock. */
  readonly now?: () => Date;
}

/** What an erasure did: the event's position (or the earlier erasure's) and how many keys it destroyed. */
export interface Erasure {
  readonly outcome: CommandOutcome;
  /** The data subject erased: a participant's pseudonymous id, an entry id or a year. */
  readonly subject: string;
  readonly keysDestroyed: number;
}

/**
 * Erasure and expiry of personal data, end to end: find every key that sealed it (the read models' index, caught
 * up with the log's head), destroy the keys, record the event (no personal data in it), and answer only once every
 * copy the server holds has dropped the data: the read models projected the event (and emptied their write-ahead
 * log), the command runner and the as-of replays forgot the states and events they had read, and the entries' files
 * no other entry holds are deleted (storage out of reach: ErasedFilesNotDeleted, finished by a retry or within the
 * hour). Keys recorded between
 * the lookup and the event (a submission meanwhile) are destroyed once the event is projected: an erasure covers
 * everything recorded before it.
 */
export class PersonalDataEraser {
  readonly #options: PersonalDataEraserOptions;

  constructor(options: PersonalDataEraserOptions) {
    this.#options = options;
  }

  /** A guardian's request: every personal datum of the child the school knows by `key`, in every entry and year. */
  async eraseParticipant(input: EraseParticipantInput, meta: CommandMeta): Promise<Erasure> {
    organizerOnly(meta);
    const { readSide, personalData, commands } = this.#options;
    await this.#caughtUp();
    if (!readSide.read.school(input.schoolId)) {
      throw new NotFound(`School ${input.schoolId} does not exist`, 'schoolId');
    }
    const participantId = personalData.participantId(input.schoolId, input.key);
    const scope = { participantId };
    const known = readSide.read.personalDataKeys(scope);
    if (known.kids.length === 0 && readSide.read.erasurePosition(scope) === undefined) {
      throw new NotFound(`No entry of school ${input.schoolId} names a participant with this key`, 'key');
    }
    return this.#erase(scope, participantId, known, () => commands.eraseParticipant(input, meta));
  }

  /** Every personal datum one entry carries: participants, advisor, text, and its files with their names. */
  async eraseEntry(input: EraseEntryPersonalDataInput, meta: CommandMeta): Promise<Erasure> {
    organizerOnly(meta);
    const { readSide, commands } = this.#options;
    await this.#caughtUp();
    if (!readSide.read.entry(input.entryId)) throw new NotFound(`Entry ${input.entryId} does not exist`, 'entryId');
    const scope = { entryId: input.entryId };
    return this.#erase(scope, input.entryId, readSide.read.personalDataKeys(scope), () =>
      commands.eraseEntryPersonalData(input, meta),
    );
  }

  /** The personal data of a year's entries, once its retention period is over (refused before). */
  async expireYear(year: number, meta: CommandMeta): Promise<Erasure> {
    organizerOnly(meta);
    const { readSide, commands, retentionYears, now = () => new Date() } = this.#options;
    // The decider refuses too, but only after the keys would be gone.
    const due = personalDataDueAt(year, retentionYears);
    if (now() < due) throw new Conflict(`The personal data of ${year} is kept until ${due.toISOString()}`, 'year');
    await this.#caughtUp();
    const scope = { year };
    return this.#erase(scope, `year:${year}`, readSide.read.personalDataKeys(scope), () =>
      commands.expirePersonalData({ year }, meta),
    );
  }

  /**
   * Destroys every key the log's erasures and expiries destroyed that exists again: a key store restored from a
   * backup must not bring a name back. Run once the read models have caught up; returns how many it destroyed.
   */
  async shredAgain(): Promise<number> {
    const { readSide } = this.#options;
    const destroyed = await this.#destroy(readSide.read.shreddedKeys());
    // Whatever was read meanwhile was read with the restored keys.
    if (destroyed > 0) await this.#forget(readSide.read.campaigns().map((campaign) => campaign.id));
    return destroyed;
  }

  /**
   * Deletes the files of erasures and expiries not deleted yet: those a crash or a storage outage cut short. Run once
   * the read models have caught up; returns how many files it deleted.
   */
  deleteErasedFiles(): Promise<number> {
    return this.#options.erasedFiles.run();
  }

  async #erase(
    scope: ErasureScope,
    subject: string,
    known: { readonly kids: readonly string[]; readonly campaigns: readonly string[] },
    record: () => Promise<CommandOutcome>,
  ): Promise<Erasure> {
    const { readSide } = this.#options;
    let keysDestroyed = await this.#destroy(known.kids);
    const outcome = await record();
    await readSide.waitFor(outcome.position);
    const erasedAt = 'year' in scope ? undefined : readSide.read.erasurePosition(scope);
    const recorded = readSide.read.personalDataKeys(scope, erasedAt ?? outcome.position.commit + 1n);
    const destroyed = new Set(known.kids);
    keysDestroyed += await this.#destroy(recorded.kids.filter((kid) => !destroyed.has(kid)));
    await this.#forget([...known.campaigns, ...recorded.campaigns]);
    // Last: the names are gone whether or not the storage answers now, and a retry comes back here.
    await this.#options.erasedFiles.run();
    return { outcome, subject, keysDestroyed };
  }

  /** Destroys those of the keys that exist; returns how many did. */
  async #destroy(kids: readonly string[]): Promise<number> {
    const { keys } = this.#options.personalData;
    const existing = [...(await keys.find(kids)).keys()];
    if (existing.length > 0) await keys.destroy(existing);
    return existing.length;
  }

  /** Drops every copy the server holds of what the campaigns' events said before their keys were destroyed. */
  async #forget(campaigns: readonly string[]): Promise<void> {
    const { runner, pastFigures, readSide } = this.#options;
    runner.forget(campaigns.map((campaignId) => streams.campaign(campaignId)));
    pastFigures.forget();
    await readSide.checkpoint();
  }

  /** The read models include the whole log as it is now: the keys' index knows every key recorded so far. */
  async #caughtUp(): Promise<void> {
    const { store, readSide } = this.#options;
    await readSide.waitFor(await store.headPosition());
  }
}

function organizerOnly(meta: CommandMeta): void {
  if (meta.actor.role !== 'organizer') throw new Forbidden(`Role ${meta.actor.role} may not erase personal data`);
}
