import { readFileSync, statSync } from 'node:fs';

/**
 * The other processes holding POSIX locks on a file, read from Linux's /proc/locks. SQLite keeps such a lock on a
 * store for as long as a connection has it open, so these are the processes to stop. Empty where /proc/locks is
 * missing (other systems) or the file does not exist.
 */
export function lockHolders(path: string): number[] {
  let table: string;
  let dev: bigint;
  let ino: bigint;
  try {
    table = readFileSync('/proc/locks', 'utf8');
    ({ dev, ino } = statSync(path, { bigint: true }));
  } catch {
    return [];
  }
  // Linux's dev_t encoding; /proc/locks prints major and minor in hex, the inode in decimal.
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  const file = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`;
  const pids = new Set<number>();
  // e.g. `4: POSIX  ADVISORY  READ 8541 fe:00:2147617 1073741826 1073742335`
  for (const line of table.split('\n')) {
    const [, , , , pid, id] = line.trim().split(/\s+/);
    if (id === file && Number(pid) > 0 && Number(pid) !== process.pid) pids.add(Number(pid));
  }
  return [...pids].sort((a, b) => a - b);
}
