/**
 * The phone's own store (IndexedDB): the records not yet judged and those judged, and the last
 * answers the page showed (who is signed in, the campaigns, a commune's standing), so that a
 * reload without a connection still shows the page and its queue.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FieldRecord } from './entry';

interface FieldDb extends DBSchema {
  records: { key: string; value: FieldRecord; indexes: { owner: number } };
  cache: { key: string; value: { value: unknown; at: number } };
}

let opened: Promise<IDBPDatabase<FieldDb>> | null = null;

function db(): Promise<IDBPDatabase<FieldDb>> {
  opened ??= openDB<FieldDb>('tiendo-field', 1, {
    upgrade(database) {
      database.createObjectStore('records', { keyPath: 'id' }).createIndex('owner', 'owner');
      database.createObjectStore('cache');
    },
  });
  return opened;
}

export async function recordsOf(owner: number): Promise<FieldRecord[]> {
  return (await db()).getAllFromIndex('records', 'owner', owner);
}

export async function saveRecord(record: FieldRecord): Promise<void> {
  await (await db()).put('records', record);
}

export async function deleteRecords(ids: string[]): Promise<void> {
  const tx = (await db()).transaction('records', 'readwrite');
  await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
}

/** The last answer kept under a name, and when it was kept. */
export async function cached<T>(name: string): Promise<{ value: T; at: number } | undefined> {
  return (await (await db()).get('cache', name)) as { value: T; at: number } | undefined;
}

export async function keep(name: string, value: unknown): Promise<void> {
  await (await db()).put('cache', { value, at: Date.now() }, name);
}

export async function forget(name: string): Promise<void> {
  await (await db()).delete('cache', name);
}
